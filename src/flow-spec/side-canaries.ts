import type { Json, JsonObject } from '../model/json.js';
import type { FlowSpec } from './spec-schema.js';
import { specCanaries, type SpecWorld } from './spec-world.js';

/**
 * Generated canaries made unique to one run side. A site without a reset keeps what earlier cases
 * and sides put there; with the same canary text in every world, a leftover could not be told from
 * this world's data. The binding sends `Result comment 3fa2c1d0 p1x3` where the world says
 * `Result comment p1x3`, and turns this side's texts back into the world's in every answer, so the
 * oracles see the world's canaries, the two sides of a twin see the same text, and a leftover of
 * another side stays what it is: not this world's canary.
 */
export interface SideCanaries {
  /** The world with each generated canary as this side sends it. */
  sided<T extends Json>(value: T): T;
  /** A text with this side's canaries turned back into the world's. */
  back(text: string): string;
  /** The world's text of a value that may be one of this side's canaries. */
  worldValue(text: string): string;
}

/** This side's form of one canary: the side id before its last word (`owner x n`). */
export function sideCanary(value: string, sideId: string): string {
  const space = value.lastIndexOf(' ');
  return space < 0 ? `${sideId} ${value}` : `${value.slice(0, space)} ${sideId}${value.slice(space)}`;
}

export function sideCanaries(spec: FlowSpec, world: SpecWorld, sideId: string): SideCanaries {
  const toSide = new Map<string, string>();
  for (const canary of specCanaries(spec, world)) {
    const root = canary.field.split('.')[0] ?? '';
    if (root in spec.identities.fields && canary.value.length > 0) toSide.set(canary.value, sideCanary(canary.value, sideId));
  }
  const toWorld = new Map([...toSide].map(([w, s]) => [s, w]));
  // Longest first, so that a canary that contains another is turned back whole.
  const sideTexts = [...toWorld.keys()].sort((x, y) => y.length - x.length);
  const walk = (value: Json): Json => {
    if (typeof value === 'string') return toSide.get(value) ?? value;
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v);
      return out;
    }
    return value;
  };
  return {
    sided: <T extends Json>(value: T): T => (toSide.size === 0 ? value : (walk(value) as T)),
    back(text) {
      let out = text;
      for (const side of sideTexts) if (out.includes(side)) out = out.split(side).join(toWorld.get(side) ?? side);
      return out;
    },
    worldValue: (text) => toWorld.get(text) ?? text,
  };
}

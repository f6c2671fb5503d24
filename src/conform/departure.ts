import type { Json } from '../model/json.js';
import type { Step } from '../model/model.js';
import type { ScreenPages } from './screen-pages.js';
import type { StepVerdict } from './step-verdict.js';

/**
 * How a step of the site departs from the spec: it refuses what the spec allows, allows what the
 * spec refuses, shows a screen the spec puts elsewhere (`screen`), shows one page where the spec
 * has two screens (`merged`), shows or hides what the actor may not see (`leaks`), or changes
 * something else than the spec says (`changes`, `other`).
 */
export type DepartureKind = 'refuses' | 'allows' | 'screen' | 'merged' | 'leaks' | 'changes' | 'other';

/** One step as the spec has it (`declared`, with its screen) and as the site did it (`observed`, with its page). */
export interface ConformStep {
  step: Step;
  declared: StepVerdict & { screen?: string };
  observed: StepVerdict & { page?: string };
}

/** What a step's departure is: its kind, a key shared by departures of the same kind at the same place, and the words. */
export interface StepDeparture {
  kind: DepartureKind;
  key: string;
  message: string;
}

/** A departure found, shrunk to the fewest steps that still show it. */
export interface Departure extends StepDeparture {
  actor: string;
  action: string;
  /** The shrunk journey, the departing step last. */
  steps: Step[];
  /** Each step of the shrunk journey, both sides. */
  trace: ConformStep[];
  /** The world the journey ran on. */
  world: Json;
  /** Generated case (from 1) where it was first seen, and its length up to the departure before shrinking. */
  firstCase: number;
  shrunkFrom: number;
  /** Cases whose first departure was this one. */
  cases: number;
}

/** Departures of one kind at one action are one departure, whichever actor took it (the example names one). */
const keyOf = (kind: StepDeparture['kind'], action: string): string => `${kind} ${action}`;

/** Whether, and how, the site's step departs from the spec's. */
export function stepDeparture(record: ConformStep, pages: ScreenPages): StepDeparture | undefined {
  const { step, declared, observed } = record;
  const who = `${step.actor} "${step.action}"`;
  const page = observed.page ?? 'no page';
  if (declared.outcome === 'ok' && observed.outcome === 'refused') {
    return { kind: 'refuses', key: `${keyOf('refuses', step.action)} ${declared.screen ?? ''}`, message: `the site refuses ${who}, which the spec allows (spec: ${declared.screen ?? 'done'}; site: ${page})` };
  }
  if (declared.outcome === 'refused' && observed.outcome === 'ok') {
    return { kind: 'allows', key: `${keyOf('allows', step.action)} ${page}`, message: `the site lets ${who}, which the spec refuses (spec: stays on ${declared.screen ?? 'the same screen'}; site: ${page})` };
  }
  if (declared.outcome === 'ok' && declared.screen !== undefined && observed.page !== undefined) {
    const expected = pages.pageOf(declared.screen);
    if (expected !== undefined && expected !== observed.page) {
      const others = Object.entries(pages.counts[declared.screen] ?? {}).map(([p, n]) => `${p} ${n}×`).join(', ');
      return {
        kind: 'screen',
        key: `${keyOf('screen', step.action)} ${declared.screen} ${observed.page}`,
        message: `after ${who} the spec shows ${declared.screen}; the site shows ${observed.page} here, and ${expected} elsewhere for the same screen (pages it showed for ${declared.screen}: ${others})`,
      };
    }
    const owner = pages.screenOf(observed.page);
    if (owner !== undefined && owner !== declared.screen) {
      return {
        kind: 'merged',
        key: `${keyOf('merged', step.action)} ${declared.screen} ${observed.page}`,
        message: `after ${who} the spec shows ${declared.screen}; the site shows ${observed.page}, its page for ${owner}: the spec keeps the two screens apart`,
      };
    }
  }
  const list = (xs: readonly string[]) => (xs.length === 0 ? 'nothing' : xs.join(', '));
  if (JSON.stringify(declared.leaks) !== JSON.stringify(observed.leaks)) {
    return { kind: 'leaks', key: `${keyOf('leaks', step.action)} ${observed.leaks.join(',')}`, message: `after ${who} the site shows ${list(observed.leaks)} the actor may not see, the spec ${list(declared.leaks)}` };
  }
  const changes = (v: StepVerdict) => v.changes.map((c) => (typeof c === 'string' ? c : `${c.object}:${c.owner ?? ''}`));
  if (JSON.stringify(declared.changes) !== JSON.stringify(observed.changes)) {
    return { kind: 'changes', key: `${keyOf('changes', step.action)}`, message: `after ${who} the site changes ${list(changes(observed))}, the spec ${list(changes(declared))}` };
  }
  const rest = (v: StepVerdict & { screen?: string; page?: string }) => {
    const { step: _s, outcome: _o, leaks: _l, changes: _c, screen: _sc, page: _p, ...others } = v;
    return JSON.stringify(others);
  };
  if (rest(declared) !== rest(observed)) {
    return { kind: 'other', key: `${keyOf('other', step.action)}`, message: `after ${who} the site and the spec differ: spec ${rest(declared)}, site ${rest(observed)}` };
  }
  return undefined;
}

/** The first departing step of a journey (later ones usually follow from it), with its index. */
export function firstDeparture(trace: readonly ConformStep[], pages: ScreenPages): { at: number; departure: StepDeparture } | undefined {
  for (const [at, record] of trace.entries()) {
    const departure = stepDeparture(record, pages);
    if (departure) return { at, departure };
  }
  return undefined;
}

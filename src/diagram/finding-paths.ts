import type { Finding } from '../engine/finding.js';
import type { JsonObject } from '../model/json.js';
import { observationPlace } from './observation-place.js';
import { observedStart } from './observed-graph.js';

/** Where one twin's actor was and went at one step. */
export interface PathMove {
  from: string;
  to: string;
  outcome: 'ok' | 'refused' | undefined;
  /** The observation showed a place (else the actor is drawn where it was). */
  shown: boolean;
}

/** One step of a finding, in both worlds. */
export interface PathStep {
  /** 1-based. */
  step: number;
  actor: string;
  action: string;
  a: PathMove;
  b: PathMove;
}

/** The twins' paths through a finding's steps, and the step where they part. */
export interface TwinPaths {
  steps: PathStep[];
  /**
   * The first step (1-based) where the twins went to different places or one was refused and
   * the other not; when they never did, the finding's first difference (the place is the same,
   * what it shows differs: `partedBy: 'observation'`).
   */
  parting: number;
  partedBy: 'place' | 'outcome' | 'observation';
  /** Any observation showed a place (a screen, a page, a live response's path). */
  anyPlace: boolean;
}

/**
 * The two twins' paths through a finding, step by step, from its observations (model mode: each
 * step's `screen` or `page`; live mode: the path each step's last response ended on): each actor
 * followed on its own, staying where it was when an observation shows no place.
 *
 * @example
 * const { steps, parting } = twinPaths(finding) // steps[parting - 1].a.to !== steps[parting - 1].b.to
 */
export function twinPaths(finding: Finding): TwinPaths {
  const at = { a: new Map<string, string>(), b: new Map<string, string>() };
  let anyPlace = false;
  const move = (side: 'a' | 'b', actor: string, observation: JsonObject | undefined): PathMove => {
    const from = at[side].get(actor) ?? observedStart;
    const place = observationPlace(observation);
    if (place !== undefined) anyPlace = true;
    const to = place ?? from;
    at[side].set(actor, to);
    const outcome = observation?.['outcome'];
    return { from, to, outcome: outcome === 'ok' || outcome === 'refused' ? outcome : undefined, shown: place !== undefined };
  };
  const steps = finding.steps.map((step, i): PathStep => ({
    step: i + 1,
    actor: step.actor,
    action: step.action,
    a: move('a', step.actor, finding.observations.a[i]),
    b: move('b', step.actor, finding.observations.b[i]),
  }));
  const placeAt = steps.find((s) => s.a.to !== s.b.to);
  const outcomeAt = steps.find((s) => s.a.outcome !== s.b.outcome);
  const first = [placeAt, outcomeAt].filter((s): s is PathStep => s !== undefined).sort((x, y) => x.step - y.step)[0];
  if (first === undefined) return { steps, parting: finding.firstDifference.step, partedBy: 'observation', anyPlace };
  return { steps, parting: first.step, partedBy: first === placeAt ? 'place' : 'outcome', anyPlace };
}

import { findCanaries } from '../identity/canary.js';
import type { Change, Model, Step, StepResult } from '../model/model.js';
import { maskTyped } from '../observe/mask-typed.js';
import { stringLeaves } from '../observe/string-leaves.js';

/** Per-step facts compared besides actor, action, outcome, leaks and changed objects. */
export type VerdictPart = 'change-descriptions' | 'ended-sessions' | 'record-views' | 'audit';

/** What the oracles read from one step, in a form a model's simulator and a live site share. */
export interface StepVerdict {
  step: string;
  outcome: StepResult['outcome'];
  leaks: string[];
  /** `object:owner`, or whole changes with `change-descriptions`. */
  changes: (string | Change)[];
  /** With `ended-sessions`: whether the step ended sessions (how many differs: the site may end more), and whether it presented one ended before. */
  ends?: boolean;
  presentsEndedSession?: boolean;
  recordViews?: StepResult['recordViews'];
  audit?: StepResult['audit'];
}

/** How verdicts are read: what else to compare, and leaks that tell nothing apart (an echo of what the actor typed). */
export interface VerdictOptions<W extends object> {
  compare?: readonly VerdictPart[];
  ignoreLeak?: (world: W, step: Step, leak: string) => boolean;
}

/** Canaries (`field:owner`) the actor may not see in a step's observation, typed values masked first as the runner does; sorted. */
export function stepLeaks<W extends object>(model: Model<W>, world: W, step: Step, result: StepResult): string[] {
  const canaries = model.canaries(world);
  const hits = stringLeaves(maskTyped(result.observation, result.typed))
    .flatMap((leaf) => findCanaries(leaf.text, canaries).map((hit) => hit.canary))
    .filter((canary) => !model.policy.maySee?.({ world, step, canary }))
    .map((c) => `${c.field}:${c.owner}`);
  return [...new Set(hits)].sort();
}

/**
 * What the oracles read from each step of a trace (`befores`: the reference world before each
 * step), the same for a simulated and a live trace, so the two compare field by field.
 */
export function stepVerdicts<W extends object>(
  model: Model<W>,
  steps: readonly Step[],
  results: readonly StepResult[],
  befores: readonly W[],
  options: VerdictOptions<W> = {},
): StepVerdict[] {
  const compare = new Set(options.compare ?? []);
  const ignoreLeak = options.ignoreLeak ?? (() => false);
  const ended = new Set<string>();
  return results.map((result, i) => {
    const step = steps[i];
    const before = befores[i];
    if (!step || !before) throw new Error(`no step or world before step ${i + 1}`);
    const verdict: StepVerdict = {
      step: `${step.actor}:${step.action}`,
      outcome: result.outcome,
      leaks: stepLeaks(model, before, step, result).filter((leak) => !ignoreLeak(before, step, leak)),
      changes: (result.changes ?? []).map((c) => (compare.has('change-descriptions') ? c : `${c.object}:${c.owner ?? ''}`)),
    };
    if (compare.has('ended-sessions')) {
      verdict.ends = (result.endedSessions ?? []).length > 0;
      verdict.presentsEndedSession = result.session !== undefined && ended.has(result.session);
      for (const e of result.endedSessions ?? []) ended.add(e.session);
    }
    if (compare.has('record-views')) verdict.recordViews = result.recordViews ?? [];
    if (compare.has('audit')) verdict.audit = result.audit ?? [];
    return verdict;
  });
}

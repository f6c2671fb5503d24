import type { Finding } from '../../engine/finding.js';
import type { Step } from '../../model/model.js';

/** Per-step facts the binding contract can compare besides actor, action, outcome, leaks and changed objects. */
export type ContractComparison = 'change-descriptions' | 'ended-sessions' | 'record-views' | 'audit';

/**
 * What a model tells the binding contract suite (src/targets/http/binding-contract.test.ts)
 * about its HTTP binding, from `models/<name>/http-contract.ts` (export `contract`). Everything
 * is optional: a model with an `http` binding and no such file is held to the defaults.
 *
 * @example
 * export const contract: BindingContract<MyWorld> = { seed: 7, conformance: { compare: ['ended-sessions'] } };
 */
export interface BindingContract<W extends object = object> {
  /** Seed of the sampled cases and of the live runs (default 1). */
  seed?: number;
  /** The step-by-step comparison of the binding on the staging site with the simulator. */
  conformance?: {
    /** Cases sampled per variant (default 40). */
    cases?: number;
    /** Keep only the cases the two can be compared on (say why where you define it); at least `minimum` must remain. */
    comparable?: (kase: { world: W; steps: Step[] }) => boolean;
    /** Cases that must remain after `comparable` (default 1). */
    minimum?: number;
    /** What else to compare per step (default: nothing else). */
    compare?: readonly ContractComparison[];
    /** A leak (`field:owner`) of a step that tells nothing apart on either side (an echo of what the actor typed). */
    ignoreLeak?: (world: W, step: Step, leak: string) => boolean;
  };
  /** Problems with the findings of `flaw` found live (a model's own expectation of them, such as their length); none if fine. */
  findings?: (flaw: string, findings: readonly Finding[]) => string[];
}

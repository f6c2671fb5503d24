import type { Finding } from '../engine/finding.js';
import type { Step } from '../model/model.js';

/** Per-step facts the binding contract can compare besides actor, action, outcome, leaks and changed objects. */
export type ContractComparison = 'change-descriptions' | 'ended-sessions' | 'record-views' | 'audit';

/**
 * What a model tells the binding contract suite (src/contract/binding-contract-suite.ts) about
 * its HTTP binding, from `models/<name>/http-contract.ts`: export `contract` for the TypeScript
 * binding, `specContract` for the flow spec `spec.yaml`. Everything is optional: a model folder
 * without such a file (or export) is held to the defaults.
 *
 * @example
 * export const contract: BindingContract<MyWorld> = { seed: 7, conformance: { compare: ['ended-sessions'] } };
 */
export interface BindingContract<W extends object = object> {
  /** Seed of the sampled cases and of the live runs (default 1). */
  seed?: number;
  /** The step-by-step comparison of the binding on the staging site with the simulator. */
  conformance?: {
    /**
     * Why the two cannot be compared step by step yet: a known divergence, to be fixed, not a
     * difference to hide. The comparison is then reported as skipped (the reason in its title);
     * the live checks (each flaw found, the fixed site clean) still run.
     */
    skip?: string;
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
  /**
   * Oracles a flaw declares that do not find it live yet (a known gap, to be fixed; say why): the
   * flaw must then be found by its other declared oracles, by these or not, and by no other.
   */
  unfound?: Record<string, { oracles: readonly string[]; why: string }>;
  /** Problems with the findings of `flaw` found live (a model's own expectation of them, such as their length); none if fine. */
  findings?: (flaw: string, findings: readonly Finding[]) => string[];
}

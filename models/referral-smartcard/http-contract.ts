import type { BindingContract } from '../../src/index.js';
import type { ReferralWorld } from './world.js';

/** What the binding contract suite (src/contract/binding-contract-suite.ts) needs to know of this binding. */
export const contract: BindingContract<ReferralWorld> = {
  seed: 13,
  // Log in, end the session by the user's act, use the old cookie.
  findings: (_flaw, findings) => findings.filter((f) => f.steps.length !== 3).map((f) => `${f.id} takes ${f.steps.length} steps, not 3`),
};

/** What the binding contract suite needs to know of the flow spec, spec.yaml (loaded with irreversible steps allowed). */
export const specContract: BindingContract = {
  conformance: {
    // A known divergence, found when the suite first ran on specs: to be fixed in the spec compiler or the spec.
    skip: "this spec has no screens: its simulator answers every step ok and keeps only the effects, so it has no outcomes or observations to compare with the site step by step",
  },
};

import type { BindingContract } from 'bookfuzz';
import type { ReferralWorld } from './world.js';

/** What the binding contract suite (src/contract/binding-contract-suite.ts) needs to know of this binding. */
export const contract: BindingContract<ReferralWorld> = {
  seed: 13,
  // Log in, end the session by the user's act, use the old cookie.
  findings: (_flaw, findings) => findings.filter((f) => f.steps.length !== 3).map((f) => `${f.id} takes ${f.steps.length} steps, not 3`),
};

/** What the binding contract suite needs to know of the flow spec, spec.yaml (loaded with irreversible steps allowed). */
export const specContract: BindingContract = {
};

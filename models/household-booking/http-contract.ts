import type { BindingContract } from 'bookfuzz';
import type { HouseholdWorld } from './world.js';

/** What the binding contract suite (src/contract/binding-contract-suite.ts) needs to know of this binding. */
export const contract: BindingContract<HouseholdWorld> = {
  seed: 12,
  // Each flaw takes two steps: log in, then the one request that goes wrong.
  findings: (_flaw, findings) =>
    findings.filter((f) => f.steps[0]?.action !== 'log-in').map((f) => `${f.id} starts with ${f.steps[0]?.action ?? 'nothing'}, not log-in`),
};

/** What the binding contract suite needs to know of the flow spec, spec.yaml (loaded with irreversible steps allowed). */
export const specContract: BindingContract = {
};

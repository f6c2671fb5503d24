import type { BindingContract } from '../../src/index.js';
import type { HouseholdWorld } from './world.js';

/** What the binding contract suite (src/targets/http/binding-contract.test.ts) needs to know of this binding. */
export const contract: BindingContract<HouseholdWorld> = {
  seed: 12,
  // Each flaw takes two steps: log in, then the one request that goes wrong.
  findings: (_flaw, findings) =>
    findings.filter((f) => f.steps[0]?.action !== 'log-in').map((f) => `${f.id} starts with ${f.steps[0]?.action ?? 'nothing'}, not log-in`),
};

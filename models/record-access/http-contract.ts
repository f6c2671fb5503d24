import type { BindingContract } from 'bookfuzz';
import type { RecordWorld } from './world.js';

/** What the binding contract suite (src/contract/binding-contract-suite.ts) needs to know of this binding. */
export const contract: BindingContract<RecordWorld> = {
  seed: 7,
  conformance: {
    // Session ids differ between the two sides, so compare "ended sessions" as whether a step ended
    // any (the site ends the previous session at each log-in, the simulator keeps it: counts differ)
    // and whether it presented one ended before.
    compare: ['ended-sessions'],
  },
};

/** What the binding contract suite needs to know of the flow spec, spec.yaml (loaded with irreversible steps allowed). */
export const specContract: BindingContract = {
};

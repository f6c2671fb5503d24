import type { BindingContract } from '../../src/index.js';
import type { RecordWorld } from './world.js';

/** What the binding contract suite (src/targets/http/binding-contract.test.ts) needs to know of this binding. */
export const contract: BindingContract<RecordWorld> = {
  seed: 7,
  conformance: {
    // Session ids differ between the two sides, so compare "ended sessions" as whether a step ended
    // any (the site ends the previous session at each log-in, the simulator keeps it: counts differ)
    // and whether it presented one ended before.
    compare: ['ended-sessions'],
  },
};

/** `fuzz --oracles timing` finds dose-lookup-timing live (seed 1); the fixed site gives nothing (fuzz-timing-suite.ts). */
import { timingFuzzSuite } from '../harness/fuzz-timing-suite.js';

timingFuzzSuite({ model: 'household-booking', flaw: 'dose-lookup-timing', action: 'view-registrant', actor: 'registrant' });

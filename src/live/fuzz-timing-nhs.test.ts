/** `fuzz --oracles timing` finds history-lookup-timing live (seed 1); the fixed site gives nothing (fuzz-timing-suite.ts). */
import { timingFuzzSuite } from '../harness/fuzz-timing-suite.js';

timingFuzzSuite({ model: 'nhs-covid-booking', flaw: 'history-lookup-timing', action: 'submit-identity', actor: 'visitor' });

import type { BindingContract } from 'bookfuzz';
import { patientAt, type SealedWorld } from './world.js';

/** What the binding contract suite (src/contract/binding-contract-suite.ts) needs to know of this binding. */
export const contract: BindingContract<SealedWorld> = {
  seed: 7,
  conformance: {
    // Audit entries carry the model's own times: the site's clock moves one minute per POST as the model's per step.
    compare: ['change-descriptions', 'record-views', 'audit'],
    // The NHS number the clinician typed: the site echoes it spaced (masked as typed by the binding),
    // the simulator shows it spaced on the record page without masking it; either way it is the
    // clinician's own input, not what tells a leak apart.
    ignoreLeak: (world, step, leak) => step.action !== 'log-in' && leak === `nhsNumber:${patientAt(world, step.input['patient']).id}`,
  },
};

/** What the binding contract suite needs to know of the flow spec, spec.yaml (loaded with irreversible steps allowed). */
export const specContract: BindingContract = {
};

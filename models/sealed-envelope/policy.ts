import type { Policy } from 'bookfuzz';
import type { SealedWorld } from './world.js';

/** The clinician has a legitimate relationship with the patient, or broke the glass for them (server records). */
export function mayOpen(world: SealedWorld, patient: string): boolean {
  return (
    world.clinician.relationships.includes(patient) ||
    world.breakGlasses.some((b) => b.clinician === world.clinician.id && b.patient === patient)
  );
}

/**
 * Any clinician may break the glass (that is the point of it), but sees a patient's data only
 * with a legitimate relationship or after a break-glass for that patient, both as recorded in
 * the server world before the step. Every record view must be audited (the default).
 */
export const policy: Policy<SealedWorld> = {
  permits: ({ step }) => step.actor === 'clinician',
  maySee: ({ world, step, canary }) => step.actor === 'clinician' && mayOpen(world, canary.owner),
};

import { cloneWorld, fc, type Json, type SecretSpec } from 'bookfuzz';
import { patientAt, type NhsWorld } from './world.js';

/** The victim's dose count, hidden from the anonymous visitor who knows their public facts. */
export const vaccinationStatus: SecretSpec<NhsWorld> = {
  description: "a patient's number of COVID-19 doses (whether they are vaccinated)",
  hiddenFrom: ['visitor'],
  variation: fc.record({ patient: fc.nat({ max: 7 }), doses: fc.integer({ min: 0, max: 2 }) }),
  apply(world, variation) {
    const { patient, doses } = variation as { patient: number; doses: number };
    const twin = cloneWorld(world);
    patientAt(twin, patient).doses = doses;
    return twin;
  },
  erase(world) {
    return { ...world, patients: world.patients.map((p) => ({ ...p, doses: 0 })) };
  },
};

export type DoseVariation = { patient: number; doses: number } & Json;

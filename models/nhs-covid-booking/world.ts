import { fc, identitiesArb, type Identity } from 'bookfuzz';

export interface Patient {
  id: string;
  identity: Identity;
  /** COVID-19 vaccine doses already given: the secret. */
  doses: number;
}

export interface Booking {
  reference: string;
  patient: string;
  slot: string;
  dose: number;
  bookedBy: string;
}

export interface NhsWorld {
  patients: Patient[];
  slots: string[];
  bookings: Booking[];
}

export const slots = ['2026-12-01 09:00 Leeds Town Hall', '2026-12-01 09:15 Leeds Town Hall', '2026-12-02 14:30 Harrogate Pharmacy'];

/** One to three patients with 0–2 doses each; no bookings yet. */
export const world: fc.Arbitrary<NhsWorld> = fc
  .record({
    identities: identitiesArb({ minLength: 1, maxLength: 3 }),
    doses: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
  })
  .map(({ identities, doses }) => ({
    patients: identities.map((identity, i) => ({ id: `p${i + 1}`, identity, doses: doses[i] ?? 0 })),
    slots: [...slots],
    bookings: [],
  }));

/** The patient a step's `patient` input points at (inputs are indexes, taken modulo the count). */
export function patientAt(world: NhsWorld, index: unknown): Patient {
  const n = world.patients.length;
  const i = typeof index === 'number' && Number.isInteger(index) ? ((index % n) + n) % n : 0;
  const patient = world.patients[i];
  if (!patient) throw new Error('the world has no patients');
  return patient;
}

import { fc, identitiesArb, type AuditEntry, type Identity } from 'bookfuzz';

/** One entry of a patient's record; its text is unique in the world, so it doubles as a canary. */
export interface RecordEntry {
  date: string;
  text: string;
}

export interface Patient {
  id: string;
  identity: Identity;
  entries: RecordEntry[];
}

/** The clinician the `clinician` actor logs in as, with the patients they have a legitimate relationship with. */
export interface Clinician {
  id: string;
  name: string;
  /** Patient ids the clinician has a legitimate relationship with (registered, referred, on the ward list). */
  relationships: string[];
}

/** A break-glass the server granted: the clinician may open this patient's sealed record from then on. */
export interface BreakGlass {
  clinician: string;
  patient: string;
  time: string;
  reason: string;
}

export interface SealedWorld {
  /** Minutes since 2026-03-02 09:00 UTC; every step takes one minute. */
  clock: number;
  clinician: Clinician;
  patients: Patient[];
  breakGlasses: BreakGlass[];
  audit: AuditEntry[];
}

const NOTES: readonly string[] = [
  'HIV viral load undetectable on current regimen',
  'Termination of pregnancy, no complications',
  'Admitted under Mental Health Act section 2',
  'Alcohol dependence, community detox planned',
];

/** The clock as an ISO time, for audit entries. */
export function timeOf(clock: number): string {
  return new Date(Date.UTC(2026, 2, 2, 9, clock)).toISOString().slice(0, 16) + 'Z';
}

/**
 * One to three patients with one or two sensitive record entries each, and one clinician who
 * has a legitimate relationship with some of them (drawn per patient). No break-glass, no audit
 * entry yet; the clock starts at 09:00.
 */
export const world: fc.Arbitrary<SealedWorld> = fc
  .record({
    identities: identitiesArb({ minLength: 1, maxLength: 3 }),
    related: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    notes: fc.array(fc.array(fc.nat({ max: NOTES.length - 1 }), { minLength: 1, maxLength: 2 }), { minLength: 3, maxLength: 3 }),
    clinician: fc.constantFrom('Dr Amara Nwosu', 'Dr Tomasz Wójcik', 'Dr Hēmi Parata'),
  })
  .map(({ identities, related, notes, clinician }) => {
    const patients = identities.map((identity, i) => ({
      id: `p${i + 1}`,
      identity,
      entries: (notes[i] ?? [0]).map((n, j) => ({
        date: `2025-${String(3 + j * 4).padStart(2, '0')}-1${i}`,
        text: `${NOTES[n] ?? ''} [P${i + 1}-E${j + 1}]`,
      })),
    }));
    return {
      clock: 0,
      clinician: { id: 'c1', name: clinician, relationships: patients.filter((_, i) => related[i] === true).map((p) => p.id) },
      patients,
      breakGlasses: [],
      audit: [],
    };
  });

/** The patient a step's `patient` input points at (inputs are indexes, taken modulo the count). */
export function patientAt(world: SealedWorld, index: unknown): Patient {
  const n = world.patients.length;
  const i = typeof index === 'number' && Number.isInteger(index) ? ((index % n) + n) % n : 0;
  const patient = world.patients[i];
  if (!patient) throw new Error('the world has no patients');
  return patient;
}

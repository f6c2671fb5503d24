import { fc, identitiesArb, type Identity } from 'bookfuzz';

/** A household member of a frontline border worker, registered for vaccination. */
export interface Registrant {
  /** Sequential API id (`r1`, `r2`, ...): the id a registrant can change in the URL. */
  id: string;
  identity: Identity;
  gender: 'female' | 'male' | 'another gender';
  /** COVID-19 doses recorded so far: the secret. Never shown to registrants. */
  doses: number;
}

export interface Staff {
  id: string;
  name: string;
  email: string;
  /** The role held in the server's own staff table; the only source of authority. */
  role: 'vaccinator';
}

export interface Appointment {
  id: string;
  /** Id of the registrant who owns it. */
  registrant: string;
  slot: string;
  status: 'booked' | 'cancelled';
}

/** A dose as the server recorded it (who gave it, to whom). */
export interface DoseRecord {
  registrant: string;
  recordedBy: string;
}

export interface HouseholdWorld {
  /** `registrants[0]` is the logged-in attacker; every other registrant is a victim. */
  registrants: Registrant[];
  staff: Staff[];
  appointments: Appointment[];
  doseRecords: DoseRecord[];
  /** The day ages are computed on (ISO date). */
  today: string;
}

export const slots = [
  '2026-03-02 09:00 Auckland Airport clinic',
  '2026-03-02 09:20 Auckland Airport clinic',
  '2026-03-03 14:00 Ports of Auckland clinic',
];

/** Two to four registrants, each with one booked appointment, 0–2 doses; one vaccinator on staff. */
export const world: fc.Arbitrary<HouseholdWorld> = fc
  .record({
    identities: identitiesArb({ minLength: 2, maxLength: 4 }),
    genders: fc.array(fc.constantFrom('female' as const, 'male' as const, 'another gender' as const), { minLength: 4, maxLength: 4 }),
    doses: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
    bookedSlots: fc.array(fc.nat({ max: slots.length - 1 }), { minLength: 4, maxLength: 4 }),
  })
  .map(({ identities, genders, doses, bookedSlots }) => ({
    registrants: identities.map((identity, i) => ({
      id: `r${i + 1}`,
      identity,
      gender: genders[i] ?? 'female',
      doses: doses[i] ?? 0,
    })),
    staff: [{ id: 's1', name: 'Mere Tautahi', email: 'mere.tautahi@vaccinators.example.org', role: 'vaccinator' as const }],
    appointments: identities.map((_, i) => ({
      id: `a${i + 1}`,
      registrant: `r${i + 1}`,
      slot: slots[bookedSlots[i] ?? 0] ?? '',
      status: 'booked' as const,
    })),
    doseRecords: [],
    today: '2026-03-01',
  }));

/** The attacker: the first registrant of the world. */
export function attackerOf(world: HouseholdWorld): Registrant {
  const registrant = world.registrants[0];
  if (!registrant) throw new Error('the world has no registrants');
  return registrant;
}

/** Index modulo count: inputs reference world objects by a natural number. */
export function wrap(index: unknown, count: number): number {
  if (count <= 0) return -1;
  return typeof index === 'number' && Number.isInteger(index) ? ((index % count) + count) % count : 0;
}

/**
 * The registrant a step's `registrant` input points at. Indexes count from the second
 * registrant on (0 is the first victim, the attacker's own id comes last), so the small indexes
 * fast-check favours name someone else: the id a curious registrant types first.
 */
export function registrantAt(world: HouseholdWorld, index: unknown): Registrant {
  const registrant = world.registrants[wrap(shifted(index), world.registrants.length)];
  if (!registrant) throw new Error('the world has no registrants');
  return registrant;
}

/** The appointment a step's `appointment` input points at, if the world has any (counted like registrants). */
export function appointmentAt(world: HouseholdWorld, index: unknown): Appointment | undefined {
  return world.appointments[wrap(shifted(index), world.appointments.length)];
}

function shifted(index: unknown): number {
  return typeof index === 'number' && Number.isInteger(index) ? index + 1 : 0;
}

/** Whole years between an ISO date of birth and an ISO day. */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by = 0, bm = 1, bd = 1] = dateOfBirth.split('-').map(Number);
  const [ty = 0, tm = 1, td = 1] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

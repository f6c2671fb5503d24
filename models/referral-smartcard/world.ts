import { fc, identitiesArb, type Identity } from 'bookfuzz';

export interface Referral {
  /** Unique Booking Reference Number, 12 digits. */
  ubrn: string;
  specialty: string;
  /** Clinical text of the referral: unique in the world, so it doubles as a canary. */
  text: string;
}

export interface RecordEntry {
  date: string;
  /** Unique in the world, so it doubles as a canary. */
  text: string;
}

export interface Patient {
  id: string;
  identity: Identity;
  referral: Referral;
  entries: RecordEntry[];
}

export interface Gp {
  /** User id on the smartcard (what the audit log names). */
  id: string;
  name: string;
  cardSerial: string;
  passcode: string;
}

/** A server-side session, bound to the smartcard it was opened with. */
export interface ServerSession {
  id: string;
  card: string;
  /** Minutes since the start of the day of the last request served with it. */
  lastActivity: number;
}

export interface ServerAuditEntry {
  user: string;
  patient: string;
  event: 'record-view';
  time: string;
}

export interface ReferralWorld {
  patients: Patient[];
  gp: Gp;
  /** Day of the run (ISO) and the clock: minutes since 09:00 that day. Advanced only by `wait`. */
  day: string;
  now: number;
  /** Idle limit after which a session ends. */
  idleLimitMinutes: number;
  /** Whether the GP's smartcard is in the reader of the workstation. */
  cardInReader: boolean;
  sessions: ServerSession[];
  audit: ServerAuditEntry[];
}

const specialties = ['Cardiology', 'Dermatology', 'Gastroenterology', 'Neurology', 'Rheumatology'];
const reasons = [
  'Exertional chest tightness for three weeks',
  'Changing pigmented lesion on the left shoulder',
  'Iron deficiency anaemia with weight loss',
  'Recurrent transient loss of vision in one eye',
  'Early morning joint stiffness and raised CRP',
];
const findings = [
  'BP 152/94, repeat in two weeks',
  'Started ramipril 2.5 mg once daily',
  'HbA1c 61 mmol/mol, diet advice given',
  'Low mood, PHQ-9 score 14, talking therapy offered',
  'Smear test declined after discussion',
];

/** One to three patients with a referral and one or two record entries each; the GP's card is in the reader, nobody is logged in. */
export const world: fc.Arbitrary<ReferralWorld> = fc
  .record({
    identities: identitiesArb({ minLength: 1, maxLength: 3 }),
    referrals: fc.array(fc.record({ specialty: fc.nat({ max: 4 }), reason: fc.nat({ max: 4 }) }), { minLength: 3, maxLength: 3 }),
    entries: fc.array(fc.array(fc.record({ finding: fc.nat({ max: 4 }), day: fc.integer({ min: 1, max: 28 }) }), { minLength: 1, maxLength: 2 }), {
      minLength: 3,
      maxLength: 3,
    }),
  })
  .map(({ identities, referrals, entries }) => ({
    patients: identities.map((identity, i) => {
      const ref = referrals[i] ?? { specialty: 0, reason: 0 };
      return {
        id: `p${i + 1}`,
        identity,
        referral: {
          ubrn: String(4200_0000_0000 + (i + 1) * 1_000_003),
          specialty: specialties[ref.specialty] ?? '',
          text: `${reasons[ref.reason] ?? ''}. Practice ref P${i + 1}R1.`,
        },
        entries: (entries[i] ?? []).map((e, k) => ({
          date: `2026-02-${String(e.day).padStart(2, '0')}`,
          text: `${findings[e.finding] ?? ''}. Practice ref P${i + 1}E${k + 1}.`,
        })),
      };
    }),
    gp: { id: 'G8512345', name: 'Dr Amara Okafor', cardSerial: 'SC-7731-0042', passcode: '482913' },
    day: '2026-03-02',
    now: 0,
    idleLimitMinutes: 30,
    cardInReader: true,
    sessions: [],
    audit: [],
  }));

/** The patient a step's `patient` input points at (inputs are indexes, taken modulo the count). */
export function patientAt(world: ReferralWorld, index: unknown): Patient {
  const n = world.patients.length;
  const i = typeof index === 'number' && Number.isInteger(index) ? ((index % n) + n) % n : 0;
  const patient = world.patients[i];
  if (!patient) throw new Error('the world has no patients');
  return patient;
}

/** The world clock as an ISO local time, e.g. `2026-03-02T09:45`. */
export function clock(world: ReferralWorld): string {
  const minutes = 9 * 60 + world.now;
  const hh = String(Math.floor(minutes / 60) % 24).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${world.day}T${hh}:${mm}`;
}

/** An NHS number as shown on screen, 3-3-4. */
export function spacedNhsNumber(nhsNumber: string): string {
  return `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
}

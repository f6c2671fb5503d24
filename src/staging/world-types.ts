/**
 * The JSON shapes of the five models' worlds, as the staging site holds them. They mirror
 * `models/<name>/world.ts` (src never imports models, so the shapes are written out here);
 * the seeding endpoint takes and the state endpoint returns exactly these.
 */

/** A synthetic person (same fields as the public `Identity`). */
export interface StagingIdentity {
  nhsNumber: string;
  nhi: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  postcode: string;
  phone: string;
  email: string;
}

export interface NhsCovidWorld {
  patients: { id: string; identity: StagingIdentity; doses: number }[];
  slots: string[];
  bookings: { reference: string; patient: string; slot: string; dose: number; bookedBy: string }[];
}

export interface HouseholdRegistrant {
  id: string;
  identity: StagingIdentity;
  gender: string;
  doses: number;
}

export interface HouseholdAppointment {
  id: string;
  registrant: string;
  slot: string;
  status: 'booked' | 'cancelled';
}

export interface HouseholdWorld {
  registrants: HouseholdRegistrant[];
  staff: { id: string; name: string; email: string; role: string }[];
  appointments: HouseholdAppointment[];
  doseRecords: { registrant: string; recordedBy: string }[];
  today: string;
}

export interface ReferralPatient {
  id: string;
  identity: StagingIdentity;
  referral: { ubrn: string; specialty: string; text: string };
  entries: { date: string; text: string }[];
}

export interface ReferralWorld {
  patients: ReferralPatient[];
  gp: { id: string; name: string; cardSerial: string; passcode: string };
  day: string;
  now: number;
  idleLimitMinutes: number;
  cardInReader: boolean;
  sessions: { id: string; card: string; lastActivity: number }[];
  audit: { user: string; patient: string; event: 'record-view'; time: string }[];
}

export type EntryType = 'consultation' | 'test-result' | 'medication';

export interface RecordAccessEntry {
  id: string;
  date: string;
  type: EntryType;
  redacted: boolean;
  text: string;
}

export interface RecordAccessWorld {
  patient: { id: string; identity: StagingIdentity; accessGrantedOn: string; loginDisabled: boolean };
  entries: RecordAccessEntry[];
  appointments: { id: string; when: string; detail: string }[];
  proxy: {
    id: string;
    givenName: string;
    relationship: string;
    scope: { appointments: boolean; recordTypes: EntryType[] };
  };
}

export interface SealedAuditEntry {
  actor: string;
  patient: string;
  event: 'record-view' | 'break-glass';
  time: string;
  reason?: string;
}

export interface SealedPatient {
  id: string;
  identity: StagingIdentity;
  entries: { date: string; text: string }[];
}

export interface SealedWorld {
  clock: number;
  clinician: { id: string; name: string; relationships: string[] };
  patients: SealedPatient[];
  breakGlasses: { clinician: string; patient: string; time: string; reason: string }[];
  audit: SealedAuditEntry[];
}

type Kind = 'array' | 'object' | 'string' | 'number' | 'boolean';

/**
 * A shallow check that `value` is an object whose listed members have the listed kinds; returns
 * the first problem, or undefined. The seeding endpoint uses it to refuse a world of the wrong model.
 */
export function shapeProblem(value: unknown, shape: Record<string, Kind>, where = 'world'): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${where} must be an object`;
  const record = value as Record<string, unknown>;
  for (const [key, kind] of Object.entries(shape)) {
    const member = record[key];
    const actual = Array.isArray(member) ? 'array' : member === null ? 'null' : typeof member;
    if (actual !== kind) return `${where}.${key} must be ${kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`}`;
  }
  return undefined;
}

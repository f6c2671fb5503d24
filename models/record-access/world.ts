import { fc, identityArb, type Identity } from 'bookfuzz';

export type EntryType = 'consultation' | 'test-result' | 'medication';
export const entryTypes: readonly EntryType[] = ['consultation', 'test-result', 'medication'];

/** One coded entry of the GP record. Its text is unique in the world, so it doubles as a canary. */
export interface RecordEntry {
  id: string;
  /** ISO `YYYY-MM-DD`, the day the entry was recorded. */
  date: string;
  type: EntryType;
  /** The GP marked it as not to be shown online (for example third-party or harmful information). */
  redacted: boolean;
  text: string;
}

/** A booked appointment; `detail` is unique in the world, so it doubles as a canary. */
export interface Appointment {
  id: string;
  when: string;
  detail: string;
}

/** What the patient granted the proxy: the appointments page, and which entry types of the record. */
export interface ProxyScope {
  appointments: boolean;
  recordTypes: EntryType[];
}

export interface Proxy {
  id: string;
  givenName: string;
  relationship: 'parent' | 'carer';
  scope: ProxyScope;
}

/** The account holder. */
export interface AccountHolder {
  id: string;
  identity: Identity;
  /** ISO day online record access was switched on; entries recorded earlier are not shown. */
  accessGrantedOn: string;
  /** The patient turned their online login off. */
  loginDisabled: boolean;
}

export interface RecordWorld {
  patient: AccountHolder;
  entries: RecordEntry[];
  appointments: Appointment[];
  proxy: Proxy;
}

const TEXTS: Record<EntryType, readonly string[]> = {
  consultation: [
    'Seen for persistent cough, chest clear',
    'Low mood discussed, referred to talking therapies',
    'Sprained left ankle, advised rest and ice',
  ],
  'test-result': ['Full blood count: haemoglobin 98 g/L (low)', 'HbA1c 52 mmol/mol', 'Chlamydia screen: positive'],
  medication: ['Sertraline 50 mg once daily', 'Amoxicillin 500 mg three times a day for 5 days', 'Levothyroxine 75 micrograms daily'],
};

const APPOINTMENT_DETAILS: readonly string[] = [
  'Asthma review with practice nurse',
  'Contraception review with Dr Okafor',
  'Smear test with practice nurse',
  'Memory clinic follow-up with Dr Lindqvist',
];

/** The ISO day `offset` days after 2024-01-01. */
export function isoDay(offset: number): string {
  return new Date(Date.UTC(2024, 0, 1 + offset)).toISOString().slice(0, 10);
}

const entryArb = fc.record({
  day: fc.integer({ min: 0, max: 730 }),
  type: fc.constantFrom(...entryTypes),
  text: fc.nat({ max: 2 }),
  redacted: fc.boolean(),
});

/**
 * One account holder with one to four record entries on random days around the day online
 * access was granted (some redacted), up to two appointments, and one proxy with a random
 * scope. Login is on at the start; the patient can turn it off.
 */
export const world: fc.Arbitrary<RecordWorld> = fc
  .record({
    identity: identityArb(),
    grantedDay: fc.integer({ min: 0, max: 730 }),
    entries: fc.array(entryArb, { minLength: 1, maxLength: 4 }),
    appointments: fc.array(fc.record({ day: fc.integer({ min: 731, max: 800 }), detail: fc.nat({ max: 3 }) }), { maxLength: 2 }),
    proxy: fc.record({
      givenName: fc.constantFrom('Aroha', 'Siobhán', 'José', 'Priya'),
      relationship: fc.constantFrom('parent' as const, 'carer' as const),
      appointments: fc.boolean(),
      recordTypes: fc.subarray([...entryTypes]),
    }),
  })
  .map(({ identity, grantedDay, entries, appointments, proxy }) => ({
    patient: { id: 'p1', identity, accessGrantedOn: isoDay(grantedDay), loginDisabled: false },
    entries: entries.map((e, i) => ({
      id: `e${i + 1}`,
      date: isoDay(e.day),
      type: e.type,
      redacted: e.redacted,
      text: `${TEXTS[e.type][e.text] ?? ''} [E${i + 1}]`,
    })),
    appointments: appointments.map((a, i) => ({
      id: `a${i + 1}`,
      when: `${isoDay(a.day)} 09:${String(10 + i * 20)}`,
      detail: `${APPOINTMENT_DETAILS[a.detail] ?? ''} [A${i + 1}]`,
    })),
    proxy: {
      id: 'x1',
      givenName: proxy.givenName,
      relationship: proxy.relationship,
      scope: { appointments: proxy.appointments, recordTypes: proxy.recordTypes },
    },
  }));

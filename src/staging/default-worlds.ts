import type { HouseholdWorld, NhsCovidWorld, RecordAccessWorld, ReferralWorld, SealedWorld, StagingIdentity } from './world-types.js';

/**
 * Small demo worlds the site starts with, so it can be clicked through without seeding. Every
 * identity is synthetic, from the test ranges (NHS 999…, NHI Z…, drama phone numbers, reserved
 * e-mail domains). Each call returns fresh copies.
 */
const people: readonly StagingIdentity[] = [
  {
    nhsNumber: '9999999913',
    nhi: 'ZTU62RD',
    givenName: 'Ἀλέξανδρος',
    familyName: 'Łukasiewicz-Quorvas',
    dateOfBirth: '1965-09-08',
    postcode: 'O3 0AE',
    phone: '020 7946 0004',
    email: 'veltin.penquen4@nhs-mail.test',
  },
  {
    nhsNumber: '9999999972',
    nhi: 'ZTC37WB',
    givenName: 'Ximena',
    familyName: 'Müller-Xanjorvgor',
    dateOfBirth: '1920-01-01',
    postcode: 'W82 8XD',
    phone: '0909 879 0008',
    email: 'alapentin.penvelthu83@example.net',
  },
  {
    nhsNumber: '9990000034',
    nhi: 'ZMU91TD',
    givenName: 'Ngaio',
    familyName: 'Ní Bhriain-Wuxwux',
    dateOfBirth: '2003-03-11',
    postcode: 'T7 9ZN',
    phone: '07700 900119',
    email: 'kamor.sulivelrix65@gp-practice.test',
  },
];

function person(i: number): StagingIdentity {
  const p = people[i % people.length];
  if (!p) throw new Error('no demo identity');
  return { ...p };
}

export function defaultNhsCovidWorld(): NhsCovidWorld {
  return {
    patients: [0, 1, 2].map((i) => ({ id: `p${i + 1}`, identity: person(i), doses: i })),
    slots: ['2026-12-01 09:00 Leeds Town Hall', '2026-12-01 09:15 Leeds Town Hall', '2026-12-02 14:30 Harrogate Pharmacy'],
    bookings: [],
  };
}

export const householdSlots: readonly string[] = [
  '2026-03-02 09:00 Auckland Airport clinic',
  '2026-03-02 09:20 Auckland Airport clinic',
  '2026-03-03 14:00 Ports of Auckland clinic',
];

export function defaultHouseholdWorld(): HouseholdWorld {
  const genders = ['female', 'male', 'another gender'];
  return {
    registrants: [0, 1, 2].map((i) => ({ id: `r${i + 1}`, identity: person(i), gender: genders[i] ?? 'female', doses: i % 2 })),
    staff: [{ id: 's1', name: 'Mere Tautahi', email: 'mere.tautahi@vaccinators.example.org', role: 'vaccinator' }],
    appointments: [0, 1, 2].map((i) => ({ id: `a${i + 1}`, registrant: `r${i + 1}`, slot: householdSlots[i] ?? '', status: 'booked' as const })),
    doseRecords: [],
    today: '2026-03-01',
  };
}

export function defaultReferralWorld(): ReferralWorld {
  return {
    patients: [0, 1].map((i) => ({
      id: `p${i + 1}`,
      identity: person(i),
      referral: {
        ubrn: String(4200_0000_0000 + (i + 1) * 1_000_003),
        specialty: i === 0 ? 'Cardiology' : 'Neurology',
        text: `${i === 0 ? 'Exertional chest tightness for three weeks' : 'Recurrent transient loss of vision in one eye'}. Practice ref P${i + 1}R1.`,
      },
      entries: [{ date: `2026-02-1${i}`, text: `BP 152/94, repeat in two weeks. Practice ref P${i + 1}E1.` }],
    })),
    gp: { id: 'G8512345', name: 'Dr Amara Okafor', cardSerial: 'SC-7731-0042', passcode: '482913' },
    day: '2026-03-02',
    now: 0,
    idleLimitMinutes: 30,
    cardInReader: true,
    sessions: [],
    audit: [],
  };
}

export function defaultRecordAccessWorld(): RecordAccessWorld {
  return {
    patient: { id: 'p1', identity: person(0), accessGrantedOn: '2025-01-01', loginDisabled: false },
    entries: [
      { id: 'e1', date: '2024-06-03', type: 'consultation', redacted: false, text: 'Seen for persistent cough, chest clear [E1]' },
      { id: 'e2', date: '2025-02-10', type: 'test-result', redacted: false, text: 'HbA1c 52 mmol/mol [E2]' },
      { id: 'e3', date: '2025-03-01', type: 'medication', redacted: true, text: 'Sertraline 50 mg once daily [E3]' },
    ],
    appointments: [{ id: 'a1', when: '2026-01-05 09:10', detail: 'Asthma review with practice nurse [A1]' }],
    proxy: { id: 'x1', givenName: 'Aroha', relationship: 'parent', scope: { appointments: true, recordTypes: ['test-result'] } },
  };
}

export function defaultSealedWorld(): SealedWorld {
  return {
    clock: 0,
    clinician: { id: 'c1', name: 'Dr Tomasz Wójcik', relationships: ['p1'] },
    patients: [0, 1].map((i) => ({
      id: `p${i + 1}`,
      identity: person(i),
      entries: [{ date: `2025-03-1${i}`, text: `${i === 0 ? 'HIV viral load undetectable on current regimen' : 'Alcohol dependence, community detox planned'} [P${i + 1}-E1]` }],
    })),
    breakGlasses: [],
    audit: [],
  };
}

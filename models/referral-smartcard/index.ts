import { defineModel, fc, identityCanaries, journeySteps, type ActionSpec } from 'bookfuzz';
import { binding } from './http.js';
import { simulate } from './simulator.js';
import { world, type ReferralWorld } from './world.js';

/** What the GP does at the workstation. */
const actions: Record<string, ActionSpec> = {
  'insert-card': { description: 'put the smartcard in the reader', actors: ['gp'] },
  'log-in': {
    description: 'enter the passcode (the right one, or a wrong one)',
    actors: ['gp'],
    input: fc.record({ passcode: fc.oneof({ arbitrary: fc.constant('correct'), weight: 3 }, { arbitrary: fc.constant('wrong'), weight: 1 }) }),
  },
  'open-referrals': { description: 'open the referral worklist (names, NHS numbers, UBRNs, referral texts)', actors: ['gp'] },
  'open-record': {
    description: "open a patient's record (name, NHS number, date of birth, entries)",
    actors: ['gp'],
    input: fc.record({ patient: fc.nat({ max: 7 }) }),
  },
  'remove-card': { description: 'pull the smartcard out of the reader', actors: ['gp'] },
  'log-out': { description: 'log out', actors: ['gp'] },
  wait: {
    description: 'leave the workstation alone for some minutes (the idle limit is 30)',
    actors: ['gp'],
    input: fc.record({ minutes: fc.constantFrom(10, 20, 45) }),
  },
};

/**
 * A national referral booking service used by GPs with a smartcard and passcode: the session
 * stayed usable after the card was pulled out of the reader, so records were reachable without
 * card or passcode.
 */
export const model = defineModel<ReferralWorld>({
  name: 'referral-smartcard',
  title: 'National referral booking: smartcard sessions',
  description:
    'A GP inserts a smartcard, enters a passcode and opens the referral worklist and patient records. ' +
    'The session must end when the GP logs out, pulls the card out of the reader, or stays idle for 30 ' +
    'minutes; after that every request with the old session cookie is refused and shows no patient data.',
  actors: {
    gp: { description: 'a GP at a workstation with a smartcard reader; the browser replays its last session cookie' },
  },
  actions,
  flaws: {
    'card-removal-ignored': {
      description: 'pulling the smartcard out of the reader does not end the session: the cookie keeps working without card or passcode',
      oracles: ['session-dies'],
    },
    'logout-ignored': {
      description: 'logging out only shows the logged-out page: the session stays valid on the server and the old cookie keeps working',
      oracles: ['session-dies'],
    },
  },
  world,
  secrets: {},
  canaries: (w) =>
    w.patients.flatMap((p) => [
      ...identityCanaries(p.identity, p.id),
      { value: p.referral.ubrn, owner: p.id, field: 'ubrn' },
      { value: p.referral.text, owner: p.id, field: 'referral' },
      ...p.entries.map((e) => ({ value: e.text, owner: p.id, field: 'entry' })),
    ]),
  policy: {
    // The GP has a legitimate relationship with every referral on the worklist. That data may be
    // seen only while the session lives is judged by `session-dies`, not here.
    maySee: ({ step }) => step.actor === 'gp',
  },
  simulator: simulate,
  http: binding,
  maxSteps: 8,
  // A GP's usual sessions, each ended in one of the three ways, with random single steps mixed in:
  // the four steps in order that a session flaw needs turn up in a few cases, not in one of many.
  steps: journeySteps(actions, {
    gp: [
      ['insert-card', 'log-in', 'remove-card', 'open-record', 'open-referrals'],
      ['insert-card', 'log-in', 'log-out', 'open-referrals', 'open-record'],
      ['insert-card', 'log-in', 'wait', 'open-record', 'open-referrals'],
    ],
  }),
});

import { defineModel, fc, identityCanaries, journeySteps, type ActionSpec } from 'bookfuzz';
import { binding } from './http.js';
import { vaccinationStatus } from './secrets.js';
import { simulate } from './simulator.js';
import { world, type NhsWorld } from './world.js';

const actions: Record<string, ActionSpec> = {
  'open-service': { description: 'open the booking service', actors: ['visitor', 'patient'] },
  'submit-identity': {
    description: 'enter an NHS number, or name, date of birth and postcode',
    actors: ['visitor', 'patient'],
    input: fc.record({ patient: fc.nat({ max: 7 }), by: fc.constantFrom('nhs-number', 'name-dob-postcode') }),
  },
  'enter-code': {
    description: 'enter the security code (the patient reads it; a visitor can only guess)',
    actors: ['visitor', 'patient'],
    input: fc.record({ guess: fc.constantFrom('000000', '123456') }),
  },
  'choose-slot': {
    description: 'choose an appointment slot',
    actors: ['visitor', 'patient'],
    input: fc.record({ slot: fc.nat({ max: 2 }) }),
  },
  'confirm-booking': { description: 'confirm the booking', actors: ['visitor', 'patient'], mutates: true },
};

/**
 * The national COVID-19 vaccine booking service: anyone who knows a person's NHS number (or
 * name, date of birth and postcode) could learn whether that person was vaccinated.
 */
export const model = defineModel<NhsWorld>({
  name: 'nhs-covid-booking',
  title: 'National COVID-19 vaccine booking',
  description:
    'A visitor enters an NHS number, or name + date of birth + postcode, to book a vaccination. ' +
    'The next screen must not depend on the vaccination record of the person entered, and nothing ' +
    'may be booked or changed for someone without proof of being them (a one-time code sent to ' +
    'the contact details on record).',
  actors: {
    visitor: { description: "a member of the public who knows a third person's public facts" },
    patient: { description: 'the genuine patient, who can read codes sent to their phone or email' },
  },
  actions,
  flaws: {
    'status-dependent-screen': {
      description:
        'after the identity is entered, vaccinated people are sent to "enter your booking reference" and ' +
        'unvaccinated people to the screening questions, so the visitor learns the vaccination status',
      oracles: ['indistinguishable'],
    },
    'second-dose-unverified': {
      description:
        'a person with one dose can have a second dose booked with no proof of being that person; ' +
        'the booking page that opens (instead of a request for the code) also tells that the person has one dose',
      oracles: ['authorized', 'indistinguishable'],
    },
    'history-lookup-timing': {
      description:
        'after the identity is entered, the immunisation history is looked up only for people who have one, ' +
        'so the same "we have sent a code" page comes back measurably later for vaccinated people',
      oracles: ['timing'],
    },
  },
  world,
  secrets: { 'vaccination-status': vaccinationStatus },
  canaries: (w) => w.patients.flatMap((p) => identityCanaries(p.identity, p.id)),
  policy: {
    // Only the genuine patient may book for themselves; the server decides that by the code.
    permits: ({ step }) => step.actor === 'patient',
    // The visitor knows NHS numbers and names of the people they enter; nothing else is shown to anyone.
    maySee: ({ step, canary }) => step.actor === 'patient' || canary.field === 'nhsNumber' || canary.field === 'familyName',
  },
  simulator: simulate,
  http: binding,
  maxSteps: 6,
  // The usual order of the flow, for each actor; random single steps are mixed in.
  steps: journeySteps(
    actions,
    {
      visitor: ['open-service', 'submit-identity', 'choose-slot', 'confirm-booking'],
      patient: ['open-service', 'submit-identity', 'enter-code', 'choose-slot', 'confirm-booking'],
    },
    { maxSteps: 6 },
  ),
});

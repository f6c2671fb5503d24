import { defineModel, fc, identityCanaries, journeySteps, type ActionSpec } from 'bookfuzz';
import { binding } from './http.js';
import { policy } from './policy.js';
import { vaccinationStatus } from './secrets.js';
import { simulate } from './simulator.js';
import { world, type HouseholdWorld } from './world.js';

const actions: Record<string, ActionSpec> = {
  'log-in': { description: 'POST /api/login with email and password', actors: ['registrant', 'vaccinator'] },
  'view-registrant': {
    description: 'GET /api/registrants/:id (name, gender, age, NHI)',
    actors: ['registrant', 'vaccinator'],
    input: fc.record({ registrant: fc.nat({ max: 7 }) }),
  },
  'record-dose': {
    description: 'POST /api/doses { registrantId, role }: mark a registrant vaccinated',
    actors: ['registrant', 'vaccinator'],
    input: fc.record({ registrant: fc.nat({ max: 7 }), role: fc.constantFrom('registrant', 'vaccinator') }),
    mutates: true,
  },
  'move-appointment': {
    description: 'PATCH /api/appointments/:id { slot }',
    actors: ['registrant'],
    input: fc.record({ appointment: fc.nat({ max: 7 }), slot: fc.nat({ max: 2 }) }),
    mutates: true,
  },
  'cancel-appointment': {
    description: 'DELETE /api/appointments/:id',
    actors: ['registrant'],
    input: fc.record({ appointment: fc.nat({ max: 7 }) }),
    mutates: true,
  },
};

/**
 * A regional vaccination booking API for household members of frontline border workers: a
 * registrant could read other registrants' details by changing an id, pose as a vaccinator by
 * sending a role, and move or cancel other people's appointments.
 */
export const model = defineModel<HouseholdWorld>({
  name: 'household-booking',
  title: 'Household members of border workers: vaccination booking API',
  description:
    'Household members of frontline border workers register and book vaccination appointments through a ' +
    'JSON API; vaccinators record doses. A registrant may read and change only their own details and ' +
    'appointments, and only staff whose role in the staff table is vaccinator may record a dose.',
  actors: {
    registrant: { description: 'a logged-in household member (the first registrant of the world); the others are victims' },
    vaccinator: { description: 'a genuine vaccinator, the role held in the staff table' },
  },
  actions,
  flaws: {
    'idor-view': {
      description: "GET /api/registrants/:id checks only that the caller is logged in, so any registrant reads anyone's name, gender, age and NHI",
      oracles: ['no-canary-leak'],
    },
    'client-role': {
      description: 'POST /api/doses takes the role from the request body, so a registrant who sends role "vaccinator" can mark anyone vaccinated',
      oracles: ['authorized'],
    },
    'idor-modify': {
      description: "PATCH and DELETE /api/appointments/:id do not check the owner, so a registrant can move or cancel anyone's appointment",
      oracles: ['authorized'],
    },
    'dose-lookup-timing': {
      description:
        "GET /api/registrants/:id reads the registrant's dose records one by one before the access check (the fixed API " +
        'reads them in one query for everyone), so the same 404 comes back later the more doses the person has',
      oracles: ['timing'],
    },
  },
  world,
  secrets: { 'vaccination-status': vaccinationStatus },
  canaries: (w) => w.registrants.flatMap((r) => identityCanaries(r.identity, r.id)),
  policy,
  simulator: simulate,
  http: binding,
  maxSteps: 6,
  // The usual order of the API's use, for each actor; random single steps are mixed in. Every
  // request but the log-in needs the token it returns, so each flaw needs the log-in first. With
  // any step in any order, `dose-lookup-timing` (log-in, then view the victim whose doses vary)
  // showed in 1 case in 50; with these journeys in 1 in 8, which live timing (tens of timed
  // requests per case) can afford.
  steps: journeySteps(
    actions,
    {
      // A registrant can also call the vaccinator's endpoint: whether the server lets them is the question.
      registrant: ['log-in', 'view-registrant', 'record-dose', 'move-appointment', 'cancel-appointment'],
      vaccinator: ['log-in', 'view-registrant', 'record-dose'],
    },
    { maxSteps: 6 },
  ),
});

import { defineModel, fc, identityCanaries } from 'bookfuzz';
import { binding } from './http.js';
import { policy } from './policy.js';
import { simulate } from './simulator.js';
import { world, type SealedWorld } from './world.js';

/**
 * Sealed records in a national clinical system: staff with no legitimate relationship with a
 * patient were only warned before the record was shown, and the access was logged only if they
 * clicked on.
 */
export const model = defineModel<SealedWorld>({
  name: 'sealed-envelope',
  title: 'Sealed records and break-glass',
  description:
    'A clinician opens patient records by NHS number. Without a legitimate relationship (held by the ' +
    'system) the record is sealed: nothing of it may be shown until the clinician breaks the glass and ' +
    'gives a reason. Every break-glass and every record view goes to the audit log with actor, patient, ' +
    'time and, for break-glass, the reason.',
  actors: {
    clinician: { description: 'a clinician with a smartcard; has a legitimate relationship with some patients in the world, not others' },
  },
  actions: {
    'log-in': { description: 'log in with smartcard and passcode; the home page lists the patients in their care', actors: ['clinician'] },
    'open-record': {
      description: "search a patient by NHS number and open their record (after a break-glass, this opens the sealed record)",
      actors: ['clinician'],
      input: fc.record({ patient: fc.nat({ max: 7 }) }),
    },
    'break-glass': {
      description: 'break the glass on a sealed record, giving a reason',
      actors: ['clinician'],
      input: fc.record({
        patient: fc.nat({ max: 7 }),
        reason: fc.constantFrom('Emergency treatment, patient unconscious', 'Patient gave verbal consent in clinic', 'Safeguarding concern', ''),
      }),
      mutates: true,
    },
  },
  flaws: {
    'warning-only': {
      description:
        'opening a sealed record shows a warning with the record under it: the data is delivered before any ' +
        'break-glass and without a reason',
      oracles: ['no-canary-leak'],
    },
    'unaudited-access': {
      description: 'record views and break-glasses are served but write no audit entry',
      oracles: ['audit-complete'],
    },
  },
  world,
  // No secret is varied: what must stay hidden is judged by canaries and the policy, not by twins.
  secrets: {},
  canaries: (w) =>
    w.patients.flatMap((p) => [
      ...identityCanaries(p.identity, p.id),
      ...p.entries.map((e) => ({ value: e.text, owner: p.id, field: 'entry' })),
    ]),
  policy,
  simulator: simulate,
  http: binding,
  maxSteps: 6,
});

import { defineModel, identityCanaries } from 'bookfuzz';
import { binding } from './http.js';
import { policy } from './policy.js';
import { simulate } from './simulator.js';
import { world, type RecordWorld } from './world.js';

/**
 * A patient app giving online access to one's own GP record: only entries recorded after online
 * access was granted, never entries the GP redacted, nothing once the patient turned their login
 * off, and a proxy (parent, carer) only what the patient granted them.
 */
export const model = defineModel<RecordWorld>({
  name: 'record-access',
  title: 'Online access to the GP record',
  description:
    'A patient app shows the account holder their GP record: only entries recorded on or after the day ' +
    'online access was granted, never entries the GP redacted, and nothing once the patient turned their ' +
    'login off (open sessions end too). A proxy acting for the patient sees only what was granted: the ' +
    'appointments, and the record entries of the granted types.',
  actors: {
    patient: { description: 'the account holder, logged in to their own account' },
    proxy: { description: 'a parent or carer with their own login and a granted scope for the patient' },
  },
  actions: {
    'log-in': { description: 'log in to the app (the proxy lands on the patient they act for)', actors: ['patient', 'proxy'] },
    'view-record': { description: 'open the GP health record page', actors: ['patient', 'proxy'] },
    'view-appointments': { description: 'open the appointments page', actors: ['patient', 'proxy'] },
    'disable-login': {
      description: 'turn online access off in the account settings (logs every session of the patient out)',
      actors: ['patient'],
      mutates: true,
    },
  },
  flaws: {
    'retrospective-entries': {
      description: 'the record page also shows entries recorded before online access was granted',
      oracles: ['no-canary-leak'],
    },
    'redaction-ignored': {
      description: 'the record page also shows entries the GP redacted from online view',
      oracles: ['no-canary-leak'],
    },
    'disabled-login-works': {
      description:
        'turning the login off refuses new logins but leaves open sessions working, so the record stays reachable ' +
        'with the old cookie (the session is reported ended with reason login-disabled)',
      // Also no-canary-leak: the policy says nothing at all may be shown once the login is off.
      oracles: ['session-dies', 'no-canary-leak'],
    },
    'proxy-overreach': {
      description:
        'the proxy pages check only that the proxy is linked to the patient, not the granted scope: the whole ' +
        'record (every entry type) and the appointments are shown',
      oracles: ['no-canary-leak'],
    },
  },
  world,
  // No secret is varied: what must stay hidden is judged by canaries and the policy, not by twins.
  secrets: {},
  canaries: (w) => [
    ...identityCanaries(w.patient.identity, w.patient.id),
    ...w.entries.map((e) => ({ value: e.text, owner: e.id, field: 'entry' })),
    ...w.appointments.map((a) => ({ value: a.detail, owner: a.id, field: 'appointment' })),
  ],
  policy,
  simulator: simulate,
  http: binding,
  maxSteps: 8,
});

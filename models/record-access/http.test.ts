/**
 * The record-access HTTP binding, two journeys against the reference staging site. What every
 * binding keeps (it means what the simulator means, each flaw is found live, the fixed site is
 * clean) is checked by src/contract/ (binding-contract-suite.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fc } from '../../src/index.js';
import { bindingHarness } from '../../src/harness/binding-harness.js';
import { binding } from './http.js';
import { model } from './index.js';

const SEED = 7;
const { start, stop, open } = bindingHarness(model, binding, { token: 'record-access-binding-test', seed: SEED });

beforeAll(() => start(['fixed']));
afterAll(stop);

describe('record-access binding, step by step', () => {
  it('log-in, turn the login off, replay the old cookie: refused on the fixed site, the session reported ended', async () => {
    const [world] = fc.sample(model.world, { seed: SEED, numRuns: 1 });
    if (!world) throw new Error('no world');
    const site = open('fixed');
    try {
      await binding.setup(world, site);
      const before = structuredClone(world);
      const login = await binding.perform({ actor: 'patient', action: 'log-in', input: {} }, site, before);
      expect(login.outcome).toBe('ok');
      expect(login.session).toMatch(/^ra_session:[0-9a-f]{12}$/);
      expect(login.typed).toEqual({ username: world.patient.identity.nhsNumber, password: `${world.patient.identity.dateOfBirth}#${world.patient.identity.nhsNumber.slice(-4)}` });
      expect(JSON.stringify(login.observation)).not.toContain(login.typed?.['password'] ?? '?');

      const off = await binding.perform({ actor: 'patient', action: 'disable-login', input: {} }, site, before);
      expect(off.outcome).toBe('ok');
      expect(off.session).toBe(login.session);
      expect(off.endedSessions).toEqual([{ session: login.session, reason: 'login-disabled' }]);
      expect(off.changes).toEqual([{ object: 'account', owner: 'p1', description: 'online login turned off' }]);

      const disabled = { ...before, patient: { ...before.patient, loginDisabled: true } };
      const replay = await binding.perform({ actor: 'patient', action: 'view-record', input: {} }, site, disabled);
      expect(replay.session).toBe(login.session); // the old cookie, restored after the site cleared it
      expect(replay.outcome).toBe('refused');
      const again = await binding.perform({ actor: 'patient', action: 'log-in', input: {} }, site, disabled);
      expect(again.outcome).toBe('refused');
    } finally {
      await site.close();
    }
  });

  it('refuses the settings for a patient who is not logged in, without pressing anything', async () => {
    const [world] = fc.sample(model.world, { seed: SEED + 1, numRuns: 1 });
    if (!world) throw new Error('no world');
    const site = open('fixed');
    try {
      await binding.setup(world, site);
      const off = await binding.perform({ actor: 'patient', action: 'disable-login', input: {} }, site, world);
      expect(off.outcome).toBe('refused');
      expect(off.endedSessions).toBeUndefined();
      expect(off.changes).toBeUndefined();
    } finally {
      await site.close();
    }
  });
});

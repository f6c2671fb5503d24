/**
 * The household-booking HTTP binding, one journey against the reference staging site. What every
 * binding keeps (it means what the simulator means, each flaw is found live, the fixed site is
 * clean) is checked by src/contract/ (binding-contract-suite.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fc } from '../../src/index.js';
import { bindingHarness } from '../../src/harness/binding-harness.js';
import { binding } from './http.js';
import { model } from './index.js';

const SEED = 12;
const { start, stop, open } = bindingHarness(model, binding, { token: 'household-booking-binding-test', seed: SEED });

beforeAll(() => start(['fixed']));
afterAll(stop);

describe('household-booking binding, step by step', () => {
  it('a registrant reads only their own details and cannot act as a vaccinator; the vaccinator records a dose', async () => {
    const [world] = fc.sample(model.world, { seed: SEED, numRuns: 1 });
    if (!world) throw new Error('no world');
    const site = open('fixed');
    try {
      await binding.setup(world, site);
      const [me, victim] = world.registrants;
      if (!me || !victim) throw new Error('two registrants needed');
      const step = (actor: string, action: string, input = {}) => binding.perform({ actor, action, input }, site, world);

      const unauthenticated = await step('registrant', 'view-registrant', { registrant: 0 });
      expect(unauthenticated.outcome).toBe('refused');
      expect(unauthenticated.session).toBeUndefined();
      const login = await step('registrant', 'log-in');
      expect(login.outcome).toBe('ok');
      expect(login.typed).toEqual({ nhi: me.identity.nhi, dateOfBirth: me.identity.dateOfBirth });
      expect(login.session).toMatch(/^hb-[0-9a-f]{12}$/);
      // The bearer token and CSRF token of the run never reach the observation.
      expect(JSON.stringify(login.observation)).toContain('‹session-token›');
      expect(JSON.stringify(login.observation)).not.toMatch(/[A-Za-z0-9_-]{32}/);

      const other = await step('registrant', 'view-registrant', { registrant: 0 });
      expect(other.outcome).toBe('refused');
      expect(other.session).toBe(login.session);
      expect(JSON.stringify(other.observation)).not.toContain(victim.identity.nhi);
      const own = await step('registrant', 'view-registrant', { registrant: world.registrants.length - 1 });
      expect(own.outcome).toBe('ok');
      expect(own.typed).toEqual({ registrantId: me.id });

      const posing = await step('registrant', 'record-dose', { registrant: 0, role: 'vaccinator' });
      expect(posing.outcome).toBe('refused');
      expect(posing.changes).toBeUndefined();
      const moving = await step('registrant', 'move-appointment', { appointment: 0, slot: 2 });
      expect(moving.outcome).toBe('refused');
      const mine = await step('registrant', 'cancel-appointment', { appointment: world.appointments.length - 1 });
      expect(mine.outcome).toBe('ok');
      expect(mine.changes).toEqual([{ object: 'appointment', owner: me.id, description: 'appointment a1 cancelled' }]);

      await step('vaccinator', 'log-in');
      const dose = await step('vaccinator', 'record-dose', { registrant: 0, role: 'vaccinator' });
      expect(dose.outcome).toBe('ok');
      expect(dose.changes).toEqual([{ object: 'dose', owner: victim.id, description: `dose recorded for ${victim.id} by s1` }]);
    } finally {
      await site.close();
    }
  });
});

/**
 * The referral-smartcard HTTP binding, one journey against the reference staging site. What every
 * binding keeps (it means what the simulator means, each flaw is found live, the fixed site is
 * clean) is checked by src/contract/ (binding-contract-suite.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fc, type Step } from '../../src/index.js';
import { bindingHarness } from '../../src/harness/binding-harness.js';
import { binding } from './http.js';
import { model } from './index.js';

const SEED = 13;
const { start, stop, open } = bindingHarness(model, binding, { token: 'referral-smartcard-binding-test', seed: SEED });

beforeAll(() => start(['fixed']));
afterAll(stop);

describe('referral-smartcard binding, step by step', () => {
  it('log-in, open a record (audited), log out: the replayed old cookie is refused; idle and card removal end sessions', async () => {
    const [world] = fc.sample(model.world, { seed: SEED, numRuns: 1 });
    if (!world) throw new Error('no world');
    const site = open('fixed');
    const reference = model.simulator(structuredClone(world), new Set());
    const step = async (action: string, input = {}) => {
      const s: Step = { actor: 'gp', action, input };
      const result = await binding.perform(s, site, structuredClone(reference.world()));
      reference.step(s);
      return result;
    };
    try {
      await binding.setup(world, site);
      const login = await step('log-in', { passcode: 'correct' });
      expect(login.outcome).toBe('ok');
      expect(login.session).toMatch(/^rs-[0-9a-f]{12}$/);
      expect(login.typed).toEqual({ cardSerial: world.gp.cardSerial, passcode: world.gp.passcode });
      const record = await step('open-record', { patient: 0 });
      expect(record.outcome).toBe('ok');
      expect(record.session).toBe(login.session);
      expect(record.recordViews).toEqual([{ actor: world.gp.id, patient: 'p1', breakGlass: false }]);
      expect(record.audit).toEqual([{ actor: world.gp.id, patient: 'p1', event: 'record-view', time: '2026-03-02T09:00' }]);
      const out = await step('log-out');
      expect(out.outcome).toBe('ok');
      expect(out.endedSessions).toEqual([{ session: login.session, reason: 'logout' }]);
      const replay = await step('open-referrals');
      expect(replay.session).toBe(login.session); // the old cookie, restored after the site cleared it
      expect(replay.outcome).toBe('refused');

      const again = await step('log-in', { passcode: 'correct' });
      expect(again.outcome).toBe('ok');
      expect(again.session).not.toBe(login.session);
      expect((await step('wait', { minutes: 20 })).endedSessions).toBeUndefined();
      const idle = await step('wait', { minutes: 20 });
      expect(idle.endedSessions).toEqual([{ session: again.session, reason: 'idle-timeout' }]);
      expect((await step('open-referrals')).outcome).toBe('refused');

      const third = await step('log-in', { passcode: 'correct' });
      const removed = await step('remove-card');
      expect(removed.session).toBeUndefined();
      expect(removed.endedSessions).toEqual([{ session: third.session, reason: 'card-removed' }]);
      expect((await step('open-record', { patient: 0 })).outcome).toBe('refused');
      expect((await step('log-in', { passcode: 'correct' })).outcome).toBe('refused');
    } finally {
      await site.close();
    }
  });
});

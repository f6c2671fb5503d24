/**
 * The referral-smartcard HTTP binding against the reference staging site: step by step it means
 * what the model's simulator means, each flaw switched on alone is found live by the oracles the
 * model declares for it and by no other, and the fixed site gives nothing in 300 twin runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed } from '../../src/engine/seeds.js';
import { fc, oracles, type Step } from '../../src/index.js';
import { twinCaseArbitrary, type TwinCase } from '../../src/world/twin-case.js';
import { bindingHarness } from '../../src/targets/http/binding-harness.js';
import { binding } from './http.js';
import { model } from './index.js';
import type { ReferralWorld } from './world.js';

const SEED = 13;
const flaws = Object.keys(model.flaws);
const { start, stop, open, fuzz, bothWays } = bindingHarness(model, binding, { token: 'referral-smartcard-binding-test', seed: SEED });

beforeAll(start);
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

  it.each(['fixed', ...flaws])('means what the simulator means, step by step (%s)', async (variant) => {
    const cases = fc.sample(twinCaseArbitrary(model), { seed: deriveSeed(SEED, `conformance:${variant}`), numRuns: 40 });
    for (const kase of cases) {
      const { simulated, live } = await bothWays(variant, kase);
      expect(live).toEqual(simulated);
    }
  }, 120_000);
});

describe('referral-smartcard, live against the staging site', () => {
  it.each(flaws)('finds %s with the oracles the model declares for it, and no other', async (flaw) => {
    const declared = [...(model.flaws[flaw]?.oracles ?? [])].sort();
    const { document, problems, ms } = await fuzz(flaw, 100);
    const found = [...new Set(document.findings.map((f) => f.oracle))].sort();
    const summary = document.findings.map((f) => ({
      oracle: f.oracle,
      caseOfFirstFailure: Number(f.path.split(':')[0]) + 1,
      minimal: f.steps.map((s) => `${s.actor}:${s.action}`).join(' → '),
    }));
    console.info(`referral-smartcard ${flaw}: ${JSON.stringify({ found, summary, cases: document.stats.cases, ms })}`);
    expect(problems).toEqual([]);
    expect(found).toEqual(declared);
    // Log in, end the session by the user's act, use the old cookie.
    for (const finding of document.findings) expect(finding.steps).toHaveLength(3);
  }, 600_000);

  it('finds nothing on the fixed site in 300 twin runs, every oracle judging every case', async () => {
    const { document, problems, ms } = await fuzz('fixed', 300);
    console.info(`referral-smartcard fixed: ${JSON.stringify({ cases: document.stats.cases, steps: document.stats.steps, ms, notes: document.notes ?? [] })}`);
    expect(problems).toEqual([]);
    expect(document.findings.map((f) => f.message)).toEqual([]);
    expect(document.stats.cases).toBeGreaterThanOrEqual(300);
  }, 600_000);
});

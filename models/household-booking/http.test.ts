/**
 * The household-booking HTTP binding against the reference staging site: step by step it means
 * what the model's simulator means, each flaw switched on alone is found live by the oracles the
 * model declares for it and by no other, and the fixed site gives nothing in 300 twin runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed } from '../../src/engine/seeds.js';
import { fc, oracles } from '../../src/index.js';
import { twinCaseArbitrary, type TwinCase } from '../../src/world/twin-case.js';
import { bindingHarness } from '../../src/targets/http/binding-harness.js';
import { binding } from './http.js';
import { model } from './index.js';
import type { HouseholdWorld } from './world.js';

const SEED = 12;
const flaws = Object.keys(model.flaws);
/** Flaws the default live oracles find; timing-only flaws are found live with `--oracles timing` (src/targets/http/timing-sampler.test.ts). */
const liveFlaws = flaws.filter((flaw) => !(model.flaws[flaw]?.oracles ?? []).every((oracle) => oracle === 'timing'));
const { start, stop, open, fuzz, bothWays } = bindingHarness(model, binding, { token: 'household-booking-binding-test', seed: SEED });

beforeAll(start);
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

  it.each(['fixed', ...flaws])('means what the simulator means, step by step (%s)', async (variant) => {
    const cases = fc.sample(twinCaseArbitrary(model), { seed: deriveSeed(SEED, `conformance:${variant}`), numRuns: 40 });
    for (const kase of cases) {
      const { simulated, live } = await bothWays(variant, kase);
      expect(live).toEqual(simulated);
    }
  }, 120_000);
});

describe('household-booking, live against the staging site', () => {
  it.each(liveFlaws)('finds %s with the oracles the model declares for it, and no other', async (flaw) => {
    const declared = [...(model.flaws[flaw]?.oracles ?? [])].sort();
    const { document, problems, ms } = await fuzz(flaw, 100);
    const found = [...new Set(document.findings.map((f) => f.oracle))].sort();
    const summary = document.findings.map((f) => ({
      oracle: f.oracle,
      caseOfFirstFailure: Number(f.path.split(':')[0]) + 1,
      minimal: f.steps.map((s) => `${s.actor}:${s.action}`).join(' → '),
    }));
    console.info(`household-booking ${flaw}: ${JSON.stringify({ found, summary, cases: document.stats.cases, ms })}`);
    expect(problems).toEqual([]);
    expect(found).toEqual(declared);
    // Each flaw takes two steps: log in, then the one request that goes wrong.
    for (const finding of document.findings) expect(finding.steps.map((s) => s.action)[0]).toBe('log-in');
  }, 600_000);

  it('finds nothing on the fixed site in 300 twin runs, every oracle judging every case', async () => {
    const { document, problems, ms } = await fuzz('fixed', 300);
    console.info(`household-booking fixed: ${JSON.stringify({ cases: document.stats.cases, steps: document.stats.steps, ms, notes: document.notes ?? [] })}`);
    expect(problems).toEqual([]);
    expect(document.findings.map((f) => f.message)).toEqual([]);
    expect(document.stats.cases).toBeGreaterThanOrEqual(300);
  }, 600_000);
});

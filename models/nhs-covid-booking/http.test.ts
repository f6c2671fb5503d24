/**
 * The nhs-covid-booking HTTP binding against the reference staging site: step by step it means
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
import type { NhsWorld } from './world.js';

const SEED = 11;
const flaws = Object.keys(model.flaws);
/** Flaws the default live oracles find; timing-only flaws are found live with `--oracles timing` (src/targets/http/timing-sampler.test.ts). */
const liveFlaws = flaws.filter((flaw) => !(model.flaws[flaw]?.oracles ?? []).every((oracle) => oracle === 'timing'));
const { start, stop, open, fuzz, bothWays } = bindingHarness(model, binding, { token: 'nhs-covid-booking-binding-test', seed: SEED });

beforeAll(start);
afterAll(stop);

/**
 * The site's start page always opens an anonymous session (any refused step lands there), where
 * the simulator opens one only on `open-service`: compare cases in which each actor starts there.
 */
const opensFirst = (kase: TwinCase<NhsWorld>): boolean =>
  ['visitor', 'patient'].every((actor) => {
    const first = kase.steps.find((s) => s.actor === actor);
    return first === undefined || first.action === 'open-service';
  });

describe('nhs-covid-booking binding, step by step', () => {
  it('the genuine patient books with the code from the SMS outbox; a visitor guessing is refused', async () => {
    const [world] = fc.sample(model.world, { seed: SEED, numRuns: 1 });
    if (!world) throw new Error('no world');
    world.patients.forEach((p) => (p.doses = 0));
    const site = open('fixed');
    try {
      await binding.setup(world, site);
      const patient = world.patients[0];
      if (!patient) throw new Error('no patient');
      const step = (actor: string, action: string, input = {}) => binding.perform({ actor, action, input }, site, world);

      expect((await step('visitor', 'open-service')).outcome).toBe('ok');
      const identity = await step('visitor', 'submit-identity', { patient: 0, by: 'name-dob-postcode' });
      expect(identity.outcome).toBe('ok');
      expect(identity.typed).toMatchObject({ familyName: patient.identity.familyName, postcode: patient.identity.postcode });
      expect(identity.session).toMatch(/^nhs-[0-9a-f]{12}$/);
      const guess = await step('visitor', 'enter-code', { guess: '000000' });
      expect(guess.outcome).toBe('refused');
      expect(guess.typed).toEqual({ code: '000000' });
      expect((await step('visitor', 'choose-slot', { slot: 1 })).outcome).toBe('refused');
      const sneaky = await step('visitor', 'confirm-booking');
      expect(sneaky.outcome).toBe('refused');
      expect(sneaky.changes).toBeUndefined();

      await step('patient', 'open-service');
      expect((await step('patient', 'submit-identity', { patient: 0, by: 'nhs-number' })).typed).toEqual({ nhsNumber: patient.identity.nhsNumber });
      const code = await step('patient', 'enter-code', { guess: '000000' });
      expect(code.outcome).toBe('ok');
      expect(code.typed?.['code']).toMatch(/^\d{6}$/);
      expect((await step('patient', 'choose-slot', { slot: 1 })).outcome).toBe('ok');
      const booked = await step('patient', 'confirm-booking');
      expect(booked.outcome).toBe('ok');
      expect(booked.changes).toEqual([{ object: 'booking', owner: patient.id, description: `dose 1 booked at ${world.slots[1]}` }]);
      // Nothing volatile reaches the observation: no request id, no cookie value.
      expect(JSON.stringify(booked.observation)).not.toMatch(/[0-9a-f]{24}/);
    } finally {
      await site.close();
    }
  });

  it.each(['fixed', ...flaws])('means what the simulator means, step by step (%s)', async (variant) => {
    const cases = fc.sample(twinCaseArbitrary(model), { seed: deriveSeed(SEED, `conformance:${variant}`), numRuns: 60 }).filter(opensFirst);
    expect(cases.length).toBeGreaterThan(20);
    for (const kase of cases) {
      const { simulated, live } = await bothWays(variant, kase);
      expect(live).toEqual(simulated);
    }
  }, 120_000);
});

describe('nhs-covid-booking, live against the staging site', () => {
  it.each(liveFlaws)('finds %s with the oracles the model declares for it, and no other', async (flaw) => {
    const declared = [...(model.flaws[flaw]?.oracles ?? [])].sort();
    const { document, problems, ms } = await fuzz(flaw, 100);
    const found = [...new Set(document.findings.map((f) => f.oracle))].sort();
    const summary = document.findings.map((f) => ({
      oracle: f.oracle,
      caseOfFirstFailure: Number(f.path.split(':')[0]) + 1,
      minimal: f.steps.map((s) => `${s.actor}:${s.action}`).join(' → '),
    }));
    console.info(`nhs-covid-booking ${flaw}: ${JSON.stringify({ found, summary, cases: document.stats.cases, ms })}`);
    expect(problems).toEqual([]);
    expect(found).toEqual(declared);
    if (flaw === 'status-dependent-screen') {
      const minimal = document.findings.find((f) => f.oracle === 'indistinguishable')?.steps.map((s) => `${s.actor}:${s.action}`);
      expect(minimal).toEqual(['visitor:open-service', 'visitor:submit-identity']);
    }
  }, 600_000);

  it('finds nothing on the fixed site in 300 twin runs, every oracle judging every case', async () => {
    const { document, problems, ms } = await fuzz('fixed', 300);
    console.info(`nhs-covid-booking fixed: ${JSON.stringify({ cases: document.stats.cases, steps: document.stats.steps, ms, notes: document.notes ?? [] })}`);
    expect(problems).toEqual([]);
    expect(document.findings.map((f) => f.message)).toEqual([]);
    expect(document.stats.cases).toBeGreaterThanOrEqual(300);
  }, 600_000);
});

/**
 * The nhs-covid-booking HTTP binding against the reference staging site: step by step it means
 * what the model's simulator means, each flaw switched on alone is found live by the oracles the
 * model declares for it and by no other, and the fixed site gives nothing in 300 twin runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel } from '../../src/engine/check.js';
import { deriveSeed } from '../../src/engine/seeds.js';
import { findCanaries } from '../../src/identity/canary.js';
import { fc, oracles, type Oracle, type Step, type StepResult } from '../../src/index.js';
import { maskTyped } from '../../src/observe/mask-typed.js';
import { stringLeaves } from '../../src/observe/string-leaves.js';
import { startStagingSite } from '../../src/staging/index.js';
import { createLiveSite } from '../../src/targets/http/create-live-site.js';
import { liveRunner } from '../../src/targets/http/live-runner.js';
import { twinCaseArbitrary, type TwinCase } from '../../src/world/twin-case.js';
import { binding } from './http.js';
import { model } from './index.js';
import type { NhsWorld } from './world.js';

const TOKEN = 'nhs-covid-booking-binding-test';
const SEED = 11;
const flaws = Object.keys(model.flaws);

type Staging = Awaited<ReturnType<typeof startStagingSite>>;
const sites = new Map<string, Staging>();

beforeAll(async () => {
  for (const variant of ['fixed', ...flaws]) {
    sites.set(variant, await startStagingSite({ flaws: variant === 'fixed' ? [] : [variant], port: 0, seedToken: TOKEN }));
  }
});
afterAll(async () => {
  for (const site of sites.values()) await site.close();
});

function open(variant: string) {
  const site = sites.get(variant);
  if (!site) throw new Error(`no staging site for ${variant}`);
  return createLiveSite({ baseUrl: site.url, seedToken: TOKEN });
}

/** Every oracle that applies to the model, judging every case (one search instead of one per oracle). */
const everyOracle: Oracle = {
  id: 'every-oracle',
  title: 'every oracle that applies, on every case',
  severity: 'high',
  scope: 'run',
  help: 'test harness',
  usesWorld: true,
  appliesTo: () => true,
  check: (run) => oracles.filter((o) => o.appliesTo(model)).flatMap((o) => o.check(run)),
};

async function fuzz(variant: string, runs: number) {
  const runner = liveRunner({ model, binding, openSite: () => open(variant) });
  const started = performance.now();
  const document = await checkModel(model, [everyOracle], {
    runs,
    seed: SEED,
    runner,
    confirmations: 3,
    describe: { variant: variant === 'fixed' ? 'fixed' : `flaws:${variant}`, flaws: variant === 'fixed' ? [] : [variant] },
  });
  return { document, problems: runner.problems(), ms: Math.round(performance.now() - started) };
}

/** What the oracles read from one step. */
function verdict(world: NhsWorld, step: Step, result: StepResult): string {
  const canaries = model.canaries(world);
  const leaks = stringLeaves(maskTyped(result.observation, result.typed))
    .flatMap((leaf) => findCanaries(leaf.text, canaries).map((hit) => hit.canary))
    .filter((canary) => !model.policy.maySee?.({ world, step, canary }))
    .map((c) => `${c.field}:${c.owner}`);
  const changes = (result.changes ?? []).map((c) => `${c.object}:${c.owner ?? ''}`);
  return `${step.actor}:${step.action} ${result.outcome} leaks=[${[...new Set(leaks)].sort().join(',')}] changes=[${changes.join(',')}]`;
}

/** One case through the simulator (with the flaw) and through the binding on the site (with the flaw). */
async function bothWays(variant: string, kase: TwinCase<NhsWorld>): Promise<{ simulated: string[]; live: string[] }> {
  const flawSet = new Set(variant === 'fixed' ? [] : [variant]);
  const simulation = model.simulator(structuredClone(kase.world), flawSet);
  const reference = model.simulator(structuredClone(kase.world), new Set());
  const site = open(variant);
  const simulated: string[] = [];
  const live: string[] = [];
  try {
    await binding.setup(structuredClone(kase.world), site);
    for (const step of kase.steps) {
      const before = structuredClone(reference.world());
      live.push(verdict(before, step, await binding.perform(step, site, structuredClone(before))));
      simulated.push(verdict(before, step, simulation.step(step)));
      reference.step(step);
    }
  } finally {
    await site.close();
  }
  return { simulated, live };
}

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
  it.each(flaws)('finds %s with the oracles the model declares for it, and no other', async (flaw) => {
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

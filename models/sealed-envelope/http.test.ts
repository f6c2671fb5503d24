/**
 * The sealed-envelope HTTP binding against the reference staging site: step by step it must mean
 * what the model's simulator means (outcomes, leaks, record views, and the audit entries with the
 * model's own times), every flaw switched on alone must be found live by the oracles the model
 * declares for it and by no other, and the fixed site must give nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel, type CaseRunner } from '../../src/engine/check.js';
import { deriveSeed } from '../../src/engine/seeds.js';
import { findCanaries } from '../../src/identity/canary.js';
import { fc, oracles, type Step, type StepResult } from '../../src/index.js';
import { maskTyped } from '../../src/observe/mask-typed.js';
import { stringLeaves } from '../../src/observe/string-leaves.js';
import { startStagingSite } from '../../src/staging/index.js';
import { createLiveSite } from '../../src/targets/http/create-live-site.js';
import { liveRunner } from '../../src/targets/http/live-runner.js';
import { twinCaseArbitrary, type TwinCase } from '../../src/world/twin-case.js';
import { binding } from './http.js';
import { model } from './index.js';
import { patientAt, timeOf, type SealedWorld } from './world.js';

const TOKEN = 'sealed-envelope-binding-test';
const SEED = 7;
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

function siteFor(variant: string): Staging {
  const site = sites.get(variant);
  if (!site) throw new Error(`no staging site for ${variant}`);
  return site;
}

const open = (variant: string) => createLiveSite({ baseUrl: siteFor(variant).url, seedToken: TOKEN });

/** Canaries the actor may not see in a step's observation (typed values masked first, as the runner does). */
function leaks(world: SealedWorld, step: Step, result: StepResult): string[] {
  const observation = maskTyped(result.observation, result.typed);
  const canaries = model.canaries(world);
  const hits = stringLeaves(observation).flatMap((leaf) => findCanaries(leaf.text, canaries).map((h) => h.canary));
  return [...new Set(hits.filter((canary) => !model.policy.maySee?.({ world, step, canary })).map((c) => `${c.field}:${c.owner}`))].sort();
}

/** What the oracles read from one step. */
interface Verdict {
  action: string;
  outcome: string;
  leaks: string[];
  changes: StepResult['changes'];
  recordViews: StepResult['recordViews'];
  audit: StepResult['audit'];
}

function typedNhsNumber(world: SealedWorld, step: Step, leak: string): boolean {
  return step.action !== 'log-in' && leak === `nhsNumber:${patientAt(world, step.input['patient']).id}`;
}

function verdicts(steps: Step[], results: StepResult[], befores: SealedWorld[]): Verdict[] {
  return results.map((result, i) => {
    const step = steps[i] as Step;
    return {
      action: `${step.actor}:${step.action}`,
      outcome: result.outcome,
      // The NHS number the clinician typed: the site echoes it spaced (masked as typed by the binding),
      // the simulator shows it spaced on the record page without masking it; either way it is the
      // clinician's own input, not what tells a leak apart.
      leaks: leaks(befores[i] as SealedWorld, step, result).filter((l) => !typedNhsNumber(befores[i] as SealedWorld, step, l)),
      changes: result.changes ?? [],
      recordViews: result.recordViews ?? [],
      audit: result.audit ?? [],
    };
  });
}

/** One case through the simulator (with the flaw) and through the binding on the site (with the flaw), side by side. */
async function bothWays(variant: string, kase: TwinCase<SealedWorld>): Promise<{ model: Verdict[]; live: Verdict[] }> {
  const flawSet = new Set(variant === 'fixed' ? [] : [variant]);
  const simulation = model.simulator(structuredClone(kase.world), flawSet);
  const reference = model.simulator(structuredClone(kase.world), new Set());
  const site = open(variant);
  const befores: SealedWorld[] = [];
  const simulated: StepResult[] = [];
  const live: StepResult[] = [];
  try {
    await binding.setup(structuredClone(kase.world), site);
    for (const step of kase.steps) {
      const before = structuredClone(reference.world());
      befores.push(before);
      live.push(await binding.perform(step, site, structuredClone(before)));
      simulated.push(simulation.step(step));
      reference.step(step);
    }
  } finally {
    await site.close();
  }
  return { model: verdicts(kase.steps, simulated, befores), live: verdicts(kase.steps, live, befores) };
}

/** A live runner on the staging site with the given variant, counting the cases it runs. */
function runnerFor(variant: string): { runner: CaseRunner; problems: () => unknown[] } {
  const inner = liveRunner({ model, binding, openSite: () => open(variant) });
  return { runner: inner, problems: () => inner.problems() };
}

/** Cases a fresh search for `oracle` (the engine's first attempt, same seed) runs until the oracle fires. */
async function casesToFirstFailure(variant: string, oracleId: string, runs: number): Promise<number | undefined> {
  const oracle = oracles.find((o) => o.id === oracleId);
  if (!oracle) throw new Error(`no oracle ${oracleId}`);
  const { runner } = runnerFor(variant);
  const cases = fc.sample(twinCaseArbitrary(model), { seed: deriveSeed(SEED, `${oracleId}#0`), numRuns: runs });
  for (const [i, kase] of cases.entries()) {
    if (oracle.check(await runner.run(kase)).length > 0) return i + 1;
  }
  return undefined;
}

async function fuzz(variant: string, runs: number) {
  const { runner, problems } = runnerFor(variant);
  const started = performance.now();
  const document = await checkModel(model, oracles, {
    runs,
    seed: SEED,
    runner,
    confirmations: 3,
    maxFindingsPerOracle: 1,
    describe: { variant: variant === 'fixed' ? 'fixed' : `flaws:${variant}`, flaws: variant === 'fixed' ? [] : [variant] },
  });
  return { document, problems: problems(), ms: Math.round(performance.now() - started) };
}

describe('sealed-envelope binding, step by step', () => {
  it("audits with the model's clock (one minute per action, one POST each on the site)", async () => {
    const world = fc.sample(model.world, { seed: SEED, numRuns: 50 }).find((w) => w.patients.length >= 2);
    if (!world) throw new Error('no world with two patients');
    // p1 related, p2 not (whatever the generator drew).
    const seeded: SealedWorld = { ...world, clinician: { ...world.clinician, relationships: ['p1'] } };
    const site = open('fixed');
    const reference = model.simulator(structuredClone(seeded), new Set());
    const results: StepResult[] = [];
    const steps: Step[] = [
      { actor: 'clinician', action: 'log-in', input: {} },
      { actor: 'clinician', action: 'open-record', input: { patient: 0 } },
      { actor: 'clinician', action: 'open-record', input: { patient: 1 } },
      { actor: 'clinician', action: 'break-glass', input: { patient: 1, reason: '' } },
      { actor: 'clinician', action: 'break-glass', input: { patient: 1, reason: 'Safeguarding concern' } },
      { actor: 'clinician', action: 'open-record', input: { patient: 1 } },
    ];
    try {
      await binding.setup(structuredClone(seeded), site);
      for (const step of steps) {
        results.push(await binding.perform(step, site, structuredClone(reference.world())));
        reference.step(step);
      }
    } finally {
      await site.close();
    }
    expect(results.map((r) => r.outcome)).toEqual(['ok', 'ok', 'refused', 'refused', 'ok', 'ok']);
    expect(results[0]?.session).toMatch(/^se_session:[0-9a-f]{12}$/);
    expect(results[1]?.recordViews).toEqual([{ actor: 'c1', patient: 'p1', breakGlass: false }]);
    expect(results[1]?.audit).toEqual([{ actor: 'c1', patient: 'p1', event: 'record-view', time: timeOf(2) }]);
    expect(results[2]?.recordViews).toBeUndefined();
    expect(results[4]?.audit).toEqual([{ actor: 'c1', patient: 'p2', event: 'break-glass', time: timeOf(5), reason: 'Safeguarding concern' }]);
    expect(results[4]?.changes).toEqual([{ object: 'break-glass', owner: 'p2', description: 'sealed record opened by c1: Safeguarding concern' }]);
    expect(results[5]?.recordViews).toEqual([{ actor: 'c1', patient: 'p2', breakGlass: true, reason: 'Safeguarding concern' }]);
    expect(results[5]?.audit).toEqual([{ actor: 'c1', patient: 'p2', event: 'break-glass', time: timeOf(6), reason: 'Safeguarding concern' }]);
    // The sealed page echoes the NHS number the clinician typed (spaced): masked, not a leak.
    expect(leaks(seeded, steps[2] as Step, results[2] as StepResult)).toEqual([]);
  });

  it.each(['fixed', ...flaws])('means what the simulator means, step by step (%s)', async (variant) => {
    const cases = fc.sample(twinCaseArbitrary(model), { seed: deriveSeed(SEED, `conformance:${variant}`), numRuns: 40 });
    for (const kase of cases) {
      const { model: simulated, live } = await bothWays(variant, kase);
      expect(live).toEqual(simulated);
    }
  });
});

describe('sealed-envelope, live against the staging site', () => {
  it.each(flaws)('finds %s with the oracles the model declares for it, and no other', async (flaw) => {
    const declared = [...(model.flaws[flaw]?.oracles ?? [])].sort();
    const first: Record<string, number | undefined> = {};
    for (const oracleId of declared) first[oracleId] = await casesToFirstFailure(flaw, oracleId, 100);
    const { document, problems, ms } = await fuzz(flaw, 100);
    const found = [...new Set(document.findings.map((f) => f.oracle))].sort();
    const minimal = document.findings.map((f) => `${f.oracle}: ${f.steps.map((s) => `${s.actor}:${s.action}`).join(' → ')}`);
    console.info(`sealed-envelope ${flaw}: ${JSON.stringify({ found, casesToFirstFailure: first, minimal, cases: document.stats.cases, ms })}`);
    expect(problems).toEqual([]);
    expect(found).toEqual(declared);
    for (const oracleId of declared) expect(first[oracleId]).toBeDefined();
  }, 600_000);

  it('finds nothing on the fixed site in 300 twin runs (75 per oracle, 4 oracles)', async () => {
    const { document, problems, ms } = await fuzz('fixed', 75);
    console.info(`sealed-envelope fixed: ${JSON.stringify({ cases: document.stats.cases, steps: document.stats.steps, ms, notes: document.notes ?? [] })}`);
    expect(problems).toEqual([]);
    expect(document.findings.map((f) => f.message)).toEqual([]);
    expect(document.stats.cases).toBeGreaterThanOrEqual(300);
  }, 600_000);
});

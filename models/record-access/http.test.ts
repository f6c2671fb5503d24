/**
 * The record-access HTTP binding against the reference staging site: step by step it must mean
 * what the model's simulator means (conformance), every flaw switched on alone must be found live
 * by the oracles the model declares for it and by no other, and the fixed site must give nothing.
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
import type { RecordWorld } from './world.js';

const TOKEN = 'record-access-binding-test';
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
function leaks(world: RecordWorld, step: Step, result: StepResult): string[] {
  const observation = maskTyped(result.observation, result.typed);
  const canaries = model.canaries(world);
  const hits = stringLeaves(observation).flatMap((leaf) => findCanaries(leaf.text, canaries).map((h) => h.canary));
  return [...new Set(hits.filter((canary) => !model.policy.maySee?.({ world, step, canary })).map((c) => `${c.field}:${c.owner}`))].sort();
}

/** What the oracles read from one step, with session ids replaced by "was this session ended before". */
interface Verdict {
  action: string;
  outcome: string;
  leaks: string[];
  changes: string[];
  /** Whether the step ended sessions (the site ends the previous session at each log-in, the simulator keeps it: counts differ). */
  ends: boolean;
  presentsEndedSession: boolean;
}

function verdicts(steps: Step[], results: StepResult[], befores: RecordWorld[]): Verdict[] {
  const ended = new Set<string>();
  return results.map((result, i) => {
    const step = steps[i] as Step;
    const verdict: Verdict = {
      action: `${step.actor}:${step.action}`,
      outcome: result.outcome,
      leaks: leaks(befores[i] as RecordWorld, step, result),
      changes: (result.changes ?? []).map((c) => `${c.object}:${c.owner ?? ''}`),
      ends: (result.endedSessions ?? []).length > 0,
      presentsEndedSession: result.session !== undefined && ended.has(result.session),
    };
    for (const e of result.endedSessions ?? []) ended.add(e.session);
    return verdict;
  });
}

/** One case through the simulator (with the flaw) and through the binding on the site (with the flaw), side by side. */
async function bothWays(variant: string, kase: TwinCase<RecordWorld>): Promise<{ model: Verdict[]; live: Verdict[] }> {
  const flawSet = new Set(variant === 'fixed' ? [] : [variant]);
  const simulation = model.simulator(structuredClone(kase.world), flawSet);
  const reference = model.simulator(structuredClone(kase.world), new Set());
  const site = open(variant);
  const befores: RecordWorld[] = [];
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

  it.each(['fixed', ...flaws])('means what the simulator means, step by step (%s)', async (variant) => {
    const cases = fc.sample(twinCaseArbitrary(model), { seed: deriveSeed(SEED, `conformance:${variant}`), numRuns: 40 });
    for (const kase of cases) {
      const { model: simulated, live } = await bothWays(variant, kase);
      expect(live).toEqual(simulated);
    }
  });
});

describe('record-access, live against the staging site', () => {
  it.each(flaws)('finds %s with the oracles the model declares for it, and no other', async (flaw) => {
    const declared = [...(model.flaws[flaw]?.oracles ?? [])].sort();
    const first: Record<string, number | undefined> = {};
    for (const oracleId of declared) first[oracleId] = await casesToFirstFailure(flaw, oracleId, 100);
    const { document, problems, ms } = await fuzz(flaw, 100);
    const found = [...new Set(document.findings.map((f) => f.oracle))].sort();
    const minimal = document.findings.map((f) => `${f.oracle}: ${f.steps.map((s) => `${s.actor}:${s.action}`).join(' → ')}`);
    console.info(`record-access ${flaw}: ${JSON.stringify({ found, casesToFirstFailure: first, minimal, cases: document.stats.cases, ms })}`);
    expect(problems).toEqual([]);
    expect(found).toEqual(declared);
    for (const oracleId of declared) expect(first[oracleId]).toBeDefined();
  }, 600_000);

  it('finds nothing on the fixed site in 300 twin runs (75 per oracle, 4 oracles)', async () => {
    const { document, problems, ms } = await fuzz('fixed', 75);
    console.info(`record-access fixed: ${JSON.stringify({ cases: document.stats.cases, steps: document.stats.steps, ms, notes: document.notes ?? [] })}`);
    expect(problems).toEqual([]);
    expect(document.findings.map((f) => f.message)).toEqual([]);
    expect(document.stats.cases).toBeGreaterThanOrEqual(300);
  }, 600_000);
});

import type { CaseRunner } from '../engine/check.js';
import type { Trace, TraceStep } from '../model/trace.js';
import { BookfuzzError, isBookfuzzError } from '../errors.js';
import type { Model, Observation, StepResult } from '../model/model.js';
import { maskTyped } from '../observe/mask-typed.js';
import { applyNoise, learnNoise, mergeNoise, type NoiseMask } from '../observe/noise.js';
import { twinOf, type TwinCase } from '../world/twin-case.js';
import type { TraceSide, TwinRun } from '../oracles/oracle.js';
import type { HttpBinding } from '../http/binding.js';
import type { LiveSiteHandle } from '../http/create-live-site.js';
import type { ActionStats, RequestPhase } from '../engine/run-document.js';
import { requestMeter, stepTally, type StepTotals } from './run-tally.js';
import { timingSampler, type TimingOptions, type TimingProgress } from './timing-sampler.js';
import { cloneWorld } from '../world/clone-world.js';

/** What the lanes of one run have learned as noise, and how far calibration went. */
export interface SharedNoise {
  mask: NoiseMask | undefined;
  calibrated: boolean;
  /**
   * Calibration cut short on a site that showed no noise (`quietRounds`): its worlds, with the
   * rounds each still owes to a full calibration. Run as soon as the site shows noise after all.
   */
  owed?: { cases: readonly TwinCase[]; rounds: number[] };
  /** The owed calibration, while one lane runs it (the others wait for it). */
  completing?: Promise<void>;
}

export function sharedNoise(): SharedNoise {
  return { mask: undefined, calibrated: false };
}

/** Set-ups refused in a row, with none ever accepted, after which a run stops. */
const setupAttemptsBeforeGivingUp = 8;

/** Pairs of runs of each calibration world (each pair: the two sides, as twins run). */
const calibrationRounds = 3;

/**
 * Rounds of the first calibration worlds after which a site that showed no noise at all is
 * taken as quiet, and the rest of the calibration is left owed: on a quiet site it would learn
 * nothing, and it is a third of the cost of a first finding. The first noise the site shows
 * later (a candidate's two runs of one world differ) runs the owed rounds before the next case,
 * so that a noisy site is still calibrated in full: a text drawn from a few, a header sent now
 * and then need many runs to show every variant.
 */
const quietRounds = [2, 1];

/** A transport failure seen during a run: the case was judged only up to the failing step. */
export interface TransportProblem {
  where: string;
  message: string;
  count: number;
}

export interface LiveRunnerOptions {
  model: Model;
  binding: HttpBinding;
  /** A fresh live site (new cookie jars) for one side of a twin, sharing the run's rate limit and budget. */
  openSite: (side: TraceSide) => LiveSiteHandle;
  /**
   * Run the two sides of a twin at the same time. Only for sites where `openSite('a')` and
   * `openSite('b')` work in two parallel worlds (else one side's seeding overwrites the other's
   * world); give both one shared in-flight slot (`createInFlightLimit(1)`) and the lane still has
   * one request out at a time, while the client's work on one side's answer overlaps the other
   * side's request. Default: one side after the other.
   */
  sidesAtOnce?: boolean;
  /** Noise learned by every lane of one run together (`sharedNoise()`): calibrated once, learned by all. Default: the runner's own. */
  noise?: SharedNoise;
  /** Transport failures in a row after which the run stops (the site is down). Default 5. */
  maxConsecutiveFailures?: number;
  /** Called once when the request budget is spent: the engine should stop searching. */
  onBudgetSpent?: () => void;
  /** Called once when the target failed `maxConsecutiveFailures` times in a row: stop searching. */
  onGiveUp?: (error: BookfuzzError) => void;
  /** How the `timing` oracle's samples are taken, when a run asks for timing (`RunOptions.timing`). */
  timing?: TimingOptions;
  /** After every pair of timing samples: how far the test of the case in hand is (progress lines). */
  onTimingProgress?: (progress: TimingProgress) => void;
}

export interface LiveRunner extends CaseRunner {
  /** Transport problems seen so far, grouped by where and what. */
  problems(): TransportProblem[];
  requestsSent(): number;
  /** Requests sent so far, by phase. */
  requestsByPhase(): Partial<Record<RequestPhase, number>>;
  /** How each action's steps went so far. */
  actionStats(): ActionStats[];
  /** Steps performed, steps past a case's first that were ok, and steps that failed (transport, budget). */
  stepTotals(): StepTotals;

}

/**
 * Runs twin cases against a live site through a model's HTTP binding. Each side of the twin
 * gets a fresh site handle (fresh cookie jars) and the world is put on the site first; the
 * sides run one after the other, or at once in two parallel worlds (`sidesAtOnce`). The
 * model's own simulator, with no flaw, runs alongside as the reference semantics: it supplies
 * the server-side world each step is judged on. Observations have typed values and learned
 * noise masked. A transport failure ends that side at the failing step (both sides are judged
 * on the same prefix) and is recorded, never turned into a finding.
 */
export function liveRunner(options: LiveRunnerOptions): LiveRunner {
  const { model, binding } = options;
  // The noise learned so far: this runner's own, or one shared by the lanes of a run (calibrated once).
  const shared = options.noise ?? sharedNoise();
  const noiseOf = () => shared.mask;
  const problems = new Map<string, TransportProblem>();
  const meter = requestMeter();
  const tally = stepTally();
  /** Set-ups the site accepted, and refused in a row: a site that never takes one is given up on. */
  const setups = { ok: 0, refusedInARow: 0 };
  let consecutive = 0;
  let spent = false;
  /** Set once the run stopped (budget spent, target given up): calibration sends nothing more. */
  let halted = false;
  const budgetSpent = () => {
    if (!spent) options.onBudgetSpent?.();
    spent = true;
    halted = true;
  };
  const giveUp = (error: BookfuzzError) => {
    halted = true;
    options.onGiveUp?.(error);
  };

  const record = (error: BookfuzzError) => {
    const key = `${error.where ?? ''}\u0000${error.message}`;
    const known = problems.get(key);
    if (known) known.count++;
    else problems.set(key, { where: error.where ?? '', message: error.message, count: 1 });
    consecutive++;
    if (consecutive === (options.maxConsecutiveFailures ?? 5)) {
      giveUp(
        new BookfuzzError('BF_TRANSPORT', `the target failed ${consecutive} times in a row, the run stopped: ${error.message}`, {
          where: error.where,
          cause: error,
        }),
      );
    }
  };

  /**
   * A set-up the site refused: the case is not judged (the binding counts the request). When the
   * site has never accepted one and refused `setupAttemptsBeforeGivingUp` in a row, the run stops:
   * every further case would be refused the same way.
   */
  const recordSetup = (error: BookfuzzError) => {
    setups.refusedInARow++;
    if (setups.ok === 0 && setups.refusedInARow === setupAttemptsBeforeGivingUp) {
      giveUp(
        new BookfuzzError('BF_SETUP_FAILED', `the site refused the set-up of every world (${setups.refusedInARow} in a row), the run stopped: ${error.message}`, {
          where: error.where,
          cause: error,
        }),
      );
    }
  };

  async function runSide(side: TraceSide, given: object, kase: TwinCase, phase: RequestPhase): Promise<{ trace: Trace; failedAt: number | null; setupFailed?: string }> {
    const site = options.openSite(side);
    const steps: TraceStep[] = [];
    let failedAt: number | null = null;
    // Requests this side sent, put under set-up, the engine's phase, or cleanup as they go.
    let counted = 0;
    const count = (under: RequestPhase) => {
      const now = site.requestCount();
      meter.add(under, now - counted);
      counted = now;
    };
    // The world as the site holds it once set up (values it assigned, on their patients).
    let world = given;
    try {
      try {
        world = (await binding.setup(given, site)) ?? given;
      } finally {
        count('setup');
      }
      setups.ok++;
      setups.refusedInARow = 0;
      const reference = model.simulator(cloneWorld(world), new Set());
      for (const [index, step] of kase.steps.entries()) {
        const before = cloneWorld(reference.world());
        let result: StepResult;
        try {
          result = await binding.perform(step, site, before);
        } catch (error) {
          if (isBookfuzzError(error) && error.code === 'BF_TRANSPORT') {
            record(error);
            tally.step(step.action, index, 'failed');
            failedAt = index;
            break;
          }
          if (isBookfuzzError(error) && error.code === 'BF_BUDGET_EXHAUSTED') {
            budgetSpent();
            tally.step(step.action, index, 'failed');
            failedAt = index;
            break;
          }
          throw error;
        }
        tally.step(step.action, index, result.outcome === 'ok' ? 'ok' : 'refused');
        reference.step(step);
        // What the actor saw, and what an anonymous client saw instead (session-dies), masked alike.
        const observed = (observation: Observation): Observation => {
          const typed = maskTyped(observation, result.typed);
          const noise = noiseOf();
          return noise ? applyNoise(typed, noise) : typed;
        };
        const masked: StepResult = { ...result, observation: observed(result.observation), exchanges: site.takeExchanges() };
        if (result.anonymous) {
          const [first, second] = result.anonymous.observations;
          masked.anonymous = { ...result.anonymous, observations: [observed(first), observed(second)] };
        }
        steps.push({ step, before, result: masked });
      }
      if (failedAt === null) consecutive = 0;
      // The trace keeps the world as generated (what the twins differ in); the steps were judged on the world as set up.
      return { trace: { world: given, steps, after: reference.world() }, failedAt };
    } catch (error) {
      if (isBookfuzzError(error) && error.code === 'BF_SETUP_FAILED' && failedAt === null) {
        // The site did not accept this world: the case is not judged, and the run counts it.
        recordSetup(error);
        return { trace: { world: given, steps: [], after: given }, failedAt: 0, setupFailed: error.message };
      }
      if (isBookfuzzError(error) && (error.code === 'BF_TRANSPORT' || error.code === 'BF_BUDGET_EXHAUSTED') && failedAt === null) {
        // Setting the world up failed: nothing to judge in this case.
        if (error.code === 'BF_TRANSPORT') record(error);
        else budgetSpent();
        return { trace: { world: given, steps: [], after: given }, failedAt: 0 };
      }
      throw error;
    } finally {
      count(phase);
      try {
        await binding.cleanup?.(world, site);
      } catch (error) {
        if (!(isBookfuzzError(error) && (error.code === 'BF_TRANSPORT' || error.code === 'BF_BUDGET_EXHAUSTED'))) throw error;
      } finally {
        count('cleanup');
        await site.close();
      }
    }
  }

  /** Both sides, one after the other or at the same time (`sidesAtOnce`); a failure of either is thrown once both ended. */
  async function bothSides<T>(a: () => Promise<T>, b: () => Promise<T>): Promise<[T, T]> {
    if (options.sidesAtOnce !== true) {
      const first = await a();
      return [first, await b()];
    }
    const [first, second] = await Promise.allSettled([a(), b()]);
    if (first.status === 'rejected') throw first.reason;
    if (second.status === 'rejected') throw second.reason;
    return [first.value, second.value];
  }

  /** Merge what differs between these runs of one world into the noise mask. */
  const learn = (sequences: Observation[][]): void => {
    const learned = learnNoise(sequences);
    shared.mask = shared.mask ? mergeNoise(shared.mask, learned) : learned;
  };

  /** Learn from runs of one world, step by step, up to the shortest of them. */
  const learnSteps = (runs: readonly (readonly TraceStep[])[]): void => {
    if (runs.length === 0) return;
    const cut = Math.min(...runs.map((steps) => steps.length));
    learn(runs.map((steps) => steps.slice(0, cut).map((s) => s.result.observation)));
  };

  // The sampler's sites: every request they send is the `timing` phase's, counted when each closes.
  const samplerSite = (side: TraceSide): LiveSiteHandle => {
    const site = options.openSite(side);
    return {
      ...site,
      close: async () => {
        meter.add('timing', site.requestCount());
        await site.close();
      },
    };
  };
  const sampler = timingSampler({
    model,
    binding,
    openSite: samplerSite,
    // Where the twins' sides run in two parallel worlds, each timing class keeps its world set up in its own.
    parallelWorlds: options.sidesAtOnce === true,
    ...(options.onTimingProgress ? { onProgress: options.onTimingProgress } : {}),
    ...options.timing,
  });

  /**
   * Run one calibration world `rounds` times on both sides with the same secret, as the twins run
   * (same sites, same order), and learn whatever differs: it is noise. Several rounds, so that a
   * value drawn from a few (one of three banners) or a shuffled list shows its variants.
   */
  async function calibrateWorld(kase: TwinCase, rounds: number): Promise<void> {
    const runs: TraceStep[][] = [];
    for (let round = 0; round < rounds && !halted; round++) {
      const [first, second] = await bothSides(
        () => runSide('a', kase.world, kase, 'calibration'),
        () => runSide('b', kase.world, kase, 'calibration'),
      );
      runs.push(first.trace.steps, second.trace.steps);
    }
    learnSteps(runs);
  }

  /** The rounds a calibration still owes, world by world. */
  async function calibrateOwed(owed: { cases: readonly TwinCase[]; rounds: readonly number[] }): Promise<void> {
    for (const [world, kase] of owed.cases.entries()) {
      if (halted) break;
      const rounds = owed.rounds[world] ?? 0;
      if (rounds > 0) await calibrateWorld(kase, rounds);
    }
  }

  /** Before a case: when the site has shown noise since a calibration cut short as quiet, run what it owes (once, for every lane). */
  async function settleCalibration(): Promise<void> {
    if (shared.completing) return shared.completing;
    const owed = shared.owed;
    if (owed === undefined || isQuiet(shared.mask)) return;
    shared.owed = undefined;
    shared.completing = calibrateOwed(owed);
    try {
      await shared.completing;
    } finally {
      shared.completing = undefined;
    }
  }

  const runner: LiveRunner = {
    mode: 'live',
    async run(kase, runOptions) {
      await settleCalibration();
      const twin = twinOf(model, kase);
      const phase = runOptions?.phase ?? 'search';
      const [a, b] = await bothSides(
        () => runSide('a', kase.world, kase, phase),
        () => runSide('b', twin, kase, phase),
      );
      // Judge both sides on the prefix both completed.
      const cut = Math.min(a.trace.steps.length, b.trace.steps.length);
      a.trace.steps = a.trace.steps.slice(0, cut);
      b.trace.steps = b.trace.steps.slice(0, cut);
      const hiddenFrom = model.secrets[kase.secret]?.hiddenFrom ?? [];
      const run: TwinRun = { model, secret: { name: kase.secret, hiddenFrom, variation: kase.variation }, a: a.trace, b: b.trace };
      const setupFailed = a.setupFailed ?? b.setupFailed;
      if (setupFailed !== undefined) {
        run.unjudged = `${a.setupFailed !== undefined ? 'world A' : 'world B'}: ${setupFailed}`;
        return run;
      }
      if (runOptions?.timing === true && a.failedAt === null && b.failedAt === null) {
        try {
          const sample = await sampler.sampleRun(kase, run);
          if (sample) run.timing = sample;
        } catch (error) {
          // A transport failure or a spent budget while sampling: no timing for this case, never a finding.
          if (isBookfuzzError(error) && error.code === 'BF_TRANSPORT') record(error);
          else if (isBookfuzzError(error) && error.code === 'BF_BUDGET_EXHAUSTED') budgetSpent();
          else throw error;
        }
      }
      return run;
    },
    async calibrate(cases) {
      // Lanes of one run share what was learned: the first lane calibrates, the others take it.
      if (shared.calibrated) return;
      shared.calibrated = true;
      const rounds = cases.map(() => calibrationRounds);
      // First the quiet check: a few rounds of the first worlds. Any noise: the full calibration.
      for (const [world, planned] of quietRounds.entries()) {
        const kase = cases[world];
        if (kase === undefined || halted) break;
        await calibrateWorld(kase, planned);
        rounds[world] = Math.max(0, calibrationRounds - planned);
      }
      if (isQuiet(shared.mask)) {
        shared.owed = { cases, rounds };
        return;
      }
      await calibrateOwed({ cases, rounds });
    },
    learn(run) {
      learnSteps([run.a.steps, run.b.steps]);
    },
    problems: () => [...problems.values()],
    requestsSent: () => meter.total(),
    requestsByPhase: () => meter.byPhase(),
    actionStats: () => tally.actions(),
    stepTotals: () => tally.totals(),

  };
  return runner;
}

/** No noise learned yet, or a mask that masks nothing: the runs it was learned from did not differ. */
function isQuiet(mask: NoiseMask | undefined): boolean {
  return mask === undefined || (mask.entries.length === 0 && (mask.texts?.length ?? 0) === 0 && (mask.templates?.length ?? 0) === 0);
}

import { isAbsolute, relative } from 'node:path';
import * as fc from 'fast-check';
import { BookfuzzError, isBookfuzzError } from '../errors.js';
import type { Model } from '../model/model.js';
import { resolveFlaws, type FlawChoice } from '../model/resolve-flaws.js';
import type { Oracle, Violation } from '../oracles/oracle.js';
import { twinCaseArbitrary, type TwinCase } from '../world/twin-case.js';
import type { EngineListener } from './events.js';
import { buildFinding, channelKey, dedupKey, isExcluded, type Finding } from './finding.js';
import {
  findingKey,
  mergeFindings,
  idleLanesNote,
  planSize,
  resultTally,
  concurrentExecutor,
  sequentialExecutor,
  type ChunkExecutor,
  type ChunkPlan,
  type ChunkResult,
  type ChunkTask,
  type Shard,
} from './chunks.js';
import type { RequestPhase, RunDocument } from './run-document.js';
import { deriveSeed, randomSeed } from './seeds.js';
import { workerExecutor } from './worker-executor.js';
import type { TwinRun } from '../oracles/oracle.js';
import { runTwin } from './twin-run.js';

export interface CheckOptions extends FlawChoice {
  /** Live mode: most requests the shrinking of one finding may send (past it, the smallest failure so far is kept). */
  shrinkRequests?: number;
  /** Values never shown or saved in a finding, wherever they occur (the run's seed token, credentials given on the command line). */
  secretValues?: readonly string[];
  /** Generated cases per oracle (default 300). */
  runs?: number;
  /** Run seed (default: random, printed in the document). */
  seed?: number;
  /** Oracles to apply (default: every oracle that applies to the model). */
  oracles?: readonly string[];
  /** Distinct findings to look for per oracle before moving on (default 8). */
  maxFindingsPerOracle?: number;
  onEvent?: EngineListener;
  /** Stops the run early (Ctrl-C): what was found so far is kept and the status is `interrupted`. */
  signal?: AbortSignal;
  /** Where cases run: the model's simulator (default) or a live target. */
  runner?: CaseRunner;
  /** Live mode with several workers: one runner (one site) per worker; `workers` is their number. */
  runners?: readonly CaseRunner[];
  /** Re-runs a finding must survive before it is reported (default 0: the simulator is deterministic). */
  confirmations?: number;
  /** Ends the search early without calling the run interrupted (a spent request budget). */
  until?: AbortSignal;
  /** Name the variant and flaws of a live target instead of resolving them from the model. */
  describe?: { variant: string; flaws: string[] };
  /** Notes to add to the document at the end (transport errors, budget), read when the run ends. */
  notes?: () => string[];
  /** Run only this deterministic slice of the chunks (`--shard i/n`). */
  shard?: Shard;
  /** How chunks run: one after the other (default), concurrently, or on worker threads. */
  executor?: ChunkExecutor;
  /** Parallel workers: worker threads in model mode, concurrent chunks in live mode. Same results for any number. */
  workers?: number;
}

/** Runs a twin case somewhere (the model's simulator, a live site) and returns both traces. */
export interface CaseRunner {
  mode: 'model' | 'live';
  run(kase: TwinCase, options?: RunOptions): TwinRun | Promise<TwinRun>;
  /** In-process runners also run synchronously: fast-check then skips a promise per case. */
  runSync?(kase: TwinCase, options?: RunOptions): TwinRun;
  /** Learn what varies between runs of the same world (live mode), before any judging. */
  calibrate?(cases: readonly TwinCase[]): Promise<void>;
  /**
   * Learn as noise whatever differs between the two sides of `run`, a run of ONE world on both sides
   * (a confirmation's A and A again): from then on it is masked in every observation.
   */
  learn?(run: TwinRun): void;
  /** Live runners: requests sent so far by this runner (set-up, steps, cleanup, timing samples). */
  requestsSent?(): number;
}

export interface RunOptions {
  /** Take a world snapshot before every step (only oracles that read `before` need it). Default true. */
  snapshots?: boolean;
  /** Why the engine runs this case (live runners count the requests it costs under this phase). Default `search`. */
  phase?: RequestPhase;
  /** Measure response times for the `timing` oracle (live runners; the simulator ignores it). Default false. */
  timing?: boolean;
}

/** The in-process runner: the model's simulator with the given flaws. */
export function simulatorRunner(model: Model, flaws: ReadonlySet<string>): CaseRunner {
  const runSync = (kase: TwinCase, options?: RunOptions) => runTwin(model, kase, flaws, options?.snapshots ?? true);
  return { mode: 'model', run: runSync, runSync };
}

export const defaultRuns = 300;

/** Worlds run before judging, each several times, so a live runner learns what varies anyway. */
const calibrationCases = 4;

/**
 * Check a model in process: for every oracle, generate twin cases, run them through the
 * simulator, shrink any failure to a minimal counterexample, and collect distinct findings.
 */
export async function checkModel(
  model: Model,
  availableOracles: readonly Oracle[],
  options: CheckOptions = {},
): Promise<RunDocument> {
  const started = performance.now();
  const { variant, flaws } = options.describe ?? resolveFlaws(model, options);
  const flawSet = new Set(flaws);
  const runs = options.runs ?? defaultRuns;
  const seed = options.seed ?? randomSeed();
  const selected = selectOracles(model, availableOracles, options.oracles, (options.runners?.[0] ?? options.runner)?.mode ?? 'model');
  const emit = options.onEvent ?? (() => {});
  emit({ type: 'run-started', model: model.name, variant, oracles: selected.map((o) => o.id), runs, seed });

  const arbitrary = twinCaseArbitrary(model);
  if (model.liveOnly !== undefined && options.runner === undefined && options.runners === undefined) {
    throw new BookfuzzError('BF_USAGE', model.liveOnly, { where: model.source ?? `model ${model.name}` });
  }
  const runners = options.runners ?? [options.runner ?? simulatorRunner(model, flawSet)];
  const runner = runners[0] ?? simulatorRunner(model, flawSet);
  const requestsSent = (): number | undefined => (runners.some((r) => r.requestsSent) ? runners.reduce((sum, r) => sum + (r.requestsSent?.() ?? 0), 0) : undefined);
  let phase: RequestPhase | 'done' | undefined;
  const enter = (next: RequestPhase | 'done') => {
    if (next === phase) return;
    phase = next;
    const requests = requestsSent();
    emit({ type: 'phase', phase: next, ...(requests !== undefined ? { requests } : {}) });
  };
  const calibration = fc.sample(arbitrary, { seed: deriveSeed(seed, 'calibration'), numRuns: calibrationCases });
  if (runners.some((r) => r.calibrate)) enter('calibration');
  for (const r of runners) if (r.calibrate) await r.calibrate(calibration);
  const signal = anySignal(options.signal, options.until);
  const progress = { cases: 0 };
  const context: ChunkContext = {
    model,
    variant,
    flaws,
    seed,
    runs,
    arbitrary,
    runner,
    confirmations: options.confirmations ?? 0,
    maxFindings: options.maxFindingsPerOracle ?? 8,
    signal,
    onCase: (oracle) => {
      if (++progress.cases % 50 !== 0) return;
      const requests = requestsSent();
      emit({ type: 'case-finished', oracle, cases: progress.cases, ...(requests !== undefined ? { requests } : {}) });
    },
    onFinding: (finding) => announce(finding),
    ...(options.secretValues ? { secretValues: options.secretValues } : {}),
    progressNow: () => {
      const requests = requestsSent();
      return { ms: Math.round(performance.now() - started), cases: progress.cases, ...(requests !== undefined ? { requests } : {}) };
    },
    onPhase: enter,
    ...(options.shrinkRequests !== undefined ? { shrinkRequests: options.shrinkRequests } : {}),
  };
  // The search space is cut into fixed chunks (oracle × slice of runs) so that results are the
  // same however the chunks are spread over workers or shards: each chunk searches on its own,
  // and findings are merged in chunk order, the first of each dedup key kept. The chunks are
  // planned lazily and their results tallied as they come, so memory stays flat in the run's
  // length (`runs` may be `endlessRuns`: until stopped).
  const plan: ChunkPlan = { oracles: selected.map((o) => o.id), runs, shard: options.shard };
  const emitted = new Set<string>();
  /**
   * Tell listeners of a finding once per key, as soon as it is known (a long run must not hide it
   * until its chunk ends), and once more when its shrinking ended (live mode announces it confirmed
   * but not yet shrunk first).
   */
  function announce(finding: Finding): void {
    const key = `${findingKey(finding)}\u0000${finding.found?.shrunk === false ? 'first' : 'shrunk'}`;
    if (emitted.has(key)) return;
    emitted.add(key);
    emit({ type: 'finding', finding, cases: progress.cases });
  }
  // Chunks searched in this thread report each case as it runs (`onCase`); a worker thread's
  // chunk is counted when its result arrives.
  const searchedHere = new Set<number>();
  const tally = resultTally();
  await chooseExecutor(options, runner, context)(plan, (task, lane) => {
    const oracle = selected.find((o) => o.id === task.oracle);
    if (!oracle) throw new Error(`unknown oracle ${task.oracle}`);
    searchedHere.add(task.index);
    return searchChunk({ ...context, runner: runners[lane] ?? runner }, oracle, task);
  }, (result) => {
    if (!searchedHere.delete(result.task.index)) {
      progress.cases += result.cases;
      emit({ type: 'case-finished', oracle: result.task.oracle, cases: progress.cases });
    }
    for (const finding of result.findings) announce(finding);
    tally.add(result);
  }, signal);
  const results = tally.results();
  enter('done');
  const findings = mergeFindings(results.flatMap((r) => r.findings));
  const stats = results.reduce(
    (sum, r) => ({
      cases: sum.cases + r.cases,
      steps: sum.steps + r.steps,
      unconfirmed: sum.unconfirmed + r.unconfirmed,
      noise: sum.noise + (r.noise ?? 0),
      unjudged: sum.unjudged + (r.unjudged ?? 0),
    }),
    { cases: 0, steps: 0, unconfirmed: 0, noise: 0, unjudged: 0 },
  );
  const unjudgedReason = results.map((r) => r.unjudgedReason).find((reason) => reason !== undefined);
  const document: RunDocument = {
    version: 1,
    tool: 'bookfuzz',
    mode: runner.mode,
    model: model.name,
    variant,
    flaws,
    oracles: selected.map((o) => o.id),
    runs,
    seed,
    status: options.signal?.aborted ? 'interrupted' : findings.length > 0 ? 'failed' : 'passed',
    stats: { cases: stats.cases, steps: stats.steps, durationMs: Math.round(performance.now() - started) },
    findings,
  };
  // Nothing passes silently: a run with no oracle to apply judged nothing.
  if (selected.length === 0 && document.status === 'passed') {
    document.status = 'inconclusive';
    document.reason = 'no oracle applies to this model (it declares no secret, no policy, no record view and no step that ends a session): nothing was judged';
  }
  // Nothing passes silently: a run that could not set most of its worlds up tested little.
  if (stats.unjudged > 0 && document.status !== 'interrupted') {
    const what = `set-up failed for ${stats.unjudged} of ${stats.cases} cases (last: ${unjudgedReason ?? 'no reason given'})`;
    if (2 * stats.unjudged > stats.cases) {
      document.status = 'inconclusive';
      document.reason = `${what}: those cases were not judged`;
    }
  }
  if (model.source) document.modelFile = model.source;
  if (options.shard) document.shard = `${options.shard.index}/${options.shard.count}`;
  const notes = [...(options.notes?.() ?? [])];
  // Nothing passes silently: an oracle that has nothing to judge in a flow spec says so (a spec
  // user may have forgotten `secrets` or `recordView`; a TypeScript model chose its oracles).
  if (options.oracles === undefined && model.shows !== undefined) {
    for (const oracle of availableOracles) {
      if (oracle.appliesTo(model) || oracle.liveOptIn === true) continue;
      notes.push(`${oracle.id} does not apply to this model${oracle.needs !== undefined ? ` (it needs ${oracle.needs})` : ''}: no cases were spent on it`);
    }
  }
  const idle = idleLanesNote(laneCount(options, runner), selected.length, planSize(plan), options.shard);
  if (idle !== undefined) notes.push(idle);
  if (stats.noise > 0) {
    notes.push(`${stats.noise} failing case(s) were noise (the difference also showed between two runs of the same world, or did not show again): learned and masked, not reported`);
  }
  if (stats.unjudged > 0) notes.push(`set-up failed for ${stats.unjudged} of ${stats.cases} cases, which were not judged (last: ${unjudgedReason ?? 'no reason given'})`);
  if (stats.unconfirmed > 0) {
    notes.push(`${stats.unconfirmed} candidate finding(s) did not reproduce on every re-run, or differed between two runs of the same world too, and were not reported`);
  }
  if (notes.length > 0) document.notes = notes;
  emit({ type: 'run-finished', document });
  return document;
}

interface SearchOptions {
  seed: number;
  runs: number;
  excluded: ReadonlySet<string>;
  path?: string;
  onCase?: (steps: number) => void;
  /** A failing case turned out (partly) to be noise: its differences showed between two runs of one world too. */
  onNoise?: () => void;
  /** A case could not be judged (its set-up failed), and why. */
  onUnjudged?: (reason: string) => void;
  /**
   * Live mode: confirm a candidate the moment it is found, before shrinking it (true: confirmed and
   * announced, shrink it now; false: rejected as noise, search on). Without it the shrunk case is
   * confirmed afterwards.
   */
  confirmCandidate?: (candidate: Found) => Promise<boolean>;
  /** The engine's phase changed (for counting requests and for progress). */
  onPhase?: (phase: RequestPhase) => void;
  /** Live mode: most requests one shrink may send (past it the smallest failure so far is kept). */
  shrinkRequests?: number;
  signal?: AbortSignal | undefined;
}

/**
 * Shrink candidates a live failure may try (each a live run of both sides) when its oracle sets no
 * budget of its own: past it, the smallest failure found so far is kept (single steps are still
 * dropped one by one afterwards).
 */
const defaultLiveShrinkBudget = 60;

/** How many cases run between two turns of the event loop (so Ctrl-C is heard). */
const casesPerTurn = 64;

interface Found {
  oracle: Oracle;
  kase: TwinCase;
  run: ReturnType<typeof runTwin>;
  violation: Violation;
  path: string;
}

/** One fast-check search for a violation of `oracle` not yet in `excluded`; shrunk when found. */
export async function searchOnce(
  model: Model,
  oracle: Oracle,
  arbitrary: fc.Arbitrary<TwinCase>,
  runner: CaseRunner,
  options: SearchOptions,
): Promise<Found | 'flaky' | null> {
  const runOptions: RunOptions = { snapshots: oracle.usesWorld, timing: oracle.usesTiming === true };
  // A case whose set-up failed has nothing to judge: no oracle is asked about it.
  const judge = (run: TwinRun) => ({ run, violations: run.unjudged !== undefined ? [] : oracle.check(run).filter((v) => !isExcluded(options.excluded, v)) });
  let phase: RequestPhase | undefined;
  const enter = (next: RequestPhase) => {
    if (next === phase) return;
    phase = next;
    options.onPhase?.(next);
  };
  const fresh = async (kase: TwinCase, why: RequestPhase = 'search') => {
    enter(why);
    return judge(await runner.run(kase, { ...runOptions, phase: why }));
  };
  let thrown: unknown;
  const remember = (error: unknown): never => {
    thrown ??= error;
    throw error;
  };
  const parameters = { seed: options.seed, numRuns: options.runs, ...(options.path !== undefined ? { path: options.path } : {}) };
  let details: fc.RunDetails<[TwinCase]>;
  const runSync = runner.runSync;
  // Live: once a case has failed, shrinking looks only for that failure, not any other.
  let target: string | undefined;
  if (runSync) {
    // In process: a plain property (no promise per case); Ctrl-C is heard between chunks.
    details = fc.check(
      fc.property(arbitrary, (kase) => {
        if (options.signal?.aborted) throw new fc.PreconditionFailure(true);
        options.onCase?.(kase.steps.length);
        try {
          return judge(runSync(kase, runOptions)).violations.length === 0;
        } catch (error) {
          return remember(error);
        }
      }),
      parameters,
    );
  } else {
    let sinceTurn = 0;
    // Shrinking a live failure costs a live run per candidate: past the oracle's budget every
    // further candidate counts as passing, so fast-check keeps the smallest failure found so far.
    const shrinkBudget = runner.mode === 'live' ? (oracle.liveShrinkBudget ?? defaultLiveShrinkBudget) : Number.POSITIVE_INFINITY;
    let shrinkTries = 0;
    // And past a number of requests (a fraction of the run's budget), whichever comes first.
    let shrinkStart = 0;
    const requestsSpent = () => (runner.requestsSent?.() ?? 0) - shrinkStart;
    details = await fc.check(
      fc.asyncProperty(arbitrary, async (kase) => {
        if (++sinceTurn >= casesPerTurn) {
          sinceTurn = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
        // Interrupted: tell fast-check to stop now (this also ends shrinking where it is).
        if (options.signal?.aborted) throw new fc.PreconditionFailure(true);
        if (target !== undefined && ++shrinkTries > shrinkBudget) return true;
        if (target !== undefined && options.shrinkRequests !== undefined && requestsSpent() > options.shrinkRequests) return true;
        options.onCase?.(kase.steps.length);
        try {
          const { run, violations } = await fresh(kase, target === undefined ? 'search' : 'shrinking');
          if (target !== undefined) return !violations.some((v) => dedupKey(v) === target);
          if (run.unjudged !== undefined) {
            options.onUnjudged?.(run.unjudged);
            return true;
          }
          const candidate = await firstReal(runner, oracle, kase, run, violations, (k) => fresh(k, 'noise-check'), enter, options.confirmCandidate !== undefined);
          if (candidate === undefined) {
            if (violations.length > 0) options.onNoise?.();
            return true;
          }
          if (options.confirmCandidate) {
            enter('confirmation');
            const confirmed = await options.confirmCandidate({ oracle, kase, run, violation: candidate, path: '' });
            // Rejected: its keys are excluded now, and the search goes on past it.
            if (!confirmed) return true;
          }
          target = dedupKey(candidate);
          shrinkStart = runner.requestsSent?.() ?? 0;
          return false;
        } catch (error) {
          return remember(error);
        }
      }),
      parameters,
    );
  }
  if (!details.failed) return null;
  if (thrown !== undefined) {
    if (isBookfuzzError(thrown)) throw thrown;
    throw new BookfuzzError('BF_SIMULATOR_FAILED', `the oracle or simulator threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`, {
      where: `model ${model.name}, oracle ${oracle.id}`,
      cause: thrown,
    });
  }
  const shrunk = details.counterexample?.[0];
  if (!shrunk) return null;
  const shrunkViolations = (await fresh(shrunk, 'shrinking')).violations;
  const first = runSync ? shrunkViolations[0] : shrunkViolations.find((v) => dedupKey(v) === target);
  if (!first) {
    // A live site may fail once and not again (noise): that is not a finding.
    if (runner.mode === 'live') return 'flaky';
    throw new BookfuzzError('BF_MODEL_INVALID', 'a failing case did not fail again: the simulator is not deterministic', {
      where: `model ${model.name}, oracle ${oracle.id}`,
    });
  }
  const kase = await withoutNeedlessSteps(shrunk, async (candidate) =>
    (await fresh(candidate, 'shrinking')).violations.some((v) => dedupKey(v) === dedupKey(first)),
  );
  const { run, violations } = await fresh(kase, 'shrinking');
  const violation = violations.find((v) => dedupKey(v) === dedupKey(first)) ?? first;
  return { oracle, kase, run, violation, path: details.counterexamplePath ?? '' };
}

/**
 * The first violation of a failing live case that is not noise, before anything is shrunk. For
 * an oracle that compares the twins, world A is run on both sides once, up to the last step that
 * broke: whatever differs there too is noise the calibration missed, which the runner learns now.
 * Then the case runs once more and the violation must show again — unless a confirmation follows
 * at once (`confirmsNext`), whose first re-run is that same test. The timing oracle, which samples
 * anew each time and has a null test of its own, is taken as it is.
 */
async function firstReal(
  runner: CaseRunner,
  oracle: Oracle,
  kase: TwinCase,
  run: TwinRun,
  violations: readonly Violation[],
  fresh: (kase: TwinCase) => Promise<{ violations: Violation[] }>,
  enter: (phase: RequestPhase) => void,
  confirmsNext: boolean,
): Promise<Violation | undefined> {
  let real = violations;
  if (real.length > 0 && oracle.comparesTwins === true) {
    enter('noise-check');
    // What a step shows depends only on the steps before it: world A runs up to the last one that broke.
    const last = Math.max(...real.map((v) => v.step));
    const upTo = { ...sameWorld(kase), steps: kase.steps.slice(0, last + 1) };
    const same = { ...(await runner.run(upTo, { snapshots: oracle.usesWorld, timing: false, phase: 'noise-check' })), secret: run.secret };
    const noise = new Set(oracle.check(same).map(dedupKey));
    if (noise.size > 0) {
      runner.learn?.(same);
      real = real.filter((v) => !noise.has(dedupKey(v)));
    }
  }
  if (real.length === 0 || oracle.usesTiming === true || confirmsNext) return real[0];
  const again = new Set((await fresh(kase)).violations.map(dedupKey));
  return real.find((v) => again.has(dedupKey(v)));
}

/** What every chunk of a run shares. */
export interface ChunkContext {
  model: Model;
  variant: string;
  flaws: string[];
  seed: number;
  runs: number;
  arbitrary: fc.Arbitrary<TwinCase>;
  runner: CaseRunner;
  confirmations: number;
  maxFindings: number;
  signal: AbortSignal | undefined;
  onCase?: (oracle: string) => void;
  /** A finding confirmed in this thread, before its chunk ends. */
  onFinding?: (finding: Finding) => void;
  /** Values never shown or saved in a finding (the seed token). */
  secretValues?: readonly string[];
  /** Where the run is now (ms since it began, cases, live requests), stamped on each finding as `found`. */
  progressNow?: () => { ms: number; cases: number; requests?: number };
  /** The engine's phase changed. */
  onPhase?: (phase: RequestPhase) => void;
  /** Live mode: most requests one shrink may send. */
  shrinkRequests?: number;
}

/**
 * Search one chunk: up to `maxFindings` distinct findings of one oracle within this chunk's
 * slice of runs, each shrunk, confirmed and built into a finding.
 */
export async function searchChunk(context: ChunkContext, oracle: Oracle, task: ChunkTask): Promise<ChunkResult> {
  const { model, runner } = context;
  const result: ChunkResult = { task, findings: [], cases: 0, steps: 0, unconfirmed: 0 };
  const excluded = new Set<string>();
  const build = (found: Found, seed: number, shrunk: boolean): Finding => {
    const finding = buildFinding({
      model: model.name,
      modelFile: portablePath(model.source),
      variant: context.variant,
      flaws: context.flaws,
      severity: oracle.severity,
      kase: found.kase,
      a: found.run.a,
      b: found.run.b,
      violation: found.violation,
      seed,
      path: found.path,
      excluded: [...excluded],
      chunk: task.index,
      key: dedupKey(found.violation),
      irreversibleActions: Object.entries(model.actions)
        .filter(([, action]) => action.irreversible === true)
        .map(([name]) => name),
      ...(context.secretValues ? { secretValues: context.secretValues } : {}),
    });
    const now = context.progressNow?.();
    if (now) finding.found = { ...now, shrunk };
    return finding;
  };
  /** Leave a confirmed leak out of the rest of the search: its key, the same answer's other fields, its channel. */
  const exclude = (found: Found, verdict: Verdict) => {
    // The other fields of the same answer that differ every time are this leak's symptoms, not
    // new leaks: one finding per leak.
    for (const key of [dedupKey(found.violation), ...verdict.sameAnswer]) excluded.add(key);
    if (oracle.comparesTwins === true) excluded.add(channelKey(dedupKey(found.violation)));
  };
  /** Rejected as noise: counted, and left out of the rest of the search with whatever else varied between A and A. */
  const reject = (verdict: Verdict) => {
    // Cut short by a stop, not rejected: nothing to count.
    if (context.signal?.aborted) return;
    result.unconfirmed++;
    for (const key of verdict.noise) excluded.add(key);
  };
  // A rejected candidate (noise) does not take a finding's place: the search goes on, up to as
  // many rejections again as findings are looked for.
  for (let attempt = 0; result.findings.length < context.maxFindings && result.unconfirmed <= 2 * context.maxFindings; attempt++) {
    if (context.signal?.aborted) break;
    const chunkSeed = deriveSeed(context.seed, `${oracle.id}#${task.chunk}#${attempt}`);
    // Live mode: a candidate is confirmed before it is shrunk, and announced at once (a long
    // shrink cannot lose it); the shrunk case is announced again once confirmed in its turn.
    let first: { found: Found; verdict: Verdict; finding: Finding } | undefined;
    const confirmCandidate =
      runner.mode === 'live' && context.confirmations > 0
        ? async (candidate: Found): Promise<boolean> => {
            const verdict = await confirm(runner, candidate, context.confirmations, context.signal);
            if (!verdict.confirmed) {
              reject(verdict);
              return false;
            }
            const finding = build(candidate, chunkSeed, false);
            first = { found: candidate, verdict, finding };
            context.onFinding?.(finding);
            return true;
          }
        : undefined;
    const found = await searchOnce(model, oracle, context.arbitrary, runner, {
      seed: chunkSeed,
      runs: task.runs,
      excluded,
      signal: context.signal,
      ...(confirmCandidate ? { confirmCandidate } : {}),
      ...(context.onPhase ? { onPhase: context.onPhase } : {}),
      ...(context.shrinkRequests !== undefined ? { shrinkRequests: context.shrinkRequests } : {}),
      onNoise: () => {
        result.noise = (result.noise ?? 0) + 1;
      },
      onUnjudged: (reason) => {
        result.unjudged = (result.unjudged ?? 0) + 1;
        result.unjudgedReason = reason;
      },
      onCase: (steps) => {
        result.cases++;
        result.steps += steps;
        context.onCase?.(oracle.id);
      },
    });
    // The case as confirmed before shrinking, when the shrunk one could not be confirmed in its turn.
    const keepFirst = (confirmed: { found: Found; verdict: Verdict; finding: Finding }) => {
      exclude(confirmed.found, confirmed.verdict);
      const finding = { ...confirmed.finding, ...(confirmed.finding.found ? { found: { ...confirmed.finding.found, shrunk: true } } : {}) };
      result.findings.push(finding);
      context.onFinding?.(finding);
    };
    if (!found) {
      if (first) keepFirst(first);
      break;
    }
    if (found === 'flaky') {
      if (first) keepFirst(first);
      else result.unconfirmed++;
      continue;
    }
    // The shrunk case: the full confirmation when nothing was confirmed before shrinking, else one
    // round (the same leak passed them all unshrunk).
    context.onPhase?.('confirmation');
    const verdict = await confirm(runner, found, first ? Math.min(1, context.confirmations) : context.confirmations, context.signal);
    if (!verdict.confirmed) {
      if (first) {
        keepFirst(first);
        continue;
      }
      // Did not reproduce every time, or showed up between two runs of one world: noise, not a
      // finding. Search on without it (and without whatever else varied between A and A).
      reject(verdict);
      continue;
    }
    const merged: Verdict = first ? { ...verdict, sameAnswer: [...new Set([...verdict.sameAnswer, ...first.verdict.sameAnswer])] } : verdict;
    const finding = build(found, chunkSeed, true);
    // The same finding as announced before shrinking: same id, so it is saved over the first file.
    if (first) finding.id = first.finding.id;
    exclude(found, merged);
    result.findings.push(finding);
    context.onFinding?.(finding);
  }
  return result;
}

/** What the re-runs of a candidate said. */
interface Verdict {
  confirmed: boolean;
  /** Rejected: dedup keys to leave out of the rest of the search (the candidate's, and what else varied between A and A). */
  noise: string[];
  /** Confirmed: keys of other fields of the same step that also differed between A and B every time and never between A and A. */
  sameAnswer: string[];
}

/**
 * A candidate is reported only if every re-run shows the same problem again. For an oracle that
 * compares the twins, each re-run is world A, world B and world A again: the difference must
 * appear between A and B at the same field every time and never between A and A (else it is
 * noise the calibration did not learn, which the runner learns now). In model mode there are no
 * re-runs: the simulator is deterministic.
 */
async function confirm(runner: CaseRunner, found: Found, times: number, signal?: AbortSignal): Promise<Verdict> {
  const key = dedupKey(found.violation);
  const options: RunOptions = { snapshots: found.oracle.usesWorld, timing: found.oracle.usesTiming === true, phase: 'confirmation' };
  // What a step shows depends only on the steps before it: the re-runs stop at the step that broke.
  const kase = { ...found.kase, steps: found.kase.steps.slice(0, found.violation.step + 1) };
  const stepKeys = (run: TwinRun): Set<string> =>
    new Set(found.oracle.check(run).filter((v) => v.step === found.violation.step).map(dedupKey));
  let stable = stepKeys(found.run);
  const noise = new Set<string>();
  // A re-run whose comparison stopped before the candidate's step (an earlier step parted, by
  // noise) is no evidence either way: it is run again, at most `times` times in all.
  const reached = (run: TwinRun) => found.oracle.reaches?.(run, found.violation.step) ?? true;
  let inconclusive = 0;
  let done = 0;
  while (done < times) {
    // Stopped (Ctrl-C, --duration, a spent budget): an unconfirmed candidate is not reported.
    if (signal?.aborted) return { confirmed: false, noise: [], sameAnswer: [] };
    const run = await runner.run(kase, options);
    const keys = found.oracle.comparesTwins === true ? stepKeys(run) : new Set(found.oracle.check(run).map(dedupKey));
    if (!keys.has(key)) {
      if (!reached(run) && inconclusive++ < times) continue;
      return { confirmed: false, noise: [key], sameAnswer: [] };
    }
    stable = new Set([...stable].filter((k) => keys.has(k)));
    if (found.oracle.comparesTwins === true) {
      // World A on both sides, judged as if the secret had been varied.
      const same = { ...(await runner.run(sameWorld(kase), options)), secret: run.secret };
      if (!reached(same)) {
        // The two runs of A parted before the step: whether the field varies there too is unknown.
        runner.learn?.(same);
        if (inconclusive++ < times) continue;
        return { confirmed: false, noise: [], sameAnswer: [] };
      }
      const varied = found.oracle.check(same).map(dedupKey);
      if (varied.length > 0) runner.learn?.(same);
      for (const k of varied) noise.add(k);
      if (noise.has(key)) return { confirmed: false, noise: [key, ...noise], sameAnswer: [] };
    }
    done++;
  }
  return { confirmed: true, noise: [], sameAnswer: [...stable].filter((k) => k !== key && !noise.has(k)) };
}

/** The case with nothing varied: both sides run world A. */
function sameWorld(kase: TwinCase): TwinCase {
  return { ...kase, secret: '', variation: null };
}

/**
 * fast-check's array shrinker does not try every single-step removal, so a shrunk step list can
 * keep a step that plays no part. Drop steps one at a time while the same problem remains, until
 * no single step can be removed: the counterexample is then minimal in that sense. Deterministic,
 * so replaying seed and path and applying this again gives the same case.
 */
export async function withoutNeedlessSteps(kase: TwinCase, stillFails: (kase: TwinCase) => Promise<boolean>): Promise<TwinCase> {
  let current = kase;
  for (let i = current.steps.length - 1; i >= 0 && current.steps.length > 1; i--) {
    const candidate = { ...current, steps: current.steps.filter((_, j) => j !== i) };
    if (await stillFails(candidate)) {
      current = candidate;
      i = current.steps.length;
    }
  }
  return current;
}

/** A model file as findings store it: relative to the working folder when inside it, so corpora move with the repository. */
function portablePath(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const local = relative(process.cwd(), file);
  return local && !local.startsWith('..') && !isAbsolute(local) ? local : file;
}

/**
 * How many lanes search at once: one per runner given, else one per worker thread (model mode),
 * else one. A live run searches only on the runners it was given (one lane each).
 */
function laneCount(options: CheckOptions, runner: CaseRunner): number {
  if (options.runners && options.runners.length > 1) return options.runners.length;
  if (runner.mode === 'live') return 1;
  return Math.max(1, options.workers ?? 1);
}

function chooseExecutor(options: CheckOptions, runner: CaseRunner, context: ChunkContext): ChunkExecutor {
  if (options.executor) return options.executor;
  const lanes = laneCount(options, runner);
  if (options.runners && options.runners.length > 1) return concurrentExecutor(lanes);
  if (lanes <= 1) return sequentialExecutor;
  const model = context.model.source ?? context.model.name;
  return workerExecutor(
    lanes,
    {
      model,
      cwd: process.cwd(),
      variant: context.variant,
      flaws: context.flaws,
      seed: context.seed,
      runs: context.runs,
      confirmations: context.confirmations,
      maxFindings: context.maxFindings,
    },
    context.signal,
  );
}

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

function selectOracles(model: Model, available: readonly Oracle[], ids: readonly string[] | undefined, mode: 'model' | 'live'): Oracle[] {
  // Oracles that cost requests in live mode (timing) run there only when asked for by name.
  if (ids === undefined) return available.filter((o) => o.appliesTo(model) && !(mode === 'live' && o.liveOptIn === true));
  return ids.map((id) => {
    const oracle = available.find((o) => o.id === id);
    if (!oracle) {
      throw new BookfuzzError('BF_ORACLE_UNKNOWN', `no oracle "${id}" (oracles: ${available.map((o) => o.id).join(', ')})`);
    }
    return oracle;
  });
}

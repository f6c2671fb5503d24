import { isAbsolute, relative } from 'node:path';
import * as fc from 'fast-check';
import { BookfuzzError, isBookfuzzError } from '../errors.js';
import type { Model } from '../model/model.js';
import { resolveFlaws, type FlawChoice } from '../model/resolve-flaws.js';
import type { Oracle, Violation } from '../oracles/oracle.js';
import { twinCaseArbitrary, type TwinCase } from '../world/twin-case.js';
import type { EngineListener } from './events.js';
import { buildFinding, dedupKey, type Finding } from './finding.js';
import type { RunDocument } from './run-document.js';
import { deriveSeed, randomSeed } from './seeds.js';
import type { TwinRun } from '../oracles/oracle.js';
import { runTwin } from './twin-run.js';

export interface CheckOptions extends FlawChoice {
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
  /** Re-runs a finding must survive before it is reported (default 0: the simulator is deterministic). */
  confirmations?: number;
  /** Ends the search early without calling the run interrupted (a spent request budget). */
  until?: AbortSignal;
  /** Name the variant and flaws of a live target instead of resolving them from the model. */
  describe?: { variant: string; flaws: string[] };
  /** Notes to add to the document at the end (transport errors, budget), read when the run ends. */
  notes?: () => string[];
}

/** Runs a twin case somewhere (the model's simulator, a live site) and returns both traces. */
export interface CaseRunner {
  mode: 'model' | 'live';
  run(kase: TwinCase): TwinRun | Promise<TwinRun>;
  /** Learn what varies between runs of the same world (live mode), before any judging. */
  calibrate?(cases: readonly TwinCase[]): Promise<void>;
}

/** The in-process runner: the model's simulator with the given flaws. */
export function simulatorRunner(model: Model, flaws: ReadonlySet<string>): CaseRunner {
  return { mode: 'model', run: (kase) => runTwin(model, kase, flaws) };
}

export const defaultRuns = 300;

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
  const selected = selectOracles(model, availableOracles, options.oracles);
  const emit = options.onEvent ?? (() => {});
  emit({ type: 'run-started', model: model.name, variant, oracles: selected.map((o) => o.id), runs, seed });

  const stats = { cases: 0, steps: 0, unconfirmed: 0 };
  const findings: Finding[] = [];
  const arbitrary = twinCaseArbitrary(model);
  const runner = options.runner ?? simulatorRunner(model, flawSet);
  if (runner.calibrate) await runner.calibrate(fc.sample(arbitrary, { seed: deriveSeed(seed, 'calibration'), numRuns: 3 }));
  const stopped = () => options.signal?.aborted === true || options.until?.aborted === true;
  for (const oracle of selected) {
    if (stopped()) break;
    const excluded = new Set<string>();
    for (let attempt = 0; attempt < (options.maxFindingsPerOracle ?? 8); attempt++) {
      if (stopped()) break;
      const oracleSeed = deriveSeed(seed, `${oracle.id}#${attempt}`);
      const found = await searchOnce(model, oracle, arbitrary, runner, {
        seed: oracleSeed,
        runs,
        excluded,
        signal: anySignal(options.signal, options.until),
        onCase: (steps) => {
          stats.cases++;
          stats.steps += steps;
          if (stats.cases % 50 === 0) emit({ type: 'case-finished', oracle: oracle.id, cases: stats.cases });
        },
      });
      if (!found) break;
      if (!(await confirmed(runner, found, options.confirmations ?? 0))) {
        // Did not reproduce every time: noise, not a finding. Search on without it.
        stats.unconfirmed++;
        excluded.add(dedupKey(found.violation));
        continue;
      }
      const finding = buildFinding({
        model: model.name,
        modelFile: portablePath(model.source),
        variant,
        flaws,
        severity: oracle.severity,
        kase: found.kase,
        a: found.run.a,
        b: found.run.b,
        violation: found.violation,
        seed: oracleSeed,
        path: found.path,
        excluded: [...excluded],
      });
      excluded.add(dedupKey(found.violation));
      findings.push(finding);
      emit({ type: 'finding', finding });
    }
  }
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
  if (model.source) document.modelFile = model.source;
  const notes = [...(options.notes?.() ?? [])];
  if (stats.unconfirmed > 0) notes.push(`${stats.unconfirmed} candidate finding(s) did not reproduce on every re-run and were not reported`);
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
  signal?: AbortSignal | undefined;
}

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
): Promise<Found | null> {
  const fresh = async (kase: TwinCase) => {
    const run = await runner.run(kase);
    const violations = oracle.check(run).filter((v) => !options.excluded.has(dedupKey(v)));
    return { run, violations };
  };
  let thrown: unknown;
  let sinceTurn = 0;
  const property = fc.asyncProperty(arbitrary, async (kase) => {
    if (++sinceTurn >= casesPerTurn) {
      sinceTurn = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Interrupted: tell fast-check to stop now (this also ends shrinking where it is).
    if (options.signal?.aborted) throw new fc.PreconditionFailure(true);
    options.onCase?.(kase.steps.length);
    try {
      return (await fresh(kase)).violations.length === 0;
    } catch (error) {
      thrown ??= error;
      throw error;
    }
  });
  const parameters: fc.Parameters<[TwinCase]> = { seed: options.seed, numRuns: options.runs };
  if (options.path !== undefined) parameters.path = options.path;
  const details = await fc.check(property, parameters);
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
  const first = (await fresh(shrunk)).violations[0];
  if (!first) {
    throw new BookfuzzError('BF_MODEL_INVALID', 'a failing case did not fail again: the simulator is not deterministic', {
      where: `model ${model.name}, oracle ${oracle.id}`,
    });
  }
  const kase = await withoutNeedlessSteps(shrunk, async (candidate) =>
    (await fresh(candidate)).violations.some((v) => dedupKey(v) === dedupKey(first)),
  );
  const { run, violations } = await fresh(kase);
  const violation = violations.find((v) => dedupKey(v) === dedupKey(first)) ?? first;
  return { oracle, kase, run, violation, path: details.counterexamplePath ?? '' };
}

/** A candidate is reported only if every re-run shows the same problem again. */
async function confirmed(runner: CaseRunner, found: Found, times: number): Promise<boolean> {
  const key = dedupKey(found.violation);
  for (let i = 0; i < times; i++) {
    const run = await runner.run(found.kase);
    if (!found.oracle.check(run).some((v) => dedupKey(v) === key)) return false;
  }
  return true;
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

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

function selectOracles(model: Model, available: readonly Oracle[], ids: readonly string[] | undefined): Oracle[] {
  if (ids === undefined) return available.filter((o) => o.appliesTo(model));
  return ids.map((id) => {
    const oracle = available.find((o) => o.id === id);
    if (!oracle) {
      throw new BookfuzzError('BF_ORACLE_UNKNOWN', `no oracle "${id}" (oracles: ${available.map((o) => o.id).join(', ')})`);
    }
    return oracle;
  });
}

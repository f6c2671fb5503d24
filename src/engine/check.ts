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
  const { variant, flaws } = resolveFlaws(model, options);
  const flawSet = new Set(flaws);
  const runs = options.runs ?? defaultRuns;
  const seed = options.seed ?? randomSeed();
  const selected = selectOracles(model, availableOracles, options.oracles);
  const emit = options.onEvent ?? (() => {});
  emit({ type: 'run-started', model: model.name, variant, oracles: selected.map((o) => o.id), runs, seed });

  const stats = { cases: 0, steps: 0 };
  const findings: Finding[] = [];
  const arbitrary = twinCaseArbitrary(model);
  for (const oracle of selected) {
    if (options.signal?.aborted) break;
    const excluded = new Set<string>();
    for (let attempt = 0; attempt < (options.maxFindingsPerOracle ?? 8); attempt++) {
      if (options.signal?.aborted) break;
      const oracleSeed = deriveSeed(seed, `${oracle.id}#${attempt}`);
      const found = await searchOnce(model, oracle, arbitrary, flawSet, {
        seed: oracleSeed,
        runs,
        excluded,
        signal: options.signal,
        onCase: (steps) => {
          stats.cases++;
          stats.steps += steps;
          if (stats.cases % 50 === 0) emit({ type: 'case-finished', oracle: oracle.id, cases: stats.cases });
        },
      });
      if (!found) break;
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
    mode: 'model',
    model: model.name,
    variant,
    flaws,
    oracles: selected.map((o) => o.id),
    runs,
    seed,
    status: options.signal?.aborted ? 'interrupted' : findings.length > 0 ? 'failed' : 'passed',
    stats: { ...stats, durationMs: Math.round(performance.now() - started) },
    findings,
  };
  if (model.source) document.modelFile = model.source;
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
  flaws: ReadonlySet<string>,
  options: SearchOptions,
): Promise<Found | null> {
  const fresh = (kase: TwinCase) => {
    const run = runTwin(model, kase, flaws);
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
      return fresh(kase).violations.length === 0;
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
  const first = fresh(shrunk).violations[0];
  if (!first) {
    throw new BookfuzzError('BF_MODEL_INVALID', 'a failing case did not fail again: the simulator is not deterministic', {
      where: `model ${model.name}, oracle ${oracle.id}`,
    });
  }
  const kase = withoutNeedlessSteps(shrunk, (candidate) => fresh(candidate).violations.some((v) => dedupKey(v) === dedupKey(first)));
  const { run, violations } = fresh(kase);
  const violation = violations.find((v) => dedupKey(v) === dedupKey(first)) ?? first;
  return { kase, run, violation, path: details.counterexamplePath ?? '' };
}

/**
 * fast-check's array shrinker does not try every single-step removal, so a shrunk step list can
 * keep a step that plays no part. Drop steps one at a time while the same problem remains, until
 * no single step can be removed: the counterexample is then minimal in that sense. Deterministic,
 * so replaying seed and path and applying this again gives the same case.
 */
export function withoutNeedlessSteps(kase: TwinCase, stillFails: (kase: TwinCase) => boolean): TwinCase {
  let current = kase;
  for (let i = current.steps.length - 1; i >= 0 && current.steps.length > 1; i--) {
    const candidate = { ...current, steps: current.steps.filter((_, j) => j !== i) };
    if (stillFails(candidate)) {
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

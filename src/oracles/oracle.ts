import type { Json, JsonObject } from '../model/json.js';
import type { Model } from '../model/model.js';
import type { Trace } from '../model/trace.js';

/** Which of the twin runs a violation was seen in. */
export type TraceSide = 'a' | 'b';

/** The twin pair an oracle judges: world `b` is world `a` with one secret varied. */
export interface TwinRun {
  model: Model;
  secret: { name: string; hiddenFrom: readonly string[]; variation: Json };
  a: Trace;
  b: Trace;
  /** Live mode, when the `timing` oracle asked for it: response times of one step, measured apart from the traces. */
  timing?: TimingSample;
  /**
   * Live mode: why this case could not be judged (the site did not accept the set-up of one
   * side's world). Oracles are not asked; the run counts it and says so.
   */
  unjudged?: string;
}

/**
 * Response times (ms) of step `step` of a twin case, each measured on a fresh run of the prefix:
 * `a` in world A, `b` in world B, interleaved in random order; `nullA`/`nullB` are the null test,
 * two classes drawn from world A alone (empty when it was not needed). Raw, before cropping.
 */
export interface TimingSample {
  step: number;
  a: number[];
  b: number[];
  nullA: number[];
  nullB: number[];
  /** |t| above which the classes are said to differ (`--timing-threshold`). */
  threshold: number;
  /** Upper quantile kept when cropping (pooled over both classes). */
  cropQuantile: number;
  /** Differences of medians smaller than this (ms) are of no interest: `no evidence` when the CI lies inside ±this. */
  minEffectMs: number;
}

/** One broken property, located precisely. */
export interface Violation {
  oracle: string;
  /** Deduplication key: two violations with the same key are the same problem. */
  key: string;
  message: string;
  side: TraceSide;
  /** Index of the step (0-based) where the property broke. */
  step: number;
  /** Path of the field that shows it (in the observation, or `changes[0]`, `audit`). */
  field: string;
  /** Model mode: planted flaws whose code path the offending step took. */
  flaws?: string[];
  details?: JsonObject;
}

export type Severity = 'high' | 'medium' | 'low';

/** A pure judge over a twin run: no I/O, no clock, no randomness. */
export interface Oracle {
  /** Same string as the file name, the CLI, findings, SARIF ruleId and JUnit test name. */
  id: string;
  title: string;
  severity: Severity;
  scope: 'step' | 'run';
  /** What it checks and how to fix what it finds; used as SARIF help text. */
  help: string;
  /** Whether it reads `TraceStep.before` (the server-side world before each step); when false the engine skips the per-step snapshots. */
  usesWorld: boolean;
  /** Whether it judges response times (`TwinRun.timing`): live runners then measure them. Default false. */
  usesTiming?: boolean;
  /**
   * Live mode: shrink candidates tried at most once a case has failed, each costing a live run
   * (the timing oracle samples response times anew for every one); shrinking then stops at the
   * smallest failure found so far. Default: no limit.
   */
  liveShrinkBudget?: number;
  /**
   * Whether it compares the twins with each other (a difference between world A and world B), rather
   * than judging each side on its own. A live candidate of such an oracle is confirmed only when the
   * difference appears between A and B on every re-run and never between A and a second run of A.
   * Default false.
   */
  comparesTwins?: boolean;
  /**
   * For an oracle that compares the twins and stops comparing where they may rightly part: whether
   * its comparison of `run` reached step `step` (0-based). A confirmation re-run that did not reach
   * the step of the candidate (an earlier step parted, by noise the calibration missed) says
   * nothing about it either way, and is run again. Default: always reached.
   */
  reaches?(run: TwinRun, step: number): boolean;
  /** Costs extra requests in live mode: run there only when named in `--oracles`. Default false. */
  liveOptIn?: boolean;
  /** Whether the model declares what this oracle needs (a policy part, a secret). */
  appliesTo(model: Model): boolean;
  /** What it needs, in words, for the note when it does not apply: `record views (a spec's recordView)`. */
  needs?: string;
  check(run: TwinRun): Violation[];
}

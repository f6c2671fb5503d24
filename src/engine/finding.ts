import { createHash } from 'node:crypto';
import { BookfuzzError } from '../errors.js';
import type { Json, JsonObject } from '../model/json.js';
import type { Step } from '../model/model.js';
import { differences, valueAt } from '../observe/first-difference.js';
import type { Severity, Violation } from '../oracles/oracle.js';
import { redactFinding } from './redact-finding.js';
import type { Trace } from '../model/trace.js';
import type { TwinCase } from '../world/twin-case.js';

export interface FindingStep extends Step {
  /** What the actor actually typed or sent (resolved from the world). */
  typed?: Record<string, string>;
}

/** A minimal counterexample, saved in the corpus and replayed as a regression. */
export interface Finding {
  id: string;
  model: string;
  /** The model's entry file when it was loaded from a path (replay loads it from there). */
  modelFile?: string;
  variant: string;
  /** Flaws switched on in the run that found it. */
  flaws: string[];
  oracle: string;
  severity: Severity;
  /** Model mode: the planted flaw(s) whose code path the counterexample took. */
  flaw?: string;
  message: string;
  secret: { name: string; variation: Json };
  steps: FindingStep[];
  observations: { a: JsonObject[]; b: JsonObject[] };
  /**
   * What the oracle measured or matched, as it reported it: for a timing leak the median
   * difference, its 95% interval, t, degrees of freedom and samples per class; for a leaked
   * canary its owner and field. Absent when the oracle gives nothing beyond the message.
   */
  evidence?: JsonObject;
  /** Where the property broke: step (1-based) and field, with the value on each side. */
  firstDifference: { step: number; field: string; a?: Json; b?: Json };
  /** The twin worlds (already shrunk) and the paths where they differ. */
  worlds: { a: JsonObject; b: JsonObject; differences: { path: string; a?: Json; b?: Json }[] };
  /** fast-check seed and path of the failing case: with the same model and options they replay it. */
  seed: number;
  path: string;
  /** Dedup keys excluded when this finding was searched for (needed to replay by seed and path). */
  excluded: string[];
  /** Dedup key: two findings with the same key are the same problem (merges keep one). */
  key?: string;
  /** Position of the chunk that found it in the run's plan (merges keep the earliest). */
  chunk?: number;
  /** The exact case, for replay independent of generator changes. */
  counterexample: TwinCase;
  /** The command that replays it (filled in once the finding has a file). */
  replay?: string;
  /** Live mode: a shell script of curl commands that replays the exchange against the target. */
  curl?: string;
  /**
   * Set when the case takes a step the model marks irreversible (a flow spec's `irreversible:
   * true`): the first such step (1-based) and its action. Such a finding was found with
   * `--allow-irreversible` and is replayed against a site only with it (else SKIPPED).
   */
  irreversible?: { step: number; action: string };
  /**
   * What it took to find: since the run began, when it was confirmed (`ms`, the run's cases so
   * far, and in live mode the requests sent so far), and whether it was shrunk yet (a finding is
   * announced when confirmed, and again once shrinking ends).
   */
  found?: { ms: number; cases: number; requests?: number; shrunk: boolean };
}

export interface FindingSource {
  model: string;
  modelFile?: string | undefined;
  variant: string;
  flaws: readonly string[];
  severity: Severity;
  kase: TwinCase;
  a: Trace;
  b: Trace;
  violation: Violation;
  seed: number;
  path: string;
  excluded: readonly string[];
  chunk?: number;
  key?: string;
  /** Actions the model marks irreversible: a case that takes one records it (`Finding.irreversible`). */
  irreversibleActions?: readonly string[];
  /**
   * Values that must never be shown or saved, besides those found by field name (the run's seed
   * token, credentials given on the command line): replaced wherever they occur in what is shown.
   */
  secretValues?: readonly string[];
}

/**
 * Turn a confirmed, shrunk violation into a finding. Throws `BF_INTERNAL` when a secret was varied
 * and yet the twin worlds are equal: such a finding could only be noise.
 */
export function buildFinding(source: FindingSource): Finding {
  const { a, b, violation, kase } = source;
  // Live mode: each step's HTTP exchanges (redacted) go with its observation, for reports and curl.
  const observed = (trace: Trace): JsonObject[] =>
    trace.steps.map((s) => {
      const observation: JsonObject = { outcome: s.result.outcome, ...s.result.observation };
      if (s.result.exchanges && s.result.exchanges.length > 0) observation['exchanges'] = s.result.exchanges.map((e) => e.redacted()) as unknown as Json;
      return observation;
    });
  const observations = { a: observed(a), b: observed(b) };
  const side = violation.side === 'a' ? a : b;
  const steps: FindingStep[] = side.steps.map(({ step, result }) =>
    result.typed && Object.keys(result.typed).length > 0 ? { ...step, typed: { ...result.typed } } : { ...step },
  );
  const fieldValue = (obs: JsonObject[]): Json | undefined => valueAt(obs[violation.step], violation.field);
  const firstDifference: Finding['firstDifference'] = { step: violation.step + 1, field: violation.field };
  const av = fieldValue(observations.a);
  const bv = fieldValue(observations.b);
  if (av !== undefined) firstDifference.a = av;
  if (bv !== undefined) firstDifference.b = bv;
  const worldA = a.world as JsonObject;
  const worldB = b.world as JsonObject;
  const worldDiff = differences(worldA, worldB).map((d) => {
    const entry: { path: string; a?: Json; b?: Json } = { path: d.path };
    if (d.a !== undefined) entry.a = d.a;
    if (d.b !== undefined) entry.b = d.b;
    return entry;
  });
  if (kase.secret !== '' && worldDiff.length === 0) {
    // Twin cases are drawn so that their worlds differ (twinCaseArbitrary): a finding whose twins
    // are equal would present noise as the secret's effect, so it is never built.
    throw new BookfuzzError('BF_INTERNAL', `a finding of ${violation.oracle} was about to be reported for twin worlds that do not differ in the secret "${kase.secret}" (variation ${JSON.stringify(kase.variation)})`, {
      where: `model ${source.model}, oracle ${violation.oracle}`,
    });
  }
  const finding: Finding = {
    id: findingId(source.model, violation, kase.steps),
    model: source.model,
    variant: source.variant,
    flaws: [...source.flaws],
    oracle: violation.oracle,
    severity: source.severity,
    message: violation.message,
    secret: { name: kase.secret, variation: kase.variation },
    steps,
    observations,
    firstDifference,
    worlds: { a: worldA, b: worldB, differences: worldDiff },
    seed: source.seed,
    path: source.path,
    excluded: [...source.excluded],
    counterexample: kase,
  };
  if (violation.flaws && violation.flaws.length > 0) finding.flaw = violation.flaws.join(',');
  if (violation.details && Object.keys(violation.details).length > 0) finding.evidence = violation.details;
  if (source.modelFile !== undefined) finding.modelFile = source.modelFile;
  if (source.key !== undefined) finding.key = source.key;
  if (source.chunk !== undefined) finding.chunk = source.chunk;
  const irreversible = firstIrreversibleStep(kase.steps, source.irreversibleActions);
  if (irreversible) finding.irreversible = irreversible;
  // Every way out (console, corpus file, --json, reports, curl script) starts from this finding:
  // credentials are redacted here, once (the counterexample, which replay runs, is kept).
  return redactFinding(finding, { values: source.secretValues ?? [] });
}

/** The first step (1-based) whose action is one of `irreversible`, with its action; undefined when none is. */
export function firstIrreversibleStep(steps: readonly Step[], irreversible: readonly string[] | undefined): { step: number; action: string } | undefined {
  if (!irreversible || irreversible.length === 0) return undefined;
  const index = steps.findIndex((s) => irreversible.includes(s.action));
  const step = steps[index];
  return step ? { step: index + 1, action: step.action } : undefined;
}

/** The key under which a violation counts as already found. */
export function dedupKey(violation: Violation): string {
  return violation.flaws && violation.flaws.length > 0
    ? `${violation.oracle}/flaw:${violation.flaws.join(',')}`
    : `${violation.oracle}/key:${violation.key}`;
}

/**
 * The key that stands for every field of one channel of one step's answer (`…text[3]` and
 * `…text[9]` are both `…text[*]`): once a twin difference is reported, its other symptoms in the
 * same answer (rows shifted by an extra row, a list one item longer) are not new leaks.
 */
export function channelKey(key: string): string {
  return `channel:${key.replace(/\[\d+\]/g, '[*]')}`;
}

/** Whether a violation is left out of a search: its key, or its whole channel, was excluded. */
export function isExcluded(excluded: ReadonlySet<string>, violation: Violation): boolean {
  const key = dedupKey(violation);
  return excluded.has(key) || excluded.has(channelKey(key));
}

function findingId(model: string, violation: Violation, steps: readonly Step[]): string {
  const text = JSON.stringify([model, dedupKey(violation), steps]);
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

import { randomBytes } from 'node:crypto';
import { checkModel } from '../engine/check.js';
import type { Shard } from '../engine/chunks.js';
import type { EngineListener } from '../engine/events.js';
import type { ActionStats, RequestOutcome, RunDocument } from '../engine/run-document.js';
import { laneTotals, stepsInconclusive } from './run-tally.js';
import { BookfuzzError } from '../errors.js';
import type { Model } from '../model/model.js';
import type { Oracle } from '../oracles/oracle.js';
import { renderCurl } from '../report/curl.js';
import { stagingFlaws, stagingVariants } from '../staging/staging-flaws.js';
import { createLiveSite } from '../http/create-live-site.js';
import { createRequestBudget } from '../http/interceptors/budget.js';
import { createRateLimiter } from '../http/interceptors/rate-limit.js';
import { openLiveLanes } from './live-lanes.js';
import { defaultTimingSamples } from './timing-sampler.js';

export interface FuzzOptions {
  /** The site's base URL. Exactly one of `target` and `staging`. */
  target?: string | undefined;
  /** Start the embedded staging site on 127.0.0.1 and fuzz it. */
  staging?: boolean | undefined;
  /** With `staging`: `vulnerable` (every flaw) or `fixed`, or an explicit flaw list. */
  variant?: string | undefined;
  flaws?: readonly string[] | undefined;
  allowHosts?: readonly string[] | undefined;
  /** Requests per second, all workers together (default: no limit). */
  rps?: number | undefined;
  /** Most requests in the whole run (never exceeded). */
  budget?: number | undefined;
  runs?: number | undefined;
  seed?: number | undefined;
  /** The site's seeding token (with `staging`, a random one is made). */
  seedToken?: string | undefined;
  oracles?: readonly string[] | undefined;
  /** Re-runs a finding must survive (default 3). */
  confirmations?: number | undefined;
  timeoutMs?: number | undefined;
  /** Most response-time samples per class for the `timing` oracle (default 400). */
  timingSamples?: number | undefined;
  /** |t| above which the `timing` oracle says `leak` (default 4.5). */
  timingThreshold?: number | undefined;
  /**
   * Lanes run at once (default 1). With two or more, each works in parallel worlds of its own on
   * the site, one per twin side (`x-bookfuzz-world`; the embedded staging site supports it, a
   * site with one world is refused when seeding); they share one rate limit and budget.
   */
  workers?: number | undefined;
  /**
   * With one lane against a target: run its twins' two sides at the same time, in two parallel
   * worlds of the site, as the embedded staging site and several lanes always do (default false:
   * a target is assumed to keep one world, and the sides run in turn in it). Still one request in
   * flight. A site that keeps one world is refused at the first seed.
   */
  parallelWorlds?: boolean | undefined;
  shard?: Shard | undefined;
  signal?: AbortSignal | undefined;
  /** Ends the search early without calling the run interrupted (`--duration`): the current case ends, then the report. */
  until?: AbortSignal | undefined;
  onEvent?: EngineListener | undefined;
}

export interface FuzzResult {
  document: RunDocument;
  /** Set when the target kept failing and the run stopped early (the document says what ran). */
  gaveUp?: BookfuzzError;
}

/**
 * Cases per oracle of a live run unless told: the least of 50, 100, 150, 200 at which every planted
 * staging flaw was found on 10 of 10 seeds (`npm run bench -- --cost --cost-seeds 10`; at 100,
 * record-access retrospective-entries missed seed 1).
 */
export const defaultLiveRuns = 150;

/** Flaws of the staging site for a variant (vulnerable | fixed) or an explicit list (any model's). */
export function stagingFlawChoice(variant: string | undefined, flaws: readonly string[] | undefined): { variant: string; flaws: string[] } {
  if (variant !== undefined && flaws !== undefined) throw new BookfuzzError('BF_USAGE', 'give either --variant or --flaws, not both');
  if (flaws !== undefined) {
    const known = Object.values(stagingFlaws).flat();
    for (const flaw of flaws) {
      if (!known.includes(flaw)) throw new BookfuzzError('BF_FLAW_UNKNOWN', `the staging site has no flaw "${flaw}" (flaws: ${known.join(', ')})`);
    }
    const sorted = [...flaws].sort();
    return { variant: sorted.length === 0 ? 'fixed' : `flaws:${sorted.join(',')}`, flaws: sorted };
  }
  const name = variant ?? 'vulnerable';
  if (name !== 'vulnerable' && name !== 'fixed') {
    throw new BookfuzzError('BF_VARIANT_UNKNOWN', `the staging site has no variant "${name}" (variants: vulnerable, fixed)`);
  }
  return { variant: name, flaws: stagingVariants(name) };
}

/**
 * Live mode: run a model (with its HTTP binding) against a site over HTTP, with the safety
 * rails — allowlist checked before any connection, shared rate limit and budget, timeouts, a
 * body cap — noise calibration and confirmation re-runs. Live findings carry their exchanges
 * and a curl script.
 */
export async function fuzzLive(model: Model, availableOracles: readonly Oracle[], options: FuzzOptions): Promise<FuzzResult> {
  if ((options.target === undefined) === (options.staging !== true)) throw new BookfuzzError('BF_USAGE', 'give exactly one of --target URL or --staging');
  if (!options.staging && (options.variant !== undefined || options.flaws !== undefined)) {
    throw new BookfuzzError('BF_USAGE', '--variant and --flaws choose the flaws of the embedded staging site: use them with --staging');
  }
  const allowHosts = options.allowHosts ?? [];
  // Refuse a host outside the allowlist first, before anything is generated or sent.
  if (options.target !== undefined) await createLiveSite({ baseUrl: options.target, allowHosts }).close();
  const binding = model.http;
  if (!binding) throw new BookfuzzError('BF_MODEL_INVALID', 'has no HTTP binding (`http` in defineModel): it can only be checked in model mode', { where: `model ${model.name}` });
  const workers = options.workers ?? 1;
  const choice = options.staging ? stagingFlawChoice(options.variant, options.flaws) : { variant: 'target', flaws: [] };
  const seedToken = options.seedToken ?? (options.staging ? randomBytes(12).toString('hex') : undefined);
  const { startStagingSite } = options.staging ? await import('../staging/index.js') : { startStagingSite: undefined };
  // Every lane keeps two worlds on it (`openLiveLanes`), and a world it forgot would fail its lane.
  const site = startStagingSite ? await startStagingSite({ flaws: choice.flaws, port: 0, maxWorlds: Math.max(64, 2 * workers), ...(seedToken ? { seedToken } : {}) }) : undefined;
  const target = site?.url ?? options.target ?? '';
  // Where the site has parallel worlds (the embedded one does; a target with several lanes must,
  // and one with `parallelWorlds` says it does), each lane works in worlds of its own
  // (`x-bookfuzz-world`), named for this run so that runs side by side do not meet, and runs its
  // twins' sides at the same time.
  const runId = randomBytes(4).toString('hex');
  const worlds = options.staging === true || workers > 1 || options.parallelWorlds === true ? `bookfuzz-${runId}` : undefined;
  // Ends the search early without calling the run interrupted: budget spent, or the target is down.
  const stop = new AbortController();
  let gaveUp: BookfuzzError | undefined;
  const budget = options.budget === undefined ? undefined : createRequestBudget(options.budget);
  const lanes = openLiveLanes({
    model,
    binding,
    lanes: workers,
    worlds,
    // The rate limiter and the budget are shared by every lane: one global rate, one budget.
    site: {
      baseUrl: target,
      allowHosts,
      rateLimiter: createRateLimiter(options.rps),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(budget ? { budget } : {}),
      ...(seedToken ? { seedToken } : {}),
    },
    // 429 and 503 are retried (each retry within the rate and the budget); no wait outlives the run.
    retry: { signal: options.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, options.signal]) },
    runner: {
      timing: {
        ...(options.timingSamples !== undefined ? { maxSamples: options.timingSamples } : {}),
        ...(options.timingThreshold !== undefined ? { threshold: options.timingThreshold } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      },
      onTimingProgress: (progress) => options.onEvent?.({ type: 'timing', ...progress, max: options.timingSamples ?? defaultTimingSamples }),
      onBudgetSpent: () => stop.abort(),
      onGiveUp: (error) => {
        gaveUp = error;
        stop.abort();
      },
    },
  });
  const { runners } = lanes;
  let document: RunDocument;
  try {
    document = await checkModel(model, availableOracles, {
      describe: { variant: options.staging ? choice.variant : 'target', flaws: choice.flaws.filter((flaw) => flaw in model.flaws) },
      runs: options.runs ?? defaultLiveRuns,
      seed: options.seed,
      oracles: options.oracles,
      signal: options.signal,
      shard: options.shard,
      until: options.until === undefined ? stop.signal : AbortSignal.any([stop.signal, options.until]),
      runners,
      confirmations: options.confirmations ?? 3,
      shrinkRequests: options.budget !== undefined ? Math.max(100, Math.floor(options.budget / 10)) : defaultShrinkRequests,
      ...(seedToken !== undefined ? { secretValues: [seedToken] } : {}),
      notes: () => [
        ...neverOk(laneTotals(runners).actions),
        ...runners.flatMap((r) => r.problems()).map((p) => `transport error at ${p.where}: ${p.message} (${p.count}×)`),
        ...lanes.retryNotes(),
        ...(binding.notes?.() ?? []),
        ...(stop.signal.aborted && gaveUp === undefined ? [`the request budget of ${options.budget} requests was spent; the run stopped there`] : []),
      ],
      onEvent: (event) => {
        if (event.type === 'finding') {
          const curl = renderCurl(event.finding, target);
          if (curl !== undefined) event.finding.curl = curl;
        }
        options.onEvent?.(event);
      },
    });
  } finally {
    await lanes.close();
    await site?.close();
  }
  document.target = options.staging ? 'staging' : target;
  const outcomes = binding.outcomes?.() ?? [];
  if (outcomes.length > 0) document.outcomes = outcomes;
  const totals = laneTotals(runners);
  document.stats.requests = totals.requests;
  if (totals.actions.length > 0) document.stats.actions = totals.actions;
  // A run that stopped because the target kept failing (or never took a set-up), whose actors
  // could never log in, or whose steps never got past the first, tested less than it was asked.
  const reason = gaveUp?.message ?? (document.status === 'inconclusive' ? undefined : (loginNeverWorked(outcomes) ?? stepsInconclusive(totals.steps)));
  if (reason !== undefined && document.status !== 'interrupted') {
    document.status = 'inconclusive';
    document.reason = reason;
  }
  return gaveUp ? { document, gaveUp } : { document };
}

/** Requests one shrink may send when the run has no budget (about 20 twin runs of a short case on a small site). */
export const defaultShrinkRequests = 600;

/** A warning for every action that was sent but never done: its inputs, log-in or okIf are likely wrong. */
function neverOk(actions: readonly ActionStats[]): string[] {
  return actions
    .filter((a) => a.sent > 0 && a.ok === 0)
    .map((a) => `WARNING ${a.action}: ${a.sent} sent, 0 ok${a.failed > 0 ? ` (${a.failed} failed)` : ''}: check its inputs, its log-in or okIf`);
}

/** Log-ins tried at least this often and never accepted make a run inconclusive. */
const loginTriesBeforeInconclusive = 3;

/**
 * Why a run is inconclusive when an actor's log-in never worked in the whole run (nothing behind
 * it was tested), or undefined. A log-in refused in some worlds only is the site's answer to those
 * worlds, and is judged like any other.
 */
export function loginNeverWorked(outcomes: readonly RequestOutcome[]): string | undefined {
  const never = outcomes.filter((o) => o.phase === 'login' && o.ok === 0 && o.sent >= loginTriesBeforeInconclusive);
  if (never.length === 0) return undefined;
  return never.map((o) => `${o.what} never worked (${o.sent} tries${o.last !== undefined ? `; last: ${o.last}` : ''}): nothing behind it was tested`).join('; ');
}

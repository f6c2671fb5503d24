import * as fc from 'fast-check';
import { BookfuzzError, isBookfuzzError } from '../errors.js';
import type { HttpBinding } from '../http/binding.js';
import type { LiveSiteHandle } from '../http/create-live-site.js';
import type { Json } from '../model/json.js';
import type { Model, Step } from '../model/model.js';
import { twinCaseArbitrary } from '../world/twin-case.js';
import { firstDeparture, type ConformStep, type Departure } from './departure.js';
import { runBothWays } from './run-both-ways.js';
import { screenPages, type ScreenPages } from './screen-pages.js';
import { declaredScreen, sitePage } from './site-page.js';
import { stepVerdicts, type VerdictOptions } from './step-verdict.js';

/** How `conformRun` reaches the site and which journeys it runs. */
export interface ConformOptions<W extends object> {
  /** A fresh live site for one journey (its own cookie jars), closed after it. */
  openSite: () => LiveSiteHandle;
  /** Generated journeys (default 100). */
  runs?: number;
  /** Seed of the journeys (default 1): the same seed, the same journeys. */
  seed?: number;
  /** What else to compare per step, and leaks to ignore. */
  verdicts?: VerdictOptions<W>;
  /** Stop after the journey in flight (the result says `interrupted`). */
  signal?: AbortSignal;
}

/** What a conformance run found. */
export interface ConformResult {
  model: string;
  seed: number;
  runs: number;
  /** Journeys run on both sides and compared; steps compared. */
  cases: number;
  steps: number;
  /** Journeys whose world the site did not accept (not compared), with the last reason. */
  notSetUp: number;
  lastSetUpProblem?: string;
  /** screen → page → steps: the pages the site showed for each screen (steps both sides did). */
  screenPages: Record<string, Record<string, number>>;
  /** Each way the site departs from the spec, shrunk, the most frequent first. */
  departures: Departure[];
  interrupted: boolean;
}

/** One journey on both sides, as conform steps. */
async function both<W extends object>(model: Model<W>, binding: HttpBinding<W>, options: ConformOptions<W>, world: W, steps: readonly Step[]): Promise<ConformStep[]> {
  const run = await runBothWays(model, binding, options.openSite(), { world, steps }, new Set());
  // The ids of the world's people (the owners of its canaries), as a site may put them in its paths.
  const ids = [...new Set(model.canaries(world).map((c) => c.owner))];
  const declared = stepVerdicts(model, run.steps, run.simulated, run.befores, options.verdicts);
  const observed = stepVerdicts(model, run.steps, run.live, run.befores, options.verdicts);
  return run.steps.map((step, i) => {
    const screen = declaredScreen(run.simulated[i]?.observation ?? {});
    const page = sitePage(run.live[i]?.observation ?? {}, ids);
    return {
      step,
      declared: { ...(declared[i] as ConformStep['declared']), ...(screen !== undefined ? { screen } : {}) },
      observed: { ...(observed[i] as ConformStep['observed']), ...(page !== undefined ? { page } : {}) },
    };
  });
}

/**
 * The fewest steps that still show the same departure: the journey cut after the departing
 * step, then each step left out in turn while the first departure of what remains is the same.
 */
async function shrink<W extends object>(
  model: Model<W>,
  binding: HttpBinding<W>,
  options: ConformOptions<W>,
  pages: ScreenPages,
  world: W,
  steps: Step[],
  key: string,
): Promise<{ steps: Step[]; trace: ConformStep[] }> {
  let best = steps;
  let bestTrace = await both(model, binding, options, world, best);
  for (let i = 0; i < best.length - 1; ) {
    const candidate = [...best.slice(0, i), ...best.slice(i + 1)];
    const trace = await both(model, binding, options, world, candidate);
    const found = firstDeparture(trace, pages);
    if (found && found.departure.key === key) {
      best = candidate.slice(0, found.at + 1);
      bestTrace = trace.slice(0, found.at + 1);
    } else i++;
  }
  return { steps: best, trace: bestTrace };
}

/**
 * Does the site follow the spec? Run the same generated journeys (fixed seed) through the model's
 * simulator with no flaw — for a flow spec, its `screens` — and through its binding on the site,
 * and report each way the site departs: a step it refuses that the spec allows, or allows that the
 * spec refuses; a screen it shows where the spec puts another (the pages it shows for each screen
 * are learned from the steps both sides did, so one screen shown as two pages, or two screens as
 * one page, is a departure); what it shows or changes besides. Only a journey's first departure
 * counts (what follows may follow from it); each kind of departure is shrunk to the fewest steps.
 *
 * @example
 * const result = await conformRun(model, { openSite: () => createLiveSite({ baseUrl, seedToken }), runs: 100, seed: 1 });
 */
export async function conformRun<W extends object>(model: Model<W>, options: ConformOptions<W>): Promise<ConformResult> {
  const binding = model.http;
  if (!binding) throw new BookfuzzError('BF_USAGE', `${model.name} has no HTTP binding: nothing to run on a site`);
  if (model.liveOnly !== undefined) throw new BookfuzzError('BF_USAGE', `nothing to conform to: ${model.liveOnly}; conform compares the site with the spec's screens (add them: docs/flow-spec.md)`);
  const runs = options.runs ?? 100;
  const seed = options.seed ?? 1;
  const cases = fc.sample(twinCaseArbitrary(model), { seed, numRuns: runs });
  const journeys: { index: number; world: W; steps: Step[]; trace: ConformStep[] }[] = [];
  const result: ConformResult = { model: model.name, seed, runs, cases: 0, steps: 0, notSetUp: 0, screenPages: {}, departures: [], interrupted: false };
  for (const [index, kase] of cases.entries()) {
    if (options.signal?.aborted) {
      result.interrupted = true;
      break;
    }
    try {
      const trace = await both(model, binding, options, kase.world, kase.steps);
      journeys.push({ index, world: kase.world, steps: kase.steps, trace });
      result.cases++;
      result.steps += trace.length;
    } catch (error) {
      if (!isBookfuzzError(error) || error.code !== 'BF_SETUP_FAILED') throw error;
      result.notSetUp++;
      result.lastSetUpProblem = error.message;
    }
  }
  if (result.notSetUp > 0 && result.notSetUp * 2 > result.notSetUp + result.cases) {
    throw new BookfuzzError('BF_SETUP_FAILED', `the site did not accept the set-up of ${result.notSetUp} of ${result.notSetUp + result.cases} journeys: nothing to compare (last: ${result.lastSetUpProblem ?? 'no reason given'})`);
  }
  const pages = screenPages(
    journeys.flatMap(({ trace }) =>
      trace.flatMap(({ declared, observed }) =>
        declared.outcome === 'ok' && observed.outcome === 'ok' && declared.screen !== undefined && observed.page !== undefined ? [{ screen: declared.screen, page: observed.page }] : [],
      ),
    ),
  );
  result.screenPages = pages.counts;
  const found = new Map<string, { journey: (typeof journeys)[number]; at: number; count: number }>();
  for (const journey of journeys) {
    const first = firstDeparture(journey.trace, pages);
    if (!first) continue;
    const seen = found.get(first.departure.key);
    if (seen) seen.count++;
    else found.set(first.departure.key, { journey, at: first.at, count: 1 });
  }
  for (const [key, { journey, at, count }] of found) {
    const shrunk = options.signal?.aborted ? { steps: journey.steps.slice(0, at + 1), trace: journey.trace.slice(0, at + 1) } : await shrink(model, binding, options, pages, journey.world, journey.steps.slice(0, at + 1), key);
    const last = shrunk.trace[shrunk.trace.length - 1];
    const departure = last ? firstDeparture([last], pages)?.departure : undefined;
    if (!last || !departure) continue;
    result.departures.push({
      ...departure,
      actor: last.step.actor,
      action: last.step.action,
      steps: shrunk.steps,
      trace: shrunk.trace,
      world: journey.world as unknown as Json,
      firstCase: journey.index + 1,
      shrunkFrom: at + 1,
      cases: count,
    });
  }
  result.departures.sort((a, b) => b.cases - a.cases || a.firstCase - b.firstCase);
  return result;
}

import { BookfuzzError } from '../errors.js';
import type { Model } from '../model/model.js';
import type { HttpBinding } from '../http/binding.js';
import { createLivePool, createLiveSite, defaultTimeoutMs, type LiveSiteOptions } from '../http/create-live-site.js';
import { createInFlightLimit } from '../http/interceptors/concurrency.js';
import { retryNotes } from '../http/interceptors/retry-notes.js';
import { createRetryPolicy, type RetryOptions, type RetryStats } from '../http/interceptors/retry-policy.js';
import { liveRunner, sharedNoise, type LiveRunner, type LiveRunnerOptions } from './live-runner.js';

export interface LiveLanesOptions {
  model: Model;
  binding: HttpBinding;
  /** How many lanes (`--workers`): one runner each, searching at the same time. */
  lanes: number;
  /**
   * Name of the run's parallel worlds on the site (lane 2's sides work in `<worlds>-2-a` and
   * `<worlds>-2-b`), or undefined when the site keeps one world: then there is one lane and
   * its twins' sides run in turn.
   */
  worlds: string | undefined;
  /** What every lane's live sites share: base URL, allowlist, rate limit, budget, token, timeouts. */
  site: Omit<LiveSiteOptions, 'world' | 'pool' | 'inFlight' | 'concurrency' | 'retry'>;
  /**
   * How answers 429 and 503 are retried (one policy for the whole run, so its counts are the
   * run's). Give it the run's stop signal, so that no request waits on after the run ended.
   */
  retry?: RetryOptions;
  /** What every lane's runner is told (budget spent, giving up, timing). */
  runner?: Omit<LiveRunnerOptions, 'model' | 'binding' | 'openSite' | 'sidesAtOnce'>;
}

export interface LiveLanes {
  runners: LiveRunner[];
  /** The run's answers 429 and 503 so far, with its retries and waits. */
  retries(): RetryStats;
  /** The run's notes on answers 429 and 503 (none when there were none), with the `--rps` to try. */
  retryNotes(): string[];
  /** Close the lanes' connection pools (after the run). */
  close(): Promise<void>;
}

/**
 * The lanes of a live run. Each lane has one warm connection pool shared by all its cases and
 * one request in flight at most. With parallel worlds, a lane's two twin sides run at the same
 * time, each in a world of its own, taking turns on the lane's one in-flight slot: while the
 * site answers one side, the client judges the other side's last answer, instead of the two
 * waiting on each other. The site sees the same number of requests in flight as with the sides
 * in turn (one per lane), and each side the same requests and answers.
 */
export function openLiveLanes(options: LiveLanesOptions): LiveLanes {
  const { model, binding, lanes, worlds } = options;
  if (worlds === undefined && lanes !== 1) {
    throw new BookfuzzError('BF_USAGE', `${lanes} lanes need a site with parallel worlds (x-bookfuzz-world)`, { where: 'live lanes' });
  }
  const pools = Array.from({ length: lanes }, () => createLivePool(options.site.timeoutMs ?? defaultTimeoutMs));
  const retry = createRetryPolicy(options.retry);
  // One noise mask for every lane: calibrated once, and what one lane learns the others mask too.
  const noise = sharedNoise();
  const runners = pools.map((pool, lane) => {
    const inFlight = createInFlightLimit(1);
    return liveRunner({
      ...options.runner,
      model,
      binding,
      openSite: (side) =>
        createLiveSite({ ...options.site, pool, inFlight, retry, ...(worlds !== undefined ? { world: `${worlds}-${lane + 1}-${side}` } : {}) }),
      sidesAtOnce: worlds !== undefined,
      noise,
    });
  });
  return {
    runners,
    retries: () => retry.stats(),
    retryNotes: () => retryNotes(retry.stats(), retry),
    close: async () => void (await Promise.all(pools.map((pool) => pool.close()))),
  };
}

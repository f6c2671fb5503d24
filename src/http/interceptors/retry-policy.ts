import type { IncomingHttpHeaders } from 'node:http';
import { BookfuzzError } from '../../errors.js';
import { announcedRate, tighterRate, type AnnouncedRate } from './announced-rate.js';
import { retryAfterMs } from './retry-after.js';

/** The statuses that mean "the site did not do the work; ask again later". */
export type RetriedStatusCode = 429 | 503;

export interface RetryOptions {
  /** Retries of one request after a 429 or 503 (default 3); 0 sends every request once. */
  maxRetries?: number;
  /** Longest single wait in milliseconds (default 30 000): a longer `Retry-After` is cut to it. */
  maxWaitMs?: number;
  /** First back-off when the site sends no `Retry-After` (default 500 ms), doubled at each retry, with jitter. */
  baseDelayMs?: number;
  /**
   * Ends every wait at once (the run stopping: budget spent, target given up, Ctrl-C): a waiting
   * request is then handed the 429 or 503 it got, as it is.
   */
  signal?: AbortSignal | undefined;
  /** Randomness for the jitter, in [0, 1) (tests). Default `Math.random`. */
  random?: () => number;
  /** Wall clock in milliseconds, for `Retry-After` dates (tests). Default `Date.now`. */
  now?: () => number;
  /** Run `callback` after `ms`; returns a cancel function (tests: record the waits). Default `setTimeout`. */
  schedule?: (callback: () => void, ms: number) => () => void;
}

/** What the answers with one status cost a run. */
export interface RetriedStatus {
  /** Answers with this status, every attempt counted. */
  answers: number;
  /** Requests sent again after such an answer (each one counted against the budget). */
  retries: number;
  /** Requests that were sent again at least once. */
  requests: number;
  /** Requests whose last answer still had this status (retries spent, the budget spent or the run stopping). */
  gaveUp: number;
  /** Milliseconds spent waiting before retries. */
  waitedMs: number;
  /** The longest wait the site asked for in `Retry-After`, in milliseconds. */
  longestAskedMs?: number;
}

/** A run's 429 and 503 answers and what bookfuzz did about them. */
export interface RetryStats {
  tooManyRequests: RetriedStatus;
  unavailable: RetriedStatus;
  /**
   * bookfuzz's own request rate (every site of the run) over the ten seconds before the first 429
   * (over the time since the first request when the run was younger, at least one second).
   */
  rateAtFirst429?: number;
  /** The tightest rate the site announced in its rate-limit headers of a 429 or 503 answer. */
  announced?: AnnouncedRate;
}

/** A wait before a retry: how long, and what the site asked for (undefined: it did not say). */
export interface RetryWait {
  ms: number;
  askedMs?: number;
}

/**
 * How a run retries answers 429 and 503, shared by all its live sites (as the rate limiter and
 * the budget are) so that its counts are the run's: the retry interceptor asks it how long to
 * wait and tells it what happened.
 */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly maxWaitMs: number;
  readonly signal: AbortSignal | undefined;
  /** The wait before retry number `retry` (0 for the first) after an answer with `headers`. */
  waitFor(retry: number, headers: IncomingHttpHeaders): RetryWait;
  schedule(callback: () => void, ms: number): () => void;
  /** A request left for the site (first attempt or retry). */
  noteSent(): void;
  /** An answer 429 or 503 came. */
  noteAnswer(status: RetriedStatusCode, headers: IncomingHttpHeaders, wait?: RetryWait): void;
  /** `ms` were waited before sending a request again (or until the run stopped). */
  noteWaited(status: RetriedStatusCode, ms: number): void;
  /** A request is sent again; `first` when it is its first retry. */
  noteRetry(status: RetriedStatusCode, first: boolean): void;
  /** A request's last answer was a 429 or 503. */
  noteGaveUp(status: RetriedStatusCode): void;
  stats(): RetryStats;
}

export const defaultMaxRetries = 3;
export const defaultMaxWaitMs = 30_000;
export const defaultBaseDelayMs = 500;
/** The window bookfuzz's own request rate is measured over when a 429 comes. */
const rateWindowMs = 10_000;

/**
 * @example
 * const retry = createRetryPolicy({ maxRetries: 3, signal: stop.signal });
 * const site = createLiveSite({ baseUrl, retry });
 * // later: retry.stats().tooManyRequests.answers
 */
export function createRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const maxRetries = options.maxRetries ?? defaultMaxRetries;
  const maxWaitMs = options.maxWaitMs ?? defaultMaxWaitMs;
  const baseDelayMs = options.baseDelayMs ?? defaultBaseDelayMs;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw usage(`retries must be a whole number of at least 0, not ${maxRetries}`);
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw usage(`the longest wait before a retry must be 0 ms or more, not ${maxWaitMs}`);
  if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0) throw usage(`the first back-off must be 0 ms or more, not ${baseDelayMs}`);
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const stats: RetryStats = { tooManyRequests: emptyStatus(), unavailable: emptyStatus() };
  const of = (status: RetriedStatusCode): RetriedStatus => (status === 429 ? stats.tooManyRequests : stats.unavailable);
  const sends = sendLog();

  return {
    maxRetries,
    maxWaitMs,
    signal: options.signal,
    waitFor(retry, headers) {
      const askedMs = retryAfterMs(headers['retry-after'], now());
      if (askedMs !== undefined) return { ms: Math.min(askedMs, maxWaitMs), askedMs };
      // Exponential back-off with jitter: 500 ms, 1 s, 2 s, ... each somewhere between 3/4 and 5/4 of it.
      const backOff = baseDelayMs * 2 ** retry * (0.75 + 0.5 * random());
      return { ms: Math.round(Math.min(backOff, maxWaitMs)) };
    },
    schedule: options.schedule ?? defaultSchedule,
    noteSent: () => sends.add(performance.now()),
    noteAnswer(status, headers, wait) {
      const counts = of(status);
      counts.answers++;
      if (wait?.askedMs !== undefined) counts.longestAskedMs = Math.max(counts.longestAskedMs ?? 0, wait.askedMs);
      if (status === 429 && stats.rateAtFirst429 === undefined) stats.rateAtFirst429 = sends.rate(performance.now());
      const announced = announcedRate(headers);
      if (announced !== undefined && (stats.announced === undefined || tighterRate(announced, stats.announced))) stats.announced = announced;
    },
    noteWaited: (status, ms) => void (of(status).waitedMs += ms),
    noteRetry(status, first) {
      const counts = of(status);
      counts.retries++;
      if (first) counts.requests++;
    },
    noteGaveUp: (status) => void of(status).gaveUp++,
    stats: () => ({
      tooManyRequests: { ...stats.tooManyRequests },
      unavailable: { ...stats.unavailable },
      ...(stats.rateAtFirst429 !== undefined ? { rateAtFirst429: stats.rateAtFirst429 } : {}),
      ...(stats.announced !== undefined ? { announced: { ...stats.announced } } : {}),
    }),
  };
}

function emptyStatus(): RetriedStatus {
  return { answers: 0, retries: 0, requests: 0, gaveUp: 0, waitedMs: 0 };
}

function defaultSchedule(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}

/**
 * When requests left over the last ten seconds, and the rate they make. Times older than the
 * window are dropped from the front as new ones come (a moving start, the array compacted once
 * the dropped part is the larger half), so noting a sending costs the same at any rate.
 */
function sendLog(): { add(at: number): void; rate(at: number): number } {
  let times: number[] = [];
  let start = 0;
  let first: number | undefined;
  const forget = (at: number): void => {
    while (start < times.length && (times[start] ?? at) <= at - rateWindowMs) start++;
    if (start > 1024 && start * 2 > times.length) {
      times = times.slice(start);
      start = 0;
    }
  };
  return {
    add(at) {
      first ??= at;
      times.push(at);
      forget(at);
    },
    rate(at) {
      forget(at);
      const span = Math.min(rateWindowMs, Math.max(1000, at - (first ?? at)));
      return ((times.length - start) * 1000) / span;
    },
  };
}

function usage(message: string): BookfuzzError {
  return new BookfuzzError('BF_USAGE', message, { where: 'retry of 429 and 503 answers' });
}

import type { Dispatcher } from 'undici';
import { BookfuzzError } from '../../errors.js';
import { failBeforeDispatch } from './forwarding-handler.js';

/**
 * A request rate shared by everything of one run (several live sites, several workers), so the
 * target sees one global rate. A token bucket: tokens come at `rps` per second, a request
 * takes one, and the bucket holds at most `burst` tokens (default 1: evenly spaced requests;
 * never more than one second's worth). Waiters are served first come, first served.
 */
export interface RateLimiter {
  readonly rps: number;
  /** Resolves when the caller may send one request. */
  acquire(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Bucket size in requests; clamped to 1..rps. Default 1. */
  burst?: number;
  /** Clock in milliseconds (tests). Default `performance.now`. */
  now?: () => number;
}

/**
 * `rps` undefined or 0 turns limiting off (acquire resolves at once).
 *
 * @example
 * const limiter = createRateLimiter(20);
 * const site = createLiveSite({ baseUrl, rateLimiter: limiter });
 */
export function createRateLimiter(rps: number | undefined, options: RateLimiterOptions = {}): RateLimiter {
  if (rps === undefined || rps === 0) return { rps: 0, acquire: () => Promise.resolve() };
  if (!Number.isFinite(rps) || rps < 0) {
    throw new BookfuzzError('BF_USAGE', `the rate limit must be a positive number of requests per second, not ${rps}`, { where: 'rate limit' });
  }
  const now = options.now ?? (() => performance.now());
  const interval = 1000 / rps;
  const burst = Math.max(1, Math.min(options.burst ?? 1, rps));
  // GCRA form of the token bucket: `tat` is the theoretical arrival time of the next request.
  // A request may go at max(now, tat - (burst - 1) * interval); taking it moves tat on by one
  // interval. Reserving at call time keeps callers in order without a queue.
  let tat = now();
  return {
    rps,
    acquire() {
      const t = now();
      tat = Math.max(tat, t);
      const sendAt = tat - (burst - 1) * interval;
      tat += interval;
      const wait = sendAt - t;
      return wait <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, wait));
    },
  };
}

/** Waits for the shared limiter before passing each request on. */
export function rateLimit(limiter: RateLimiter): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    if (limiter.rps === 0) return dispatch(opts, handler);
    limiter.acquire().then(
      () => {
        try {
          dispatch(opts, handler);
        } catch (error) {
          failBeforeDispatch(handler, error instanceof Error ? error : new Error(String(error)));
        }
      },
      (error: unknown) => failBeforeDispatch(handler, error instanceof Error ? error : new Error(String(error))),
    );
    return true;
  };
}

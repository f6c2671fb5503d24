import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { HopClock } from '../hop-clock.js';
import type { RequestBudget } from './budget.js';
import type { RetriedStatusCode, RetryPolicy, RetryWait } from './retry-policy.js';

/**
 * Goes with each attempt's dispatch options down to the recorder (`retryMarkOf`): which attempt
 * this is, and whether its answer was replaced by a retry's (then it is not recorded as the
 * step's exchange: a curl script must not send the request twice).
 */
export interface RetryMark {
  /** Retries before this attempt (0: the first sending). */
  readonly retries: number;
  superseded: boolean;
}

/**
 * Each attempt's mark, by the dispatch options it was sent with: a side table rather than a field
 * on the options, so that the first attempt goes down with the caller's own options object (in a
 * loopback benchmark, a copy of the options with one more key cost a fifth more CPU per request).
 */
const marks = new WeakMap<Dispatcher.DispatchOptions, RetryMark>();

/** The `RetryMark` of an attempt, by its dispatch options, if a retry interceptor sent it. */
export function retryMarkOf(opts: Dispatcher.DispatchOptions): RetryMark | undefined {
  return marks.get(opts);
}

/** How much of a 429 or 503 body is kept while waiting, to hand over as it is if no retry can be sent. */
const keptBodyBytes = 256 * 1024;

/**
 * Sends a request again when the site answers 429 (Too Many Requests) or 503 (Service
 * Unavailable), at most `policy.maxRetries` times. Such an answer says the site did not do the
 * work, so every method is retried, POST included: nothing was booked or changed. The wait is
 * what `Retry-After` asks for (seconds or an HTTP date), cut to `policy.maxWaitMs`; without it,
 * exponential back-off with jitter from about 500 ms. Each retry goes down the chain again, so
 * it is counted against the run's request budget and waits for the rate limiter like any
 * request; with no budget left, or once the run stops (`policy.signal`), the answer goes to the
 * caller as it is, and so does the last one when the retries are spent. Stream bodies cannot be
 * sent twice: those requests pass through untouched. The first attempt's synchronous refusals
 * (budget spent) reach the caller as thrown errors; a retry's reach it as an error of the
 * request. Sits outside the budget, rate limit and recording, inside the allowlist.
 */
export function retry(policy: RetryPolicy, budget?: RequestBudget): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    if (!replayable(opts.body)) return dispatch(opts, handler);
    return new RetryingRequest(dispatch, opts, handler, policy, budget).send();
  };
}

function replayable(body: Dispatcher.DispatchOptions['body']): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
}

/** An answer 429 or 503 held while waiting to retry. */
interface HeldAnswer {
  status: RetriedStatusCode;
  headers: IncomingHttpHeaders;
  statusMessage: string | undefined;
  chunks: Buffer[];
  size: number;
  wait: RetryWait;
}

/** One request with its retries: the caller's handler sees one request and one answer. */
class RetryingRequest {
  readonly #dispatch: Dispatcher.Dispatch;
  readonly #opts: Dispatcher.DispatchOptions;
  readonly #inner: Dispatcher.DispatchHandler;
  readonly #policy: RetryPolicy;
  readonly #budget: RequestBudget | undefined;
  /** What the caller holds: stands for whichever attempt is current. */
  readonly controller: RetryController;
  #retries = 0;
  #started = false;
  #cancelWait: (() => void) | undefined;

  constructor(dispatch: Dispatcher.Dispatch, opts: Dispatcher.DispatchOptions, inner: Dispatcher.DispatchHandler, policy: RetryPolicy, budget: RequestBudget | undefined) {
    this.#dispatch = dispatch;
    this.#opts = opts;
    this.#inner = inner;
    this.#policy = policy;
    this.#budget = budget;
    this.controller = new RetryController((reason) => this.#abortedWhileWaiting(reason));
  }

  /** The first attempt: a synchronous refusal propagates to the caller, as without retries. */
  send(): boolean {
    return this.#attempt();
  }

  #attempt(): boolean {
    const mark: RetryMark = { retries: this.#retries, superseded: false };
    // A retry goes with options of its own (its own mark); the first attempt with the caller's.
    const opts = this.#retries === 0 ? this.#opts : { ...this.#opts };
    marks.set(opts, mark);
    return this.#dispatch(opts, new AttemptHandler(this, mark));
  }

  get inner(): Dispatcher.DispatchHandler {
    return this.#inner;
  }

  get policy(): RetryPolicy {
    return this.#policy;
  }

  /** An attempt connected: the caller hears of the request's start once, with the controller that stands for every attempt. */
  started(controller: Dispatcher.DispatchController, context: unknown): void {
    this.controller.current = controller;
    this.#policy.noteSent();
    if (this.#started) return;
    this.#started = true;
    this.#inner.onRequestStart?.(this.controller, context);
  }

  /** The wait before a retry after this answer, or undefined when it goes to the caller as it is. */
  plan(status: RetriedStatusCode, headers: IncomingHttpHeaders): RetryWait | undefined {
    if (this.#retries >= this.#policy.maxRetries || this.#policy.signal?.aborted === true || this.controller.aborted) return undefined;
    if (this.#budget !== undefined && this.#budget.remaining() < 1) return undefined;
    return this.#policy.waitFor(this.#retries, headers);
  }

  /** The held answer has been read: wait, then send the request again (or hand the answer over if the run stops meanwhile). */
  retryAfter(held: HeldAnswer, trailers: IncomingHttpHeaders): void {
    const began = performance.now();
    const signal = this.#policy.signal;
    const waited = (): void => this.#policy.noteWaited(held.status, Math.round(performance.now() - began));
    const onStop = (): void => {
      this.#cancelWait?.();
      this.#cancelWait = undefined;
      waited();
      this.#policy.noteGaveUp(held.status);
      this.#handOver(held, trailers);
    };
    // The run stopped while the answer was being read: no wait at all.
    if (signal?.aborted === true) return onStop();
    const cancelTimer = this.#policy.schedule(() => {
      signal?.removeEventListener('abort', onStop);
      this.#cancelWait = undefined;
      waited();
      this.#resend(held.status);
    }, held.wait.ms);
    this.#cancelWait = () => {
      cancelTimer();
      signal?.removeEventListener('abort', onStop);
    };
    signal?.addEventListener('abort', onStop, { once: true });
  }

  /** The caller aborted (its deadline) while no attempt was in flight. */
  #abortedWhileWaiting(reason: Error): void {
    if (this.#cancelWait === undefined) return;
    this.#cancelWait();
    this.#cancelWait = undefined;
    this.#inner.onResponseError?.(this.controller, reason);
  }

  #resend(status: RetriedStatusCode): void {
    this.#policy.noteRetry(status, this.#retries === 0);
    this.#retries++;
    // Response times count from the last sending: the waits are not the site's.
    const clock: unknown = (this.#opts as { opaque?: unknown }).opaque;
    if (clock instanceof HopClock) clock.sentAt = undefined;
    try {
      this.#attempt();
    } catch (error) {
      // Refused on the way down (the budget spent meanwhile by another lane): the request ends with that error.
      this.#inner.onResponseError?.(this.controller, error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Give the caller the held answer, as the site sent it. */
  #handOver(held: HeldAnswer, trailers: IncomingHttpHeaders): void {
    this.#inner.onResponseStart?.(this.controller, held.status, held.headers, held.statusMessage);
    for (const chunk of held.chunks) this.#inner.onResponseData?.(this.controller, chunk);
    this.#inner.onResponseEnd?.(this.controller, trailers);
  }
}

/** The handler of one attempt: passes the answer on, or holds a 429/503 that will be retried. */
class AttemptHandler implements Dispatcher.DispatchHandler {
  #held: HeldAnswer | undefined;

  constructor(
    private readonly request: RetryingRequest,
    private readonly mark: RetryMark,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.request.started(controller, context);
  }

  onRequestUpgrade(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.request.inner.onRequestUpgrade?.(this.request.controller, statusCode, headers, socket);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    if (statusCode === 429 || statusCode === 503) {
      const wait = this.request.plan(statusCode, headers);
      this.request.policy.noteAnswer(statusCode, headers, wait);
      if (wait !== undefined) {
        this.mark.superseded = true;
        this.#held = { status: statusCode, headers, statusMessage, chunks: [], size: 0, wait };
        return;
      }
      this.request.policy.noteGaveUp(statusCode);
    }
    this.request.inner.onResponseStart?.(this.request.controller, statusCode, headers, statusMessage);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const held = this.#held;
    if (held === undefined) {
      this.request.inner.onResponseData?.(this.request.controller, chunk);
      return;
    }
    if (held.size >= keptBodyBytes) return;
    const kept = chunk.subarray(0, keptBodyBytes - held.size);
    held.chunks.push(kept);
    held.size += kept.length;
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    if (this.#held === undefined) this.request.inner.onResponseEnd?.(this.request.controller, trailers);
    else this.request.retryAfter(this.#held, trailers);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // A held answer whose body broke off is retried all the same (the site had said 429 or 503), unless the caller gave up on it.
    if (this.#held !== undefined && !this.request.controller.aborted) this.request.retryAfter(this.#held, {});
    else this.request.inner.onResponseError?.(this.request.controller, error);
  }
}

/**
 * The controller the caller holds: passes pause, resume and abort to the attempt in flight. An
 * abort while waiting between attempts ends the wait (`onIdleAbort`).
 */
class RetryController implements Dispatcher.DispatchController {
  current: Dispatcher.DispatchController | undefined;
  #aborted = false;
  #reason: Error | null = null;

  constructor(private readonly onIdleAbort: (reason: Error) => void) {}

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  get paused(): boolean {
    return this.current?.paused ?? false;
  }

  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.current?.abort(reason);
    this.onIdleAbort(reason);
  }

  pause(): void {
    this.current?.pause();
  }

  resume(): void {
    this.current?.resume();
  }
}

import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { BookfuzzError } from '../../errors.js';
import { failBeforeDispatch, ForwardingHandler } from './forwarding-handler.js';

/**
 * Slots for requests in flight, shared by every live site that draws on it (the two sides of
 * one lane share one): at most `limit` requests are out at once over all of them, the others
 * wait in the order they came.
 */
export interface InFlightLimit {
  readonly limit: number;
  /** Take a slot if one is free. */
  tryTake(): boolean;
  /** Call `start` when a slot is handed over (the slot is then held by the caller). */
  wait(start: () => void): void;
  /** Give a held slot back: to the first waiting request (then true), else to the pool. */
  release(): boolean;
}

export function createInFlightLimit(limit: number): InFlightLimit {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new BookfuzzError('BF_USAGE', `concurrency must be a whole number of at least 1, not ${limit}`, { where: 'concurrency' });
  }
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return {
    limit,
    tryTake() {
      if (inFlight >= limit) return false;
      inFlight++;
      return true;
    },
    wait: (start) => void waiting.push(start),
    release() {
      const next = waiting.shift();
      if (next) next();
      else inFlight--;
      return next !== undefined;
    },
  };
}

/**
 * At most `slots.limit` requests in flight through every site sharing `slots`. A request holds
 * its slot from dispatch until its response ended, failed or was aborted (a body cut at the
 * size cap aborts, which frees the slot too); the others wait in order.
 *
 * When a response ends and its slot goes to a waiting request, the end reaches the caller one
 * turn of the event loop later. undici writes a request on a kept-alive connection only in the
 * event loop's next check phase (it first looks for bytes the server sent unasked), and the
 * caller's work on the answer, a chain of promise callbacks, would run before that: the site
 * would sit idle while the client works. So the waiting request goes out first, and the client
 * works on the answer while the site works on the request.
 */
export function concurrency(slots: InFlightLimit): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const wrapped = new SlotHandler(handler, slots);
    if (slots.tryTake()) {
      // Synchronous errors (a refused request) propagate as the caller expects.
      try {
        return dispatch(opts, wrapped);
      } catch (error) {
        wrapped.release();
        throw error;
      }
    }
    slots.wait(() => {
      try {
        dispatch(opts, wrapped);
      } catch (error) {
        wrapped.release();
        failBeforeDispatch(handler, error instanceof Error ? error : new Error(String(error)));
      }
    });
    return true;
  };
}

/** The handler of a request that holds a slot: gives it back once, when the exchange is over. */
class SlotHandler extends ForwardingHandler {
  #held = true;

  constructor(
    inner: Dispatcher.DispatchHandler,
    private readonly slots: InFlightLimit,
  ) {
    super(inner);
  }

  /** Give the slot back (once): true when it went to a waiting request. */
  release(): boolean {
    if (!this.#held) return false;
    this.#held = false;
    return this.slots.release();
  }

  protected override settled(): void {
    this.release();
  }

  override onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    if (this.release()) setImmediate(() => this.inner.onResponseEnd?.(controller, trailers));
    else this.inner.onResponseEnd?.(controller, trailers);
  }
}

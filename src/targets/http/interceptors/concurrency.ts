import type { Dispatcher } from 'undici';
import { BookfuzzError } from '../../../errors.js';
import { failBeforeDispatch, forwardingHandler } from './forwarding-handler.js';

/**
 * At most `limit` requests in flight through this interceptor (one instance per live site).
 * A request holds its slot from dispatch until its response ended, failed or was aborted
 * (a body cut at the size cap aborts, which frees the slot too); the others wait in order.
 */
export function concurrency(limit: number): Dispatcher.DispatcherComposeInterceptor {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new BookfuzzError('BF_USAGE', `concurrency must be a whole number of at least 1, not ${limit}`, { where: 'concurrency' });
  }
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  return (dispatch) => (opts, handler) => {
    let held = true;
    const releaseOnce = (): void => {
      if (!held) return;
      held = false;
      release();
    };
    const wrapped = forwardingHandler(handler, { onSettled: releaseOnce });
    if (inFlight < limit) {
      inFlight++;
      // Synchronous errors (a refused request) propagate as the caller expects.
      try {
        return dispatch(opts, wrapped);
      } catch (error) {
        releaseOnce();
        throw error;
      }
    }
    waiting.push(() => {
      try {
        dispatch(opts, wrapped);
      } catch (error) {
        releaseOnce();
        failBeforeDispatch(handler, error instanceof Error ? error : new Error(String(error)));
      }
    });
    return true;
  };
}

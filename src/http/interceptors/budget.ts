import type { Dispatcher } from 'undici';
import { BookfuzzError } from '../../errors.js';

/**
 * A number of requests a whole run may send, shared by all its live sites and workers. A
 * request beyond it is never sent: it fails with `BF_BUDGET_EXHAUSTED`.
 */
export interface RequestBudget {
  /** The limit, or `Infinity`. */
  readonly limit: number;
  /** Requests taken so far. */
  used(): number;
  remaining(): number;
  /** Take one request, or throw `BF_BUDGET_EXHAUSTED` naming `where`. */
  take(where: string): void;
}

/**
 * @example
 * const budget = createRequestBudget(500);
 * const site = createLiveSite({ baseUrl, budget });
 */
export function createRequestBudget(limit: number | undefined): RequestBudget {
  const max = limit ?? Number.POSITIVE_INFINITY;
  if (Number.isNaN(max) || max < 0 || (Number.isFinite(max) && !Number.isInteger(max))) {
    throw new BookfuzzError('BF_USAGE', `the request budget must be a whole number of requests, not ${limit}`, { where: 'request budget' });
  }
  let used = 0;
  return {
    limit: max,
    used: () => used,
    remaining: () => max - used,
    take(where) {
      if (used >= max) {
        throw new BookfuzzError('BF_BUDGET_EXHAUSTED', `the request budget of ${max} requests is spent; this request was not sent (raise it with --budget)`, { where });
      }
      used++;
    },
  };
}

/** Takes one request from the shared budget before passing a request on; refuses synchronously when it is spent. */
export function budget(requestBudget: RequestBudget): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    requestBudget.take(`${opts.method} ${opts.path}`);
    return dispatch(opts, handler);
  };
}

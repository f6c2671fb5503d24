import { Agent, type buildConnector, type Dispatcher } from 'undici';
import { BookfuzzError } from '../errors.js';
import { createActorClient } from './actor-client.js';
import { allowlist, hostNotAllowed } from './interceptors/allowlist.js';
import { budget as budgetInterceptor, createRequestBudget, type RequestBudget } from './interceptors/budget.js';
import { concurrency as concurrencyInterceptor, createInFlightLimit, type InFlightLimit } from './interceptors/concurrency.js';
import { createHostAllowlist } from './interceptors/host-allowlist.js';
import { createRateLimiter, rateLimit, type RateLimiter } from './interceptors/rate-limit.js';
import { recording } from './interceptors/recording.js';
import { retry as retryInterceptor } from './interceptors/retry.js';
import { createRetryPolicy, type RetryPolicy, type RetryStats } from './interceptors/retry-policy.js';
import type { ActorClient, Exchange, LiveSite, RecordedExchange } from './types.js';

export interface LiveSiteOptions {
  /** Where the site is, e.g. `http://127.0.0.1:8080`. Its host must be loopback or in `allowHosts`. */
  baseUrl: string;
  /** Hosts besides loopback that may be contacted (`--allow-host`). */
  allowHosts?: readonly string[];
  /** Shared by every live site of a run: one global request rate. Default: no limit. */
  rateLimiter?: RateLimiter;
  /** Shared by every live site of a run: requests beyond it are never sent. Default: no limit. */
  budget?: RequestBudget;
  /**
   * Shared by every live site of a run: how answers 429 and 503 are retried, and their counts.
   * Default: a policy of this site's own with 3 retries, waits of at most 30 s.
   */
  retry?: RetryPolicy;
  /** Requests in flight at once through this site, all actors together. Default 8. */
  concurrency?: number;
  /**
   * In-flight slots shared with other sites (the two sides of one lane): at most its limit of
   * requests in flight over all of them. Replaces `concurrency`.
   */
  inFlight?: InFlightLimit;
  /** Connect, response-headers, body-stall and whole-body timeout per request. Default 10 000 ms. */
  timeoutMs?: number;
  /** Response bodies are cut here. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Seeding token, sent as `x-bookfuzz-seed-token` on paths under `/__bookfuzz/` only. */
  seedToken?: string;
  /**
   * A parallel world of the site to work in, sent as `x-bookfuzz-world` on every request to the
   * site's origin (lanes of one run on one site). The site must echo it when seeding (`seedWorld`
   * checks). Default: none, the site's one world.
   */
  world?: string;
  /** Replace undici's connector (tests: prove nothing connects). */
  connect?: buildConnector.connector;
  /**
   * A connection pool to share between the sites of one run (warm keep-alive connections across
   * cases; cookie jars stay per site). Not closed by `close()`; its owner closes it. Usually an
   * undici `Agent`; any dispatcher will do (a benchmark wraps one to capture what is sent).
   */
  pool?: Dispatcher;
}

/** A live site with its recorder and its connection pool. */
export interface LiveSiteHandle extends LiveSite {
  /** Exchanges recorded since the last `takeExchanges()`, redacted. */
  exchanges(): Exchange[];
  /** The exchanges recorded since the last call, and forget them (redacted when read). */
  takeExchanges(): RecordedExchange[];
  /** Requests this site has sent over the network (refused ones not counted; retries counted). */
  requestCount(): number;
  /** Answers 429 and 503, retries and waits so far, of the retry policy (the run's, when it shares one). */
  retries(): RetryStats;
  /** Close the connection pool (waits for requests in flight). */
  close(): Promise<void>;
}

/**
 * Open a live site: one undici `Agent` composed with the safety rails, outermost first —
 * allowlist (refuse before any connection), retry of 429 and 503 (each retry going down the rest
 * of the chain again), budget, concurrency cap, rate limit, recording — and one cookie-keeping
 * client per actor on top. A 503 still there after the retries fails its request as a transport
 * failure (the site is down); a 429 is an answer like any other. The base URL's host is checked
 * at once.
 *
 * @example
 * const site = createLiveSite({ baseUrl: 'http://127.0.0.1:8080', rateLimiter: createRateLimiter(10) });
 * const res = await site.actor('visitor').request({ method: 'GET', path: '/start' });
 * await site.close();
 */
export function createLiveSite(options: LiveSiteOptions): LiveSiteHandle {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (error) {
    throw new BookfuzzError('BF_USAGE', `the target URL is not a valid URL: ${JSON.stringify(options.baseUrl)}`, { where: 'base URL', cause: error });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new BookfuzzError('BF_USAGE', `the target URL must be http or https, not ${base.protocol}`, { where: options.baseUrl });
  }
  const hosts = createHostAllowlist(options.allowHosts);
  if (!hosts.allows(base)) throw hostNotAllowed(base.host, options.baseUrl);

  const timeoutMs = positive(options.timeoutMs ?? defaultTimeoutMs, 'timeoutMs');
  const maxBodyBytes = positive(options.maxBodyBytes ?? 1024 * 1024, 'maxBodyBytes');
  const agent: Dispatcher = options.pool ?? createLivePool(timeoutMs, options.connect);
  const budget = options.budget ?? createRequestBudget(undefined);
  const retry = options.retry ?? createRetryPolicy();
  // compose() wraps in list order, so the last interceptor is the outermost.
  const shared: Dispatcher.DispatcherComposeInterceptor[] = [
    rateLimit(options.rateLimiter ?? createRateLimiter(undefined)),
    concurrencyInterceptor(options.inFlight ?? createInFlightLimit(options.concurrency ?? 8)),
    budgetInterceptor(budget),
    retryInterceptor(retry, budget),
    allowlist(hosts),
  ];
  let recorded: RecordedExchange[] = [];
  let sent = 0;
  const actors = new Map<string, ActorClient>();

  return {
    baseUrl: base.href,
    seedToken: options.seedToken,
    world: options.world,
    actor(id) {
      let client = actors.get(id);
      if (!client) {
        const dispatcher = agent.compose(
          recording({ actor: id, baseOrigin: base.origin, onExchange: (e) => recorded.push(e), onSend: () => sent++ }),
          ...shared,
        );
        client = createActorClient({
          actor: id,
          baseUrl: base,
          dispatcher,
          allowlist: hosts,
          seedToken: options.seedToken,
          world: options.world,
          timeoutMs,
          maxBodyBytes,
          unavailableFails: { retries: retry.maxRetries },
        });
        actors.set(id, client);
      }
      return client;
    },
    exchanges: () => recorded.map((e) => e.redacted()),
    takeExchanges() {
      const out = recorded;
      recorded = [];
      return out;
    },
    requestCount: () => sent,
    retries: () => retry.stats(),
    close: () => (options.pool ? Promise.resolve() : agent.close()),
  };
}

/** Connect, response-headers and body-stall timeout of a live site's requests unless told otherwise. */
export const defaultTimeoutMs = 10_000;

/**
 * A connection pool for live sites, with `timeoutMs` to connect, to get the response headers
 * and between body chunks. One per live site unless a run shares one (`LiveSiteOptions.pool`).
 */
export function createLivePool(timeoutMs: number, connect?: buildConnector.connector): Agent {
  return new Agent({ connect: connect ?? { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new BookfuzzError('BF_USAGE', `${name} must be a positive number, not ${value}`, { where: 'live site options' });
  return value;
}

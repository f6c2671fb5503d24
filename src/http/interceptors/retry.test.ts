import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BookfuzzError } from '../../errors.js';
import { createLiveSite, type LiveSiteHandle } from '../create-live-site.js';
import { startTestServer, type TestServer } from '../../harness/test-server.js';
import { createRequestBudget } from './budget.js';
import { createRateLimiter } from './rate-limit.js';
import { createRetryPolicy, type RetryOptions } from './retry-policy.js';

let server: TestServer | undefined;
const sites: LiveSiteHandle[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
  await server?.close();
  server = undefined;
});

/** Waits asked for, in ms, each run at once: the tests see what bookfuzz would have waited without waiting it. */
function recordedWaits(): { waits: number[]; schedule: NonNullable<RetryOptions['schedule']> } {
  const waits: number[] = [];
  return {
    waits,
    schedule: (callback, ms) => {
      waits.push(ms);
      const timer = setImmediate(callback);
      return () => clearImmediate(timer);
    },
  };
}

/**
 * A rate-limited site: at most `perSecond` requests in each one-second window, then 429 (with
 * `Retry-After: 1` unless `header` is false) until the window turns.
 */
function rateLimited(perSecond: number, header = true): (req: IncomingMessage, res: ServerResponse) => void {
  let windowStart = Date.now();
  let count = 0;
  return (req, res) => {
    if (Date.now() - windowStart >= 1000) {
      windowStart = Date.now();
      count = 0;
    }
    if (++count > perSecond) {
      res.writeHead(429, { 'content-type': 'text/plain', ...(header ? { 'retry-after': '1' } : {}) }).end('slow down');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok ${req.method} ${req.url}`);
  };
}

/** Answers 503 the first `failures` times, then 200. */
function unavailableThenOk(failures: number): (req: IncomingMessage, res: ServerResponse) => void {
  let seen = 0;
  return (_req, res) => {
    if (seen++ < failures) res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('back');
  };
}

function open(options: Parameters<typeof createLiveSite>[0]): LiveSiteHandle {
  const site = createLiveSite(options);
  sites.push(site);
  return site;
}

describe('retry of 429 and 503', () => {
  it('sends a POST again after two 503s and returns the 200; the recorder keeps one exchange that says it was retried', async () => {
    server = await startTestServer(unavailableThenOk(2));
    const { waits, schedule } = recordedWaits();
    const retry = createRetryPolicy({ schedule, random: () => 0.5 });
    const site = open({ baseUrl: server.baseUrl, retry });
    const answer = await site.actor('patient').request({ method: 'POST', path: '/book', form: { slot: '9' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('back');
    // Every method is retried: a 503 means the site did not do the work.
    expect(server.seen.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual(['POST /book slot=9', 'POST /book slot=9', 'POST /book slot=9']);
    // No Retry-After: exponential back-off from 500 ms (jitter at its middle here).
    expect(waits).toEqual([500, 1000]);
    expect(site.requestCount()).toBe(3);
    expect(site.exchanges().map((e) => [e.status, e.retries])).toEqual([[200, 2]]);
    expect(site.retries().unavailable).toMatchObject({ answers: 2, retries: 2, requests: 1, gaveUp: 0 });
  });

  it('honours Retry-After in seconds and as an HTTP date, capped at the longest wait', async () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    const asked = ['2', new Date(now + 5000).toUTCString(), '120'];
    let seen = 0;
    server = await startTestServer((_req, res) => {
      const retryAfter = asked[seen++];
      if (retryAfter === undefined) res.writeHead(200).end('ok');
      else res.writeHead(429, { 'retry-after': retryAfter }).end();
    });
    const { waits, schedule } = recordedWaits();
    const retry = createRetryPolicy({ schedule, now: () => now, maxWaitMs: 30_000 });
    const site = open({ baseUrl: server.baseUrl, retry });
    expect((await site.actor('visitor').request({ method: 'GET', path: '/slots' })).status).toBe(200);
    expect(waits).toEqual([2000, 5000, 30_000]);
    expect(retry.stats().tooManyRequests).toMatchObject({ answers: 3, retries: 3, requests: 1, gaveUp: 0, longestAskedMs: 120_000 });
  });

  it('really waits what Retry-After: 1 asks (measured loosely)', async () => {
    server = await startTestServer(rateLimited(1));
    const site = open({ baseUrl: server.baseUrl });
    const visitor = site.actor('visitor');
    expect((await visitor.request({ method: 'GET', path: '/a' })).status).toBe(200);
    const started = performance.now();
    const second = await visitor.request({ method: 'GET', path: '/b' });
    const elapsed = performance.now() - started;
    expect(second.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    // The answer's time is the last sending's, not the wait.
    expect(second.timeMs).toBeLessThan(500);
    const limited = site.retries().tooManyRequests;
    expect(limited).toMatchObject({ requests: 1, gaveUp: 0 });
    expect(limited.retries).toBe(limited.answers);
    expect(limited.waitedMs).toBeGreaterThanOrEqual(900);
  });

  it('gives up after 3 retries: the 4th 429 is returned as it is, and the site saw 4 requests', async () => {
    server = await startTestServer((_req, res) => res.writeHead(429, { 'content-type': 'text/plain' }).end('too many'));
    const { waits, schedule } = recordedWaits();
    const retry = createRetryPolicy({ schedule, random: () => 0 });
    const site = open({ baseUrl: server.baseUrl, retry });
    const answer = await site.actor('visitor').request({ method: 'GET', path: '/slots' });
    expect(answer.status).toBe(429);
    expect(answer.body).toBe('too many');
    expect(server.seen).toHaveLength(4);
    expect(waits).toEqual([375, 750, 1500]);
    expect(retry.stats().tooManyRequests).toMatchObject({ answers: 4, retries: 3, requests: 1, gaveUp: 1 });
  });

  it('a 503 still there after the retries fails the request as a transport failure (the site is down)', async () => {
    server = await startTestServer((_req, res) => res.writeHead(503, { 'retry-after': '0' }).end());
    const site = open({ baseUrl: server.baseUrl, retry: createRetryPolicy({ maxRetries: 2 }) });
    const error = await site.actor('visitor').request({ method: 'GET', path: '/start' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BookfuzzError);
    expect((error as BookfuzzError).code).toBe('BF_TRANSPORT');
    expect((error as BookfuzzError).where).toBe('GET /start');
    expect((error as BookfuzzError).message).toMatch(/503 \(Service Unavailable\), still after retrying \(up to 2 times\)/);
    expect(server.seen).toHaveLength(3);
  });

  it('counts every retry against the budget and never sends beyond it', async () => {
    server = await startTestServer((_req, res) => res.writeHead(429, { 'retry-after': '0' }).end());
    const budget = createRequestBudget(3);
    const site = open({ baseUrl: server.baseUrl, budget });
    const visitor = site.actor('visitor');
    // Three sendings (one and two retries) spend the budget: the third answer comes back as it is.
    expect((await visitor.request({ method: 'GET', path: '/slots' })).status).toBe(429);
    expect(server.seen).toHaveLength(3);
    expect(budget.remaining()).toBe(0);
    await expect(visitor.request({ method: 'GET', path: '/again' })).rejects.toMatchObject({ code: 'BF_BUDGET_EXHAUSTED' });
    expect(server.seen).toHaveLength(3);
    expect(site.retries().tooManyRequests).toMatchObject({ answers: 3, retries: 2, gaveUp: 1 });
  });

  it('a retry goes through the rate limiter like any request', async () => {
    server = await startTestServer(unavailableThenOk(1));
    const { schedule } = recordedWaits();
    let waitedForToken = 0;
    const limiter = createRateLimiter(1000);
    const counting = { rps: limiter.rps, acquire: () => (waitedForToken++, limiter.acquire()) };
    const site = open({ baseUrl: server.baseUrl, rateLimiter: counting, retry: createRetryPolicy({ schedule }) });
    expect((await site.actor('visitor').request({ method: 'GET', path: '/x' })).status).toBe(200);
    expect(waitedForToken).toBe(2);
  });

  it('once the run stops, a waiting request gets its 429 at once, as the site sent it', async () => {
    server = await startTestServer((_req, res) => res.writeHead(429, { 'retry-after': '60', 'content-type': 'text/plain' }).end('come back in a minute'));
    const stop = new AbortController();
    const site = open({ baseUrl: server.baseUrl, retry: createRetryPolicy({ signal: stop.signal }) });
    const pending = site.actor('visitor').request({ method: 'GET', path: '/slots' });
    setTimeout(() => stop.abort(), 50);
    const started = performance.now();
    const answer = await pending;
    expect(performance.now() - started).toBeLessThan(5000);
    expect(answer.status).toBe(429);
    expect(answer.body).toBe('come back in a minute');
    expect(server.seen).toHaveLength(1);
    expect(site.retries().tooManyRequests).toMatchObject({ answers: 1, retries: 0, gaveUp: 1 });
  });

  it('with retries off, every request is sent once and the 429s are still counted', async () => {
    server = await startTestServer((_req, res) => res.writeHead(429).end());
    const site = open({ baseUrl: server.baseUrl, retry: createRetryPolicy({ maxRetries: 0 }) });
    expect((await site.actor('visitor').request({ method: 'GET', path: '/x' })).status).toBe(429);
    expect(server.seen).toHaveLength(1);
    expect(site.retries().tooManyRequests).toMatchObject({ answers: 1, retries: 0, gaveUp: 1 });
  });

  it('without Retry-After, a rate-limited site is waited out by back-off, and the rate it limited at is measured', async () => {
    server = await startTestServer(rateLimited(5, false));
    // The back-off is recorded, and really waited so that the site's window turns.
    const waits: number[] = [];
    const retry = createRetryPolicy({
      random: () => 0.5,
      schedule: (callback, ms) => {
        waits.push(ms);
        const timer = setTimeout(callback, ms);
        return () => clearTimeout(timer);
      },
    });
    const site = open({ baseUrl: server.baseUrl, retry });
    const visitor = site.actor('visitor');
    for (let i = 0; i < 8; i++) expect((await visitor.request({ method: 'GET', path: `/n/${i}` })).status).toBe(200);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((ms) => [500, 1000, 2000].includes(ms))).toBe(true);
    const stats = retry.stats();
    expect(stats.tooManyRequests.gaveUp).toBe(0);
    // Six requests left within the first second when the first 429 came.
    expect(stats.rateAtFirst429).toBe(6);
  });
});

import { describe, expect, it } from 'vitest';
import type { RetriedStatus, RetryStats } from './retry-policy.js';
import { retryNotes, suggestedRps } from './retry-notes.js';

const none: RetriedStatus = { answers: 0, retries: 0, requests: 0, gaveUp: 0, waitedMs: 0 };
const policy = { maxWaitMs: 30_000 };

describe('retry notes', () => {
  it('say nothing when the site never answered 429 or 503', () => {
    expect(retryNotes({ tooManyRequests: none, unavailable: none }, policy)).toEqual([]);
  });

  it('count the 429s, the waits and the retries, and suggest half the rate at which the first 429 came', () => {
    const stats: RetryStats = { tooManyRequests: { answers: 14, retries: 14, requests: 14, gaveUp: 0, waitedMs: 21_000 }, unavailable: none, rateAtFirst429: 10.4 };
    expect(retryNotes(stats, policy)).toEqual([
      'the site answered 429 (rate limited) 14 times; bookfuzz waited 21 s in total and retried 14 requests: lower the rate with --rps 5 (half the rate at which the first 429 came, 10.4 requests per second)',
    ]);
  });

  it('take the rate the site announces, say what was left over and waits cut to the cap', () => {
    const stats: RetryStats = {
      tooManyRequests: { answers: 9, retries: 7, requests: 3, gaveUp: 2, waitedMs: 1500, longestAskedMs: 120_000 },
      unavailable: none,
      rateAtFirst429: 40,
      announced: { limit: 100, windowSeconds: 60, header: 'RateLimit-Policy' },
    };
    expect(retryNotes(stats, policy)).toEqual([
      'the site answered 429 (rate limited) 9 times; bookfuzz waited 1.5 s in total and retried 3 requests (7 retries); 2 requests still got 429 at the end and were judged on that answer; ' +
        'the site asked (Retry-After) for waits of up to 120 s, each cut to 30 s: lower the rate with --rps 1.5 (the site announces 100 requests per 60 s in RateLimit-Policy)',
    ]);
  });

  it('say that 503s left over counted as transport failures', () => {
    const stats: RetryStats = { tooManyRequests: none, unavailable: { answers: 8, retries: 6, requests: 2, gaveUp: 2, waitedMs: 0 } };
    expect(retryNotes(stats, policy)).toEqual([
      'the site answered 503 (Service Unavailable) 8 times; bookfuzz waited 0 s in total and retried 2 requests (6 retries); 2 requests still got 503 at the end and counted as transport failures (the site was down); if the site was overloaded rather than down, a lower --rps may help',
    ]);
  });

  it('suggest whole rates from 2 up, tenths below', () => {
    expect([suggestedRps(10.4 / 2), suggestedRps(2), suggestedRps(1.99), suggestedRps(0.25), suggestedRps(0.01)]).toEqual([5, 2, 1.9, 0.2, 0.1]);
  });
});

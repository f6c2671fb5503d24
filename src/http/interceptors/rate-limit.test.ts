import { afterEach, describe, expect, it } from 'vitest';
import { createLiveSite, type LiveSiteHandle } from '../create-live-site.js';
import { startTestServer, type TestServer } from '../../harness/test-server.js';
import { createRateLimiter } from './rate-limit.js';

describe('rate limiter', () => {
  it('never bursts above one second of tokens, then spaces requests evenly', async () => {
    let clock = 0;
    const limiter = createRateLimiter(10, { now: () => clock, burst: 50 });
    clock = 100_000; // long idle: the bucket is as full as it may be (burst clamped to 10)
    const settled: boolean[] = [];
    const pending = Array.from({ length: 12 }, (_, i) => limiter.acquire().then(() => void (settled[i] = true)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled.filter(Boolean)).toHaveLength(10);
    await Promise.all(pending);
  });

  it('by default (burst 1) lets one request go at once and spaces the rest by 1/rps', async () => {
    let clock = 0;
    const limiter = createRateLimiter(1000, { now: () => clock });
    clock = 5_000;
    const settled: boolean[] = [];
    const pending = Array.from({ length: 3 }, (_, i) => limiter.acquire().then(() => void (settled[i] = true)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled.filter(Boolean)).toHaveLength(1);
    await Promise.all(pending);
  });

  it('is off for 0 or undefined', async () => {
    expect(createRateLimiter(0).rps).toBe(0);
    await createRateLimiter(undefined).acquire();
  });
});

describe('rate-limit interceptor', () => {
  let server: TestServer | undefined;
  const sites: LiveSiteHandle[] = [];
  afterEach(async () => {
    await Promise.all(sites.splice(0).map((s) => s.close()));
    await server?.close();
    server = undefined;
  });

  it('with 20 rps, 40 requests take about 2 s, shared by two live sites', async () => {
    server = await startTestServer((_req, res) => res.end('ok'));
    const limiter = createRateLimiter(20);
    const a = createLiveSite({ baseUrl: server.baseUrl, rateLimiter: limiter });
    const b = createLiveSite({ baseUrl: server.baseUrl, rateLimiter: limiter });
    sites.push(a, b);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).actor(`actor-${i % 3}`).request({ method: 'GET', path: `/r/${i}` })),
    );
    const seconds = (performance.now() - started) / 1000;
    expect(server.seen).toHaveLength(40);
    // 39 intervals of 50 ms after the first request: 1.95 s; ±10 % around 2 s.
    expect(seconds).toBeGreaterThan(1.8);
    expect(seconds).toBeLessThan(2.2);
  });
});

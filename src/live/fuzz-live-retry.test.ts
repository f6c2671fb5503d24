/** A live run against sites that answer 429 and 503: retried, counted, said in the notes, never a silent pass. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { oracles } from '../oracles/index.js';
import { loadSpecModel } from '../flow-spec/load-spec-model.js';
import { fuzzLive } from './fuzz-live.js';
import { startTestServer, type TestServer } from '../harness/test-server.js';

const spec = `name: slots
title: Slots
description: A visitor looks at the free slots of a clinic.
identities: { count: 1 }
actors:
  visitor: { description: someone }
setup:
  seed: [{ method: POST, path: /seed, json: {}, expect: [200] }]
actions:
  view-slots:
    actors: [visitor]
    requests:
      - path: /slots
maxSteps: 2
`;

/** At most `perSecond` requests in each one-second window; the others get 429 with Retry-After: 1. */
function rateLimitedSite(perSecond: number): (req: IncomingMessage, res: ServerResponse) => void {
  let windowStart = Date.now();
  let count = 0;
  return (req, res) => {
    if (Date.now() - windowStart >= 1000) {
      windowStart = Date.now();
      count = 0;
    }
    if (++count > perSecond) return void res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' }).end('Too many requests');
    if (req.url === '/seed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><h1>Free slots</h1><p>Tuesday 09:10</p></body></html>');
  };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a live run against a site that answers 429 and 503', () => {
  it('waits the rate limit out and says so in the notes, with the --rps to use', async () => {
    server = await startTestServer(rateLimitedSite(20));
    const model = await loadSpecModel('/specs/slots.yaml', { text: spec });
    const { document, gaveUp } = await fuzzLive(model, oracles, { target: server.baseUrl, runs: 6, seed: 4, oracles: ['indistinguishable'] });
    expect(gaveUp).toBeUndefined();
    expect(server.seen.filter((r) => r.url === '/slots').length).toBeGreaterThan(0);
    const notes = document.notes ?? [];
    expect(notes.filter((n) => n.startsWith('transport error'))).toEqual([]);
    const note = notes.find((n) => n.startsWith('the site answered 429'));
    expect(note).toMatch(/^the site answered 429 \(rate limited\) \d+ times; bookfuzz waited [\d.]+ s in total and retried \d+ requests?( \(\d+ retries\))?: lower the rate with --rps [\d.]+ \(half the rate at which the first 429 came, [\d.]+ requests per second\)$/);
    // The site takes 20 a second: the rate suggested is under that, half the rate measured at the first 429.
    const [, suggested, measured] = (/--rps ([\d.]+) \(half the rate at which the first 429 came, ([\d.]+) requests per second/.exec(note ?? '') ?? []).map(Number);
    expect(suggested).toBeGreaterThan(0);
    expect(suggested).toBeLessThanOrEqual(20);
    expect(suggested).toBeLessThanOrEqual((measured ?? 0) / 2);
    // Every 429 was retried until it went through: no answer 429 reached the run.
    const answered429 = Number(/answered 429 \(rate limited\) (\d+) times/.exec(note ?? '')?.[1]);
    expect(server.seen.length).toBeGreaterThan(answered429);
  }, 120_000);

  it('against a site that always answers 503, gives up with the transport error and says what was retried', async () => {
    server = await startTestServer((_req, res) => res.writeHead(503, { 'retry-after': '0', 'content-type': 'text/plain' }).end('Service Unavailable'));
    const model = await loadSpecModel('/specs/slots.yaml', { text: spec });
    const { document, gaveUp } = await fuzzLive(model, oracles, { target: server.baseUrl, runs: 20, seed: 4, oracles: ['indistinguishable'] });
    expect(gaveUp?.code).toBe('BF_TRANSPORT');
    expect(gaveUp?.message).toMatch(/the target failed 5 times in a row, the run stopped: the site answered 503 \(Service Unavailable\), still after retrying \(up to 3 times\)/);
    expect(document.findings).toEqual([]);
    // The first five requests were each sent four times (three retries), then the run gave up, and
    // no request waits or is retried once the run stops (the engine's own last requests go out once).
    const retried = 5 * 4;
    expect(server.seen.length).toBeGreaterThanOrEqual(retried);
    const note = (document.notes ?? []).find((n) => n.startsWith('the site answered 503'));
    expect(note).toBe(
      `the site answered 503 (Service Unavailable) ${server.seen.length} times; bookfuzz waited 0 s in total and retried 5 requests (15 retries); ` +
        `${server.seen.length - 15} requests still got 503 at the end and counted as transport failures (the site was down); if the site was overloaded rather than down, a lower --rps may help`,
    );
  }, 120_000);
});

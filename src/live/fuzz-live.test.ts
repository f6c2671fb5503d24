/** Live mode through the library API, on the embedded staging site (127.0.0.1 only). */
import { describe, expect, it } from 'vitest';
import { fuzz } from '../index.js';
import { countingProxy } from '../flow-spec/spec-test-support.js';
import { startStagingSite } from '../staging/index.js';
import { REDACTED } from '../http/redact.js';
import { startTestServer } from '../harness/test-server.js';
import type { Exchange } from '../http/types.js';

describe('fuzz (library API, live mode)', () => {
  it('finds a planted flaw on the staging site and returns the run document, findings with a curl script', async () => {
    const run = await fuzz('household-booking', { staging: true, flaws: ['idor-view'], runs: 40, seed: 1, oracles: ['no-canary-leak'] });
    expect(run.mode).toBe('live');
    expect(run.target).toBe('staging');
    expect(run.findings.map((f) => f.oracle)).toContain('no-canary-leak');
    expect(run.findings[0]?.curl).toMatch(/^#!\/bin\/sh/);
    // The finding's exchanges, recorded raw while the case ran, come out redacted.
    const exchanges = (run.findings[0]?.observations.a ?? []).flatMap((o) => (Array.isArray(o['exchanges']) ? o['exchanges'] : [])) as unknown as Exchange[];
    const cookies = exchanges.map((e) => e.requestHeaders['cookie']).filter((c) => c !== undefined);
    const tokens = exchanges.map((e) => e.requestHeaders['x-bookfuzz-seed-token']).filter((t) => t !== undefined);
    expect(cookies.length).toBeGreaterThan(0);
    expect(tokens.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(new RegExp(`^[^=;]+=${REDACTED}(; [^=;]+=${REDACTED})*$`));
    for (const token of tokens) expect(token).toBe(REDACTED);
  }, 300_000);

  it('never exceeds the request budget: the site sees at most that many requests, and the report says the budget was spent', async () => {
    const site = await startStagingSite({ seedToken: 'tok', port: 0 });
    const proxy = await countingProxy(site.url);
    try {
      const run = await fuzz('nhs-covid-booking', { target: proxy.url, seedToken: 'tok', budget: 120, runs: 1000, seed: 2 });
      expect(proxy.seen.length).toBeLessThanOrEqual(120);
      expect(proxy.seen.length).toBeGreaterThan(60);
      expect(run.notes).toContain('the request budget of 120 requests was spent; the run stopped there');
      expect(run.status).toBe('passed');
    } finally {
      await proxy.close();
      await site.close();
    }
  }, 300_000);

  it('--workers 2 on one site (two parallel worlds) finds the same as --workers 1', async () => {
    const site = await startStagingSite({ seedToken: 'tok', port: 0, flaws: ['idor-view'] });
    try {
      const options = { target: site.url, seedToken: 'tok', runs: 200, seed: 3, confirmations: 1, oracles: ['no-canary-leak'] };
      const one = await fuzz('household-booking', { ...options, workers: 1 });
      const two = await fuzz('household-booking', { ...options, workers: 2 });
      const keys = (run: typeof one) => run.findings.map((f) => `${f.oracle} ${f.id}`).sort();
      expect(one.findings.length).toBeGreaterThan(0);
      expect(keys(two)).toEqual(keys(one));
      expect((two.notes ?? []).filter((n) => n.startsWith("transport error"))).toEqual([]);
    } finally {
      await site.close();
    }
  }, 300_000);

  it('--parallel-worlds runs one lane\'s twin sides at once in two worlds of the target, one request in flight, same findings; a one-world site is refused', async () => {
    const site = await startStagingSite({ seedToken: 'tok', port: 0, flaws: ['idor-view'] });
    const proxy = await countingProxy(site.url);
    try {
      const options = { seedToken: 'tok', runs: 100, seed: 3, confirmations: 1, oracles: ['no-canary-leak'] };
      const inTurn = await fuzz('household-booking', { ...options, target: site.url });
      const atOnce = await fuzz('household-booking', { ...options, target: proxy.url, parallelWorlds: true });
      const keys = (run: typeof inTurn) => run.findings.map((f) => `${f.oracle} ${f.id}`).sort();
      expect(inTurn.findings.length).toBeGreaterThan(0);
      expect(keys(atOnce)).toEqual(keys(inTurn));
      const names = new Set(proxy.worlds.map((w) => w?.replace(/^bookfuzz-[0-9a-f]+-/, '')));
      expect([...names].sort()).toEqual(['1-a', '1-b']);
      expect(proxy.mostInFlight()).toBe(1);
    } finally {
      await proxy.close();
      await site.close();
    }
    const oneWorld = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ seeded: 'household-booking' }));
    });
    try {
      await expect(fuzz('household-booking', { target: oneWorld.baseUrl, seedToken: 'tok', runs: 5, seed: 1, parallelWorlds: true })).rejects.toThrow(
        /keeps one world.*without --parallel-worlds/,
      );
    } finally {
      await oneWorld.close();
    }
  }, 300_000);

  it('leaves the timing oracle out of the default live list (it costs requests: opt-in with --oracles timing)', async () => {
    const run = await fuzz('nhs-covid-booking', { staging: true, variant: 'fixed', runs: 1, seed: 1 });
    expect(run.oracles).not.toContain('timing');
    expect(run.oracles).toContain('indistinguishable');
  }, 120_000);

  it('refuses a host outside the allowlist before anything else', async () => {
    await expect(fuzz('nhs-covid-booking', { target: 'http://192.0.2.10:8080', runs: 1 })).rejects.toThrow(/not allowed/);
  });
});

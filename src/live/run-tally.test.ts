/**
 * A live run says what it cost and whether it tested anything: requests by phase, each action's
 * steps, and `inconclusive` when the flow was never entered or the site never answered usably.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { fuzzLive } from './fuzz-live.js';
import { laneTotals, requestMeter, stepsInconclusive, stepTally } from './run-tally.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A site that answers every request the same way. */
async function site(answer: (path: string) => { status: number; headers: Record<string, string>; body: string }): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const { status, headers, body } = answer(req.url ?? '/');
      res.writeHead(status, headers).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('what a live run cost and whether it tested anything', () => {
  it('counts requests by phase and the steps of each action, on the staging site', async () => {
    const model = await loadModel('nhs-covid-booking');
    const { document } = await fuzzLive(model, oracles, { staging: true, variant: 'fixed', runs: 5, seed: 3, oracles: ['indistinguishable'] });
    expect(document.status).toBe('passed');
    const requests = document.stats.requests;
    expect(requests?.total).toBeGreaterThan(0);
    const byPhase = requests?.byPhase ?? {};
    expect(Object.values(byPhase).reduce((sum, n) => sum + (n ?? 0), 0)).toBe(requests?.total);
    expect(byPhase.calibration).toBeGreaterThan(0);
    expect(byPhase.search).toBeGreaterThan(0);
    expect(byPhase.setup).toBeGreaterThan(0);
    const actions = document.stats.actions ?? [];
    expect(actions.map((a) => a.action)).toContain('submit-identity');
    for (const a of actions) expect(a.sent).toBe(a.ok + a.refused + a.failed);
    expect(actions.some((a) => a.ok > 0)).toBe(true);
  }, 120_000);

  it('a site whose every page is the same 200 (no seeding endpoint, no flow) is inconclusive, never passed', async () => {
    const url = await site(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html><title>Hello</title><p>Welcome</p></html>' }));
    const model = await loadModel('nhs-covid-booking');
    const { document } = await fuzzLive(model, oracles, { target: url, runs: 3, seed: 1, oracles: ['indistinguishable'] });
    expect(document.findings).toEqual([]);
    expect(document.status).toBe('inconclusive');
    expect(document.reason).toMatch(/the seeding endpoint answered 200 without \{"seeded": \.\.\.\}/);
  }, 60_000);

  it('a site whose flow pages redirect to themselves is inconclusive, never passed', async () => {
    const url = await site((path) => ({ status: 302, headers: { location: path }, body: '' }));
    const model = await loadModel('nhs-covid-booking');
    const { document, gaveUp } = await fuzzLive(model, oracles, { target: url, runs: 3, seed: 1, oracles: ['indistinguishable'] });
    expect(document.status).toBe('inconclusive');
    expect(document.reason).toBeDefined();
    expect(gaveUp).toBeDefined();
  }, 60_000);

  it('judges steps: never past the first, or mostly transport errors, is inconclusive; a flow entered once is not', () => {
    const tally = stepTally();
    tally.step('open', 0, 'ok');
    tally.step('book', 1, 'refused');
    tally.step('book', 1, 'refused');
    expect(stepsInconclusive(tally.totals())).toMatch(/no step past the first of a case was ever accepted \(2 tried\)/);
    tally.step('book', 1, 'ok');
    expect(stepsInconclusive(tally.totals())).toBeUndefined();
    expect(tally.actions()).toEqual([
      { action: 'open', sent: 1, ok: 1, refused: 0, failed: 0 },
      { action: 'book', sent: 3, ok: 1, refused: 2, failed: 0 },
    ]);
    const failing = stepTally();
    for (let i = 0; i < 3; i++) failing.step('open', 0, 'failed');
    failing.step('open', 0, 'ok');
    expect(stepsInconclusive(failing.totals())).toMatch(/most steps ended in transport errors \(3 of 4\)/);
  });

  it('adds up what several lanes counted: requests by phase, actions, steps', () => {
    const lane = (phases: [Parameters<ReturnType<typeof requestMeter>['add']>[0], number][], steps: [string, number, 'ok' | 'refused' | 'failed'][]) => {
      const meter = requestMeter();
      for (const [phase, n] of phases) meter.add(phase, n);
      const tally = stepTally();
      for (const [action, index, outcome] of steps) tally.step(action, index, outcome);
      return { requestsSent: meter.total, requestsByPhase: meter.byPhase, actionStats: tally.actions, stepTotals: tally.totals };
    };
    const totals = laneTotals([
      lane([['calibration', 12], ['search', 30]], [['open', 0, 'ok'], ['book', 1, 'refused']]),
      lane([['search', 10], ['confirmation', 8]], [['book', 1, 'ok'], ['book', 1, 'failed']]),
    ]);
    expect(totals.requests).toEqual({ total: 60, byPhase: { calibration: 12, search: 40, confirmation: 8 } });
    expect(totals.actions).toEqual([
      { action: 'open', sent: 1, ok: 1, refused: 0, failed: 0 },
      { action: 'book', sent: 3, ok: 1, refused: 1, failed: 1 },
    ]);
    expect(totals.steps).toEqual({ steps: 4, okPastFirst: 1, pastFirst: 3, failed: 1 });
  });
});

/** The lanes of a live run on the embedded staging site (127.0.0.1 only), through a counting proxy. */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../engine/check.js';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { countingProxy } from '../flow-spec/spec-test-support.js';
import { startStagingSite } from '../staging/index.js';
import { openLiveLanes } from './live-lanes.js';

describe('live lanes', () => {
  it("runs a twin's two sides at once in two worlds with one request in flight, and finds what the sides in turn find", async () => {
    const site = await startStagingSite({ seedToken: 'tok', port: 0, flaws: ['idor-view'] });
    const proxy = await countingProxy(site.url);
    const model = await loadModel('household-booking');
    const binding = model.http;
    if (!binding) throw new Error('household-booking has an HTTP binding');
    const search = async (worlds: string | undefined) => {
      const lanes = openLiveLanes({ model, binding, lanes: 1, worlds, site: { baseUrl: proxy.url, seedToken: 'tok' } });
      const sent = proxy.seen.length;
      try {
        const run = await checkModel(model, oracles, {
          runs: 40,
          seed: 5,
          runners: lanes.runners,
          oracles: ['no-canary-leak', 'indistinguishable'],
          describe: { variant: 'flaws:idor-view', flaws: ['idor-view'] },
        });
        return { run, seen: proxy.seen.slice(sent), worlds: proxy.worlds.slice(sent) };
      } finally {
        await lanes.close();
      }
    };
    try {
      const together = await search('lane');
      const inTurn = await search(undefined);
      const keys = (run: typeof together.run) => run.findings.map((f) => `${f.oracle} ${f.id}`).sort();
      expect(keys(together.run).length).toBeGreaterThan(0);
      expect(keys(together.run)).toEqual(keys(inTurn.run));
      // The same requests, each side in its own world, never two at once.
      expect(together.seen.length).toBe(inTurn.seen.length);
      expect(new Set(together.worlds)).toEqual(new Set(['lane-1-a', 'lane-1-b']));
      expect(new Set(inTurn.worlds)).toEqual(new Set([undefined]));
      expect(proxy.mostInFlight()).toBe(1);
      // In turn, the sides would change places about twice a case (once per seeding); at once,
      // their requests interleave.
      const seeds = together.seen.filter((line) => line === 'POST /__bookfuzz/seed').length;
      const switches = together.worlds.filter((world, i) => i > 0 && world !== together.worlds[i - 1]).length;
      expect(seeds).toBeGreaterThan(0);
      expect(switches).toBeGreaterThan(4 * seeds);
    } finally {
      await proxy.close();
      await site.close();
    }
  }, 300_000);

  it('refuses several lanes without parallel worlds', async () => {
    const model = await loadModel('household-booking');
    const binding = model.http;
    if (!binding) throw new Error('household-booking has an HTTP binding');
    expect(() => openLiveLanes({ model, binding, lanes: 2, worlds: undefined, site: { baseUrl: 'http://127.0.0.1:9' } })).toThrow(/parallel worlds/);
  });
});

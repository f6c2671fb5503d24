import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStagingSite, type StagingSite } from '../staging/index.js';
import { loadSpecModel } from './load-spec-model.js';
import { countingProxy, fuzzLive } from './spec-test-support.js';

const specFile = fileURLToPath(new URL('../../models/nhs-covid-booking/spec.yaml', import.meta.url));
const specText = readFileSync(specFile, 'utf8');
const withCleanup = `${specText}\ncleanup:\n  - { path: /probe/cleanup }\n`;
const count = (seen: readonly string[], line: string) => seen.filter((s) => s === line).length;

describe('side-effect guard and cleanup', () => {
  let staging: StagingSite;
  beforeAll(async () => {
    staging = await startStagingSite({ flaws: ['second-dose-unverified'], seedToken: 'spec-test-token' });
  });
  afterAll(async () => staging.close());

  it('never sends an irreversible step without the flag; sends it with the flag', async () => {
    const proxy = await countingProxy(staging.url);
    try {
      const guarded = await loadSpecModel(specFile);
      await fuzzLive(guarded, { url: proxy.url, runs: 40 });
      expect(count(proxy.seen, 'POST /__bookfuzz/seed')).toBeGreaterThan(40);
      expect(count(proxy.seen, 'POST /nhs-covid-booking/confirm')).toBe(0);
      const allowed = await loadSpecModel(specFile, { allowIrreversible: true });
      await fuzzLive(allowed, { url: proxy.url, runs: 40, oracles: ['authorized'] });
      expect(count(proxy.seen, 'POST /nhs-covid-booking/confirm')).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  it('cleanup runs after every run side that succeeded', async () => {
    const proxy = await countingProxy(staging.url);
    try {
      const model = await loadSpecModel('/tmp/with-cleanup.yaml', { text: withCleanup });
      await fuzzLive(model, { url: proxy.url, runs: 10, oracles: ['indistinguishable'] });
      const seeds = count(proxy.seen, 'POST /__bookfuzz/seed');
      expect(seeds).toBeGreaterThan(10);
      expect(count(proxy.seen, 'GET /probe/cleanup')).toBe(seeds);
    } finally {
      await proxy.close();
    }
  });

  it('cleanup runs after a run side that failed', async () => {
    const proxy = await countingProxy(staging.url);
    try {
      const broken = withCleanup.replace(/input\[name=_csrf\]", attr: value \} \}\n  submit-identity/, 'input[name=nothing]", attr: value } }\n  submit-identity');
      expect(broken).not.toBe(withCleanup);
      const model = await loadSpecModel('/tmp/broken.yaml', { text: broken.replace('open-service, submit-identity, choose-slot', 'open-service') });
      await expect(fuzzLive(model, { url: proxy.url, runs: 10 })).rejects.toThrow(/never matched/);
      const seeds = count(proxy.seen, 'POST /__bookfuzz/seed');
      expect(seeds).toBeGreaterThan(0);
      expect(count(proxy.seen, 'GET /probe/cleanup')).toBe(seeds);
    } finally {
      await proxy.close();
    }
  });

  it('cleanup runs after an interrupted run (Ctrl-C as an AbortSignal)', async () => {
    const proxy = await countingProxy(staging.url);
    const controller = new AbortController();
    try {
      const model = await loadSpecModel('/tmp/with-cleanup.yaml', { text: withCleanup });
      const timer = setInterval(() => {
        if (proxy.seen.length > 60) controller.abort();
      }, 5);
      const run = await fuzzLive(model, { url: proxy.url, runs: 200, signal: controller.signal }).finally(() => clearInterval(timer));
      expect(run.status).toBe('interrupted');
      const seeds = count(proxy.seen, 'POST /__bookfuzz/seed');
      expect(count(proxy.seen, 'GET /probe/cleanup')).toBe(seeds);
    } finally {
      await proxy.close();
    }
  });
});

/** Same seed, same findings: with 1 or 2 workers, and across shards merged versus one run. */
import { describe, expect, it } from 'vitest';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { checkModel, simulatorRunner } from './check.js';
import { idleLanesNote, parseShard } from './chunks.js';
import { mergeRunDocuments } from './merge.js';
import type { RunDocument } from './run-document.js';

const summary = (d: RunDocument) => ({ findings: d.findings.map((f) => [f.oracle, f.key, f.id]), cases: d.stats.cases, steps: d.stats.steps });

describe('parallel and sharded runs', () => {
  it.each(['nhs-covid-booking', 'household-booking'])('%s: --workers 2 gives the same findings as --workers 1', async (name) => {
    const model = await loadModel(name);
    const one = await checkModel(model, oracles, { variant: 'vulnerable', seed: 9, runs: 400, workers: 1 });
    const two = await checkModel(model, oracles, { variant: 'vulnerable', seed: 9, runs: 400, workers: 2 });
    expect(one.findings.length).toBeGreaterThan(0);
    expect(summary(two)).toEqual(summary(one));
  });

  it.each(['record-access', 'referral-smartcard'])('%s: shards 1/2 + 2/2 merged equal one unsharded run', async (name) => {
    const model = await loadModel(name);
    const whole = await checkModel(model, oracles, { variant: 'vulnerable', seed: 4, runs: 300 });
    const first = await checkModel(model, oracles, { variant: 'vulnerable', seed: 4, runs: 300, shard: parseShard('1/2') ?? undefined });
    const second = await checkModel(model, oracles, { variant: 'vulnerable', seed: 4, runs: 300, shard: parseShard('2/2') ?? undefined });
    expect(first.shard).toBe('1/2');
    expect(first.stats.cases).toBeLessThan(whole.stats.cases);
    const [merged] = mergeRunDocuments([second, first]);
    expect(merged && summary(merged)).toEqual(summary(whole));
    expect(merged?.notes).toBeUndefined();
  });

  it('a run with more lanes than chunks says that the extra lanes had no work, and which --runs gives each a chunk', async () => {
    const model = await loadModel('nhs-covid-booking');
    const lanes = Array.from({ length: 8 }, () => simulatorRunner(model, new Set()));
    const short = await checkModel(model, oracles, { variant: 'fixed', seed: 1, runs: 100, runners: lanes });
    const chunks = short.oracles.length;
    expect(chunks).toBeLessThan(8);
    const perOracle = Math.ceil(8 / chunks);
    expect(short.notes).toEqual([
      `8 lanes (--workers) but this run has ${chunks} chunks (one per oracle per 100 runs), so only ${chunks} searched and the run was no faster than with --workers ${chunks}; --runs ${perOracle * 100} gives every lane a chunk`,
    ]);
    const enough = await checkModel(model, oracles, { variant: 'fixed', seed: 1, runs: perOracle * 100, runners: lanes });
    expect(enough.notes).toBeUndefined();
    // In a shard, the suggestion counts the shard's slice of the chunks.
    expect(idleLanesNote(8, chunks, 3, { index: 1, count: 2 })).toContain(`--runs ${Math.ceil(16 / chunks) * 100} gives`);
    expect(idleLanesNote(1, chunks, 1, undefined)).toBeUndefined();
    expect(idleLanesNote(8, chunks, 0, { index: 3, count: 40 })).toBeUndefined();
  });

  it('a merge that misses a shard says so', async () => {
    const model = await loadModel('nhs-covid-booking');
    const first = await checkModel(model, oracles, { variant: 'fixed', seed: 1, runs: 200, shard: parseShard('1/3') ?? undefined });
    const [merged] = mergeRunDocuments([first]);
    expect(merged?.notes).toEqual(['shards missing from the merge: 2/3, 3/3']);
  });

  it('rejects a malformed shard', () => {
    expect(parseShard('3/2')).toBeNull();
    expect(parseShard('0/2')).toBeNull();
    expect(parseShard('1of2')).toBeNull();
    expect(parseShard('2/2')).toEqual({ index: 2, count: 2 });
  });
});

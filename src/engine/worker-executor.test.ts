/** `--workers N` in model mode: N worker threads search, this thread collects their results. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { checkModel } from './check.js';
import { writeModelWithSimulatorPrelude } from './engine-test-support.js';
import { planSize, type ChunkExecutor, type ChunkPlan, type ChunkResult, type ChunkTask } from './chunks.js';
import type { ChunkWorkerData } from './chunk-worker.js';
import { workerExecutor } from './worker-executor.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../..');
const modelFile = join(repo, 'models/nhs-covid-booking/index.ts');
const data: ChunkWorkerData = { model: modelFile, cwd: repo, variant: 'vulnerable', flaws: [], seed: 2, runs: 3000, confirmations: 0, maxFindings: 8 };
const scratch = mkdtempSync(join(tmpdir(), 'bookfuzz-executor-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** This thread's lane, counting the chunks it is given. */
function countingLane(): { local: (task: ChunkTask) => Promise<ChunkResult>; here: Set<number> } {
  const here = new Set<number>();
  return {
    here,
    local: async (task) => {
      here.add(task.index);
      return { task, findings: [], cases: task.runs, steps: 0, unconfirmed: 0 };
    },
  };
}

describe('workerExecutor', () => {
  it('shares the chunks among worker threads, with the findings and progress of a one-lane run', async () => {
    const model = await loadModel(modelFile);
    const options = { variant: 'vulnerable', seed: 2, runs: 3000, oracles: ['indistinguishable'] } as const;
    const alone = await checkModel(model, oracles, options);
    let here = 0;
    let all = 0;
    const executor: ChunkExecutor = (plan, local, onResult, signal) => {
      all = planSize(plan);
      return workerExecutor(2, { ...data, flaws: alone.flaws })(plan, (task, lane) => {
        here++;
        return local(task, lane);
      }, onResult, signal);
    };
    const progress: number[] = [];
    const shared = await checkModel(model, oracles, {
      ...options,
      executor,
      onEvent: (event) => {
        if (event.type === 'case-finished') progress.push(event.cases);
      },
    });
    expect(all).toBe(30);
    // Every chunk was searched by a worker; this thread only collected.
    expect(here).toBe(0);
    expect(shared.findings.length).toBeGreaterThan(0);
    expect(shared.findings.map((f) => f.id)).toEqual(alone.findings.map((f) => f.id));
    expect(shared.stats.cases).toBe(alone.stats.cases);
    // The progress bar counts the workers' cases, and ends within one report of the total.
    expect(Math.max(...progress)).toBeLessThanOrEqual(shared.stats.cases);
    expect(Math.max(...progress)).toBeGreaterThan(shared.stats.cases - 50);
  });

  it('searches a run of one chunk in this thread, without starting a worker', async () => {
    const lane = countingLane();
    const results: ChunkResult[] = [];
    await workerExecutor(4, { ...data, model: join(scratch, 'no-such-model.ts') })({ oracles: ['indistinguishable'], runs: 100 }, lane.local, (r) => results.push(r));
    expect(results.map((r) => r.task.index)).toEqual([0]);
    expect([...lane.here]).toEqual([0]);
  });

  it('stops the other lanes when one fails, and reports the failure', async () => {
    const file = join(scratch, 'breaks-on-the-tenth-run.ts');
    writeModelWithSimulatorPrelude(file, modelFile, "if (++runs === 10) throw new Error('the simulator broke');", ['let runs = 0;']);
    const model = await loadModel(file);
    let results = 0;
    const executor: ChunkExecutor = (plan, local, onResult, signal) =>
      workerExecutor(2, { ...data, model: file, runs: 30_000 })(plan, local, (result) => {
        results++;
        onResult(result);
      }, signal);
    await expect(checkModel(model, oracles, { variant: 'vulnerable', seed: 2, runs: 30_000, oracles: ['indistinguishable'], executor })).rejects.toThrow(
      /the simulator broke/,
    );
    const atFailure = results;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(results).toBe(atFailure);
    expect(results).toBeLessThan(300);
  });

  it('stops every lane after the chunk each is searching when the run is aborted', async () => {
    const plan: ChunkPlan = { oracles: ['indistinguishable'], runs: 30_000 };
    const controller = new AbortController();
    const lane = countingLane();
    let results = 0;
    await workerExecutor(2, { ...data, runs: 30_000 }, controller.signal)(plan, lane.local, () => {
      results++;
      controller.abort();
    });
    // Each worker finishes the chunk it had taken (and results already on their way arrive), and takes no other.
    expect(results).toBeGreaterThan(0);
    expect(results).toBeLessThan(planSize(plan) / 10);
    expect(lane.here.size).toBe(0);

    // A run aborted before it began searches nothing, on any lane; the run's own signal stops it as well.
    const before = new AbortController();
    before.abort();
    let after = 0;
    await workerExecutor(2, { ...data, runs: 30_000 }, before.signal)(plan, lane.local, () => after++);
    await workerExecutor(2, { ...data, runs: 30_000 })(plan, lane.local, () => after++, before.signal);
    expect(after).toBe(0);
  });
});

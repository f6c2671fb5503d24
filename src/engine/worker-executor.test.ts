/** `--workers N` in model mode: this thread is one lane, worker threads are the others. */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { checkModel } from './check.js';
import { planChunks, type ChunkExecutor, type ChunkResult } from './chunks.js';
import type { ChunkWorkerData } from './chunk-worker.js';
import { workerExecutor } from './worker-executor.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../..');
const modelFile = join(repo, 'models/nhs-covid-booking/index.ts');
const data: ChunkWorkerData = { model: modelFile, cwd: repo, variant: 'vulnerable', flaws: [], seed: 2, runs: 3000, confirmations: 0, maxFindings: 8 };

describe('workerExecutor', () => {
  it('shares the chunks between this thread and a worker thread, with the findings and progress of a one-lane run', async () => {
    const model = await loadModel(modelFile);
    const options = { variant: 'vulnerable', seed: 2, runs: 3000, oracles: ['indistinguishable'] } as const;
    const alone = await checkModel(model, oracles, options);
    let here = 0;
    let all = 0;
    const executor: ChunkExecutor = (tasks, local, onResult) => {
      all = tasks.length;
      return workerExecutor(2, { ...data, flaws: alone.flaws })(tasks, (task, lane) => {
        here++;
        return local(task, lane);
      }, onResult);
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
    expect(here).toBeGreaterThan(0);
    expect(here).toBeLessThan(all);
    expect(shared.findings.map((f) => f.id)).toEqual(alone.findings.map((f) => f.id));
    expect(shared.stats.cases).toBe(alone.stats.cases);
    // The progress bar counts the worker's cases too, and ends within one report of the total.
    expect(Math.max(...progress)).toBeLessThanOrEqual(shared.stats.cases);
    expect(Math.max(...progress)).toBeGreaterThan(shared.stats.cases - 50);
  });

  it('stops the other lanes when this thread fails, and reports the failure', async () => {
    const model = await loadModel(modelFile);
    let results = 0;
    let calls = 0;
    const executor: ChunkExecutor = (tasks, local, onResult) =>
      workerExecutor(2, { ...data, runs: 30_000 })(tasks, (task, lane) => {
        // Fail once the worker has started and sent results of its own.
        if (results > calls) throw new Error(`the simulator broke on chunk ${task.index}`);
        calls++;
        return local(task, lane);
      }, (result) => {
        results++;
        onResult(result);
      });
    await expect(checkModel(model, oracles, { variant: 'vulnerable', seed: 2, runs: 30_000, oracles: ['indistinguishable'], executor })).rejects.toThrow(
      /the simulator broke on chunk \d+/,
    );
    const atFailure = results;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(results).toBe(atFailure);
  });


  it('stops every lane, the workers too, after the chunk each is searching when the run is aborted', async () => {
    const tasks = planChunks(['indistinguishable'], 30_000);
    const controller = new AbortController();
    const here = new Set<number>();
    // This thread's lane only pretends to search; the worker searches for real.
    const local = async (task: (typeof tasks)[number]): Promise<ChunkResult> => {
      here.add(task.index);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { task, findings: [], cases: task.runs, steps: 0, unconfirmed: 0 };
    };
    const results = await workerExecutor(2, { ...data, runs: 30_000 }, controller.signal)(tasks, local, (result) => {
      if (!here.has(result.task.index)) controller.abort();
    });
    expect(results.some((r) => !here.has(r.task.index))).toBe(true);
    expect(results.length).toBeLessThan(tasks.length / 2);

    // A run aborted before it began searches nothing, on any lane.
    const before = new AbortController();
    before.abort();
    expect(await workerExecutor(2, { ...data, runs: 30_000 }, before.signal)(tasks, local, () => {})).toEqual([]);
  });
});

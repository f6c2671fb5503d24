/**
 * A worker thread of `--workers N` (model mode): gets the model, then searches the chunks the
 * main thread sends, one at a time, and posts each result back. Started either from a bundle
 * made for the run (`worker-bundle.ts`, which hands over the model module it bundled) or
 * through tsx (`chunk-worker-entry.mjs`, which loads the model by its source path).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Model } from '../model/model.js';
import { oracles } from '../oracles/index.js';
import { twinCaseArbitrary } from '../world/twin-case.js';
import type { ChunkResult, ChunkTask } from './chunks.js';
import { searchChunk, simulatorRunner, type ChunkContext } from './check.js';

export interface ChunkWorkerData {
  model: string;
  cwd: string;
  variant: string;
  flaws: string[];
  seed: number;
  runs: number;
  confirmations: number;
  maxFindings: number;
}

/** What a worker says to the main thread. */
export type ChunkWorkerMessage = { ready: true } | { result: ChunkResult } | { error: string };

export async function startChunkWorker(getModel: (data: ChunkWorkerData) => Promise<Model>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the chunk worker runs in a worker thread only');
  const post = (message: ChunkWorkerMessage) => port.postMessage(message);
  const data = workerData as ChunkWorkerData;
  let model: Model;
  try {
    model = await getModel(data);
  } catch (error) {
    post({ error: error instanceof Error ? error.message : String(error) });
    return;
  }
  const context: ChunkContext = {
    model,
    variant: data.variant,
    flaws: data.flaws,
    seed: data.seed,
    runs: data.runs,
    arbitrary: twinCaseArbitrary(model),
    runner: simulatorRunner(model, new Set(data.flaws)),
    confirmations: data.confirmations,
    maxFindings: data.maxFindings,
    signal: undefined,
  };
  // One chunk at a time, in the order they came: the main thread sends the next one ahead.
  let queue = Promise.resolve();
  port.on('message', (task: ChunkTask) => {
    queue = queue.then(async () => {
      const oracle = oracles.find((o) => o.id === task.oracle);
      if (!oracle) return post({ error: `unknown oracle ${task.oracle}` });
      try {
        post({ result: await searchChunk(context, oracle, task) });
      } catch (error) {
        post({ error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
  post({ ready: true });
}

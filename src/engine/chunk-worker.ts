/**
 * A worker thread of `--workers N` (model mode): gets the model, then takes chunks from the
 * run's shared queue until none are left, posting each result back. Started either from a
 * bundle made for the run (`worker-bundle.ts`, which hands over the model module it bundled) or
 * through tsx (`chunk-worker-entry.mjs`, which loads the model by its source path).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Model } from '../model/model.js';
import { oracles } from '../oracles/index.js';
import { twinCaseArbitrary } from '../world/twin-case.js';
import { planSize, takeTask, taskAt, type ChunkPlan, type ChunkResult } from './chunks.js';
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

/**
 * What a worker is started with: the run, its plan of chunks, and the queue all lanes take from.
 * The queue is two 32-bit slots in shared memory (`takeTask`): the position of the next task in
 * the plan, which a lane takes by adding one to it, so no lane waits for another to hand it work,
 * and a stop flag, which stops every lane after the chunk it is searching.
 */
export interface ChunkWorkerStart extends ChunkWorkerData {
  plan: ChunkPlan;
  queue: SharedArrayBuffer;
}

/** What a worker says to the main thread: a chunk's result and its position in `tasks`, a failure, or that it took its last task. */
export type ChunkWorkerMessage = { result: ChunkResult; at: number } | { error: string } | { done: true };

export async function startChunkWorker(getModel: (data: ChunkWorkerData) => Promise<Model>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the chunk worker runs in a worker thread only');
  const post = (message: ChunkWorkerMessage) => port.postMessage(message);
  const data = workerData as ChunkWorkerStart;
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
  const queue = new Int32Array(data.queue);
  const size = planSize(data.plan);
  for (let at = takeTask(queue, size); at !== undefined; at = takeTask(queue, size)) {
    const task = taskAt(data.plan, at);
    const oracle = oracles.find((o) => o.id === task.oracle);
    if (!oracle) return post({ error: `unknown oracle ${task.oracle}` });
    try {
      post({ result: await searchChunk(context, oracle, task), at });
    } catch (error) {
      return post({ error: error instanceof Error ? error.message : String(error) });
    }
  }
  post({ done: true });
}

/**
 * A worker thread of `--workers N` (model mode): loads the model itself, then searches the
 * chunks the main thread sends, one at a time, and posts each result back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { twinCaseArbitrary } from '../world/twin-case.js';
import type { ChunkTask } from './chunks.js';
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

const data = workerData as ChunkWorkerData;
const model = await loadModel(data.model, data.cwd);
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

parentPort?.on('message', (task: ChunkTask) => {
  const oracle = oracles.find((o) => o.id === task.oracle);
  if (!oracle) {
    parentPort?.postMessage({ error: `unknown oracle ${task.oracle}` });
    return;
  }
  searchChunk(context, oracle, task).then(
    (result) => parentPort?.postMessage({ result }),
    (error: unknown) => parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
parentPort?.postMessage({ ready: true });

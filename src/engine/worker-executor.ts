import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BookfuzzError } from '../errors.js';
import type { ChunkExecutor, ChunkResult, ChunkTask } from './chunks.js';
import type { ChunkWorkerData, ChunkWorkerMessage } from './chunk-worker.js';
import { workerBundle } from './worker-bundle.js';

/** `--workers auto`: one per core. */
export function resolveWorkers(value: number | 'auto' | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return Math.max(1, availableParallelism());
  if (!Number.isInteger(value) || value < 1) throw new BookfuzzError('BF_USAGE', '--workers must be a whole number of at least 1, or auto');
  return value;
}

/**
 * Model mode on worker threads: `count` workers each load the model and take chunks from a
 * shared queue. Results come back in task order, so the run is the same whatever `count` is.
 * The workers load a bundle of the worker and the model made for the run (`worker-bundle.ts`),
 * or, when none can be made, the TypeScript sources through tsx (`chunk-worker-entry.mjs`).
 */
export function workerExecutor(count: number, data: ChunkWorkerData, signal?: AbortSignal): ChunkExecutor {
  return async (tasks, _local, onResult) => {
    const bundle = isAbsolute(data.model) && existsSync(data.model) ? await workerBundle(data.model) : undefined;
    const entry = bundle ?? new URL('./chunk-worker-entry.mjs', import.meta.url);
    const results: ChunkResult[] = new Array(tasks.length);
    let next = 0;
    const lane = () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(entry, { workerData: data });
        let current: { i: number; task: ChunkTask } | undefined;
        const finish = (error?: Error) => {
          worker.terminate().catch(() => {});
          if (error) reject(error);
          else resolve();
        };
        const feed = () => {
          if (signal?.aborted || next >= tasks.length) return finish();
          const i = next++;
          const task = tasks[i];
          if (!task) return finish();
          current = { i, task };
          worker.postMessage(task);
        };
        worker.on('message', (message: ChunkWorkerMessage) => {
          if ('error' in message) return finish(new BookfuzzError('BF_SIMULATOR_FAILED', message.error, { where: 'worker' }));
          if ('result' in message && current) {
            results[current.i] = message.result;
            onResult(message.result);
          }
          feed();
        });
        worker.on('error', (error) => finish(error));
      });
    await Promise.all(Array.from({ length: Math.max(1, Math.min(count, tasks.length)) }, lane));
    return results.filter((r): r is ChunkResult => r !== undefined);
  };
}

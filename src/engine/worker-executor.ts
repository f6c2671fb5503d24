import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BookfuzzError } from '../errors.js';
import type { ChunkExecutor, ChunkResult } from './chunks.js';
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
 * Model mode on several lanes: this thread is one lane and `count - 1` worker threads are the
 * others, all taking chunks from one queue. Results come back in task order, so the run is the
 * same whatever `count` is. This thread searching too saves starting one worker (a few hundred
 * milliseconds with nothing searched) and one more copy of the model and its compiled code.
 * The workers load a bundle of the worker and the model made for the run (`worker-bundle.ts`),
 * or, when none can be made, the TypeScript sources through tsx (`chunk-worker-entry.mjs`).
 */
export function workerExecutor(count: number, data: ChunkWorkerData, signal?: AbortSignal): ChunkExecutor {
  return async (tasks, local, onResult) => {
    const results: ChunkResult[] = new Array(tasks.length);
    let next = 0;
    let failed = false;
    const take = (): number | undefined => (failed || signal?.aborted || next >= tasks.length ? undefined : next++);
    const deliver = (i: number, result: ChunkResult) => {
      results[i] = result;
      onResult(result);
    };
    const threads = Math.min(count, tasks.length) - 1;
    const bundle = threads > 0 && isAbsolute(data.model) && existsSync(data.model) ? await workerBundle(data.model) : undefined;
    const entry = bundle ?? new URL('./chunk-worker-entry.mjs', import.meta.url);
    const mainLane = async () => {
      for (let i = take(); i !== undefined; i = take()) {
        const task = tasks[i];
        if (task) deliver(i, await local(task, 0));
        // A turn of the event loop between chunks: workers' results and Ctrl-C are heard.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const workers = new Set<Worker>();
    const workerLane = () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(entry, { workerData: data });
        workers.add(worker);
        // Chunks sent and not yet answered, oldest first. The worker gets a second chunk while
        // it searches the first, so it need not wait for this thread between chunks.
        const pending: number[] = [];
        const finish = (error?: Error) => {
          worker.terminate().catch(() => {});
          if (error) reject(error);
          else resolve();
        };
        const feed = () => {
          // Near the end of the queue, one chunk at a time, so no lane holds work another could do.
          const depth = tasks.length - next > count ? 2 : 1;
          while (pending.length < depth) {
            const i = take();
            if (i === undefined) break;
            pending.push(i);
            worker.postMessage(tasks[i]);
          }
          if (pending.length === 0) finish();
        };
        worker.on('message', (message: ChunkWorkerMessage) => {
          if ('error' in message) return finish(new BookfuzzError('BF_SIMULATOR_FAILED', message.error, { where: 'worker' }));
          if ('result' in message) {
            const i = pending.shift();
            if (i !== undefined) deliver(i, message.result);
          }
          feed();
        });
        worker.on('error', (error) => finish(error));
      });
    try {
      await Promise.all([mainLane(), ...Array.from({ length: Math.max(0, threads) }, workerLane)]);
    } catch (error) {
      // One lane failed: the others take no more chunks, and the workers stop now.
      failed = true;
      for (const worker of workers) await worker.terminate().catch(() => {});
      throw error;
    }
    return results.filter((r): r is ChunkResult => r !== undefined);
  };
}

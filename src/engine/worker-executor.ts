import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BookfuzzError } from '../errors.js';
import { planSize, queueSlots, sequentialExecutor, stopQueue, type ChunkExecutor } from './chunks.js';
import type { ChunkWorkerData, ChunkWorkerMessage, ChunkWorkerStart } from './chunk-worker.js';
import { workerBundle } from './worker-bundle.js';

/** `--workers auto`: one per core. */
export function resolveWorkers(value: number | 'auto' | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return Math.max(1, availableParallelism());
  if (!Number.isInteger(value) || value < 1) throw new BookfuzzError('BF_USAGE', '--workers must be a whole number of at least 1, or auto');
  return value;
}

/**
 * Model mode on several lanes: `count` worker threads, all taking chunks from one queue in
 * shared memory (`ChunkWorkerStart`), while this thread only collects their results (it saves
 * findings the moment they arrive and keeps the progress bar and Ctrl-C responsive). Results
 * come in the order chunks end; the run sums them (`resultTally`), so it is the same whatever
 * `count` is. Every lane runs in a lean
 * worker: this thread also carries the CLI, tsx and their modules, and with it searching as one
 * of two lanes, 7 of 8 paired runs here were 3–18% slower than with two workers (its garbage
 * collections have more to go through, and results wait for its chunk to end). A run of one
 * chunk is searched here. The workers load a bundle of the worker and the model made for the
 * run (`worker-bundle.ts`), or, when none can be made, the TypeScript sources through tsx
 * (`chunk-worker-entry.mjs`). They get the plan, not a list of its tasks: each computes the
 * task at the position it took (`taskAt`), so a plan of any size costs no memory.
 */
export function workerExecutor(count: number, data: ChunkWorkerData, signal?: AbortSignal): ChunkExecutor {
  return async (plan, local, onResult, runSignal) => {
    const stopped = signal === undefined ? runSignal : runSignal === undefined ? signal : AbortSignal.any([signal, runSignal]);
    const lanes = Math.min(count, planSize(plan));
    // A run of one chunk (or one lane) is searched here, as with --workers 1.
    if (lanes <= 1) return sequentialExecutor(plan, local, onResult, stopped);
    const shared = new SharedArrayBuffer(queueSlots * Int32Array.BYTES_PER_ELEMENT);
    const queue = new Int32Array(shared);
    let failed = false;
    // Every lane takes no more chunks once this is called.
    const stop = () => stopQueue(queue);
    if (stopped?.aborted) stop();
    stopped?.addEventListener('abort', stop, { once: true });
    const bundle = isAbsolute(data.model) && existsSync(data.model) ? await workerBundle(data.model) : undefined;
    const entry = bundle ?? new URL('./chunk-worker-entry.mjs', import.meta.url);
    const start: ChunkWorkerStart = { ...data, plan, queue: shared };
    const workers = new Set<Worker>();
    const workerLane = () =>
      new Promise<void>((resolve, reject) => {
        // A bundled worker holds all the code it runs, so it is started without this process's
        // Node.js options: a worker inherits them, and under `node --import tsx` (as the bench and
        // some embedders run) it would start tsx and its loader thread first, about 300 ms here
        // for nothing. V8's options are the process's and hold for the worker all the same.
        const worker = new Worker(entry, { workerData: start, ...(bundle ? { execArgv: [] } : {}) });
        workers.add(worker);
        let finished = false;
        const finish = (error?: Error) => {
          if (finished) return;
          finished = true;
          worker.terminate().catch(() => {});
          if (error) reject(error);
          else resolve();
        };
        worker.on('message', (message: ChunkWorkerMessage) => {
          // After a failure, results still on their way are not reported.
          if (failed) return;
          if ('error' in message) return finish(new BookfuzzError('BF_SIMULATOR_FAILED', message.error, { where: 'worker' }));
          if ('result' in message) return onResult(message.result);
          finish();
        });
        worker.on('error', (error) => finish(error));
        // A worker that ends before saying it is done (the model called process.exit, or the
        // thread was killed) would otherwise leave this lane, and the run, waiting for ever.
        worker.on('exit', (code) =>
          finish(new BookfuzzError('BF_SIMULATOR_FAILED', `a worker thread stopped (exit code ${code}) before it had searched its chunks`, { where: 'worker' })),
        );
      });
    try {
      await Promise.all(Array.from({ length: lanes }, workerLane));
    } catch (error) {
      // One lane failed: the others take no more chunks, and the workers stop now.
      failed = true;
      stop();
      for (const worker of workers) await worker.terminate().catch(() => {});
      throw error;
    } finally {
      stopped?.removeEventListener('abort', stop);
    }
  };
}

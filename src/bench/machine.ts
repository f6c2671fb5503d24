/**
 * What two threads can get on this machine, as a yardstick for the workers figure: the same
 * work on one worker thread and on two at once, for a loop that only computes and for one that
 * allocates and keeps many objects. Where the threads contend for something shared (memory
 * bandwidth, the process's page tables), the second kind scales well below 2×. The search
 * meets little of that (its lanes use about the CPU time one lane does alone); the workers
 * table's "cores busy" column shows what limits it instead.
 */
import { Worker } from 'node:worker_threads';

export interface ThreadScaling {
  compute: number;
  allocate: number;
}

// Plain JavaScript run with `eval`, so the threads need no TypeScript loader.
const work = `
const { parentPort, workerData } = require('node:worker_threads');
const started = performance.now();
let x = 0;
if (workerData === 'compute') {
  for (let i = 0; i < 2e8; i++) x = (x * 31 + i) | 0;
} else {
  const kept = [];
  for (let i = 0; i < 3e6; i++) {
    kept.push({ id: i, name: 'p' + i, doses: [i, i + 1] });
    if (kept.length > 200000) kept.length = 0;
    x += kept.length;
  }
}
parentPort.postMessage({ ms: performance.now() - started, x });
`;

async function timed(kind: 'compute' | 'allocate', threads: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(work, { eval: true, workerData: kind });
          worker.once('message', () => void worker.terminate().then(() => resolve()));
          worker.once('error', reject);
        }),
    ),
  );
  return performance.now() - started;
}

/** Speed-up of two threads over one doing the same work each (2 would be perfect), best of three tries. */
export async function threadScaling(): Promise<ThreadScaling> {
  const scaling = async (kind: 'compute' | 'allocate') => {
    let best = 0;
    for (let i = 0; i < 3; i++) best = Math.max(best, (2 * (await timed(kind, 1))) / (await timed(kind, 2)));
    return best;
  };
  return { compute: await scaling('compute'), allocate: await scaling('allocate') };
}

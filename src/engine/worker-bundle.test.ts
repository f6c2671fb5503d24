import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { checkModel } from './check.js';
import { writeModelWithSimulatorPrelude } from './engine-test-support.js';
import type { ChunkWorkerMessage, ChunkWorkerStart } from './chunk-worker.js';
import { queueSlots } from './chunks.js';
import { workerBundle } from './worker-bundle.js';
import { workerExecutor } from './worker-executor.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'bookfuzz-bundle-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A model file outside the repository that re-exports a shipped model (as a user's model would import bookfuzz). */
function userModel(name: string, marker: number): string {
  const file = join(scratch, `${name}.ts`);
  writeFileSync(file, `export { model } from ${JSON.stringify(join(repo, 'models/record-access/index.ts'))};\n(globalThis as Record<string, unknown>)['bookfuzzTestMarker'] = ${marker};\n`);
  return file;
}

const data = (model: string) => ({ model, cwd: repo, variant: 'vulnerable', flaws: [], seed: 3, runs: 100, confirmations: 0, maxFindings: 8 });

/** A worker's start with one chunk of the indistinguishability oracle to search. */
const oneChunk = (model: string): ChunkWorkerStart => ({
  ...data(model),
  plan: { oracles: ['indistinguishable'], runs: 20 },
  queue: new SharedArrayBuffer(queueSlots * Int32Array.BYTES_PER_ELEMENT),
});

/** Start the bundle in a worker thread and return its first message. */
async function firstMessage(url: URL, workerData: ChunkWorkerStart): Promise<ChunkWorkerMessage> {
  const worker = new Worker(url, { workerData });
  try {
    return await new Promise<ChunkWorkerMessage>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

describe('the worker bundle', () => {
  it('starts a worker for a shipped model and for a flow spec without a TypeScript loader', async () => {
    for (const model of [join(repo, 'models/household-booking/index.ts'), join(repo, 'models/household-booking/spec.yaml')]) {
      const url = await workerBundle(model);
      expect(url?.protocol).toBe('file:');
      expect(url && readFileSync(url, 'utf8')).not.toContain('tsx');
      expect(url && (await firstMessage(url, oneChunk(model)))).toMatchObject({ at: 0, result: { cases: 20 } });
    }
  });

  it('is made again only when one of its input files changed', async () => {
    const file = userModel('changing', 1);
    const first = await workerBundle(file);
    expect(first).toBeDefined();
    expect((await workerBundle(file))?.href).toBe(first?.href);

    userModel('changing', 2);
    const second = await workerBundle(file);
    expect(second?.href).not.toBe(first?.href);
    expect(second && readFileSync(second, 'utf8')).toContain('= 2;');
    // The bundle it replaces stays for a while (a run may be starting workers from it) ...
    expect(first && existsSync(first)).toBe(true);

    // ... and is removed once unused for a day, when another bundle is made.
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    if (first) utimesSync(first, dayAgo, dayAgo);
    userModel('changing', 3);
    const third = await workerBundle(file);
    expect(third && existsSync(third)).toBe(true);
    expect(first && existsSync(first)).toBe(false);
  });

  it('gives way to tsx when the model cannot be bundled', async () => {
    const file = join(scratch, 'unbundleable.ts');
    writeFileSync(file, "import 'bookfuzz-no-such-package';\nexport const model = {};\n");
    expect(await workerBundle(file)).toBeUndefined();
  });

  it('a worker that cannot get its model says so instead of hanging', async () => {
    const file = join(scratch, 'not-a-model.ts');
    writeFileSync(file, 'export const model = { name: 1 };\n');
    const url = await workerBundle(file);
    expect(url && (await firstMessage(url, oneChunk(file)))).toEqual({ error: expect.stringContaining('exports no model') });
  });

  it('bundled workers find what the search in this thread finds', async () => {
    const file = userModel('same-findings', 3);
    const model = await loadModel(file);
    const options = { variant: 'vulnerable', seed: 5, runs: 300 } as const;
    const here = await checkModel(model, oracles, options);
    const bundled = await checkModel(model, oracles, { ...options, executor: workerExecutor(2, { ...data(file), seed: 5, runs: 300, flaws: here.flaws }) });
    expect(here.findings.length).toBeGreaterThan(0);
    expect(bundled.findings.map((f) => f.id)).toEqual(here.findings.map((f) => f.id));
    expect(bundled.stats.cases).toBe(here.stats.cases);
  });

  it('a worker that stops without a word fails the run with its exit code instead of leaving it hanging', async () => {
    const file = join(scratch, 'exits-in-worker.ts');
    writeModelWithSimulatorPrelude(file, join(repo, 'models/record-access/index.ts'), 'if (!isMainThread) process.exit(7);', [
      "import { isMainThread } from 'node:worker_threads';",
    ]);
    const model = await loadModel(file);
    const run = checkModel(model, oracles, { variant: 'vulnerable', seed: 5, runs: 3000, executor: workerExecutor(2, { ...data(file), seed: 5, runs: 3000 }) });
    await expect(run).rejects.toThrow(/worker thread stopped \(exit code 7\)/);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunDocument } from '../../engine/run-document.js';
import { exitCode, type Io } from '../io.js';
import { mergeCommand } from './merge.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bookfuzz-merge-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function bufferIo(): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: { NO_COLOR: '1' },
    cwd: dir,
  };
  return { io, out: () => out, err: () => err };
}

function shard(i: number, change: Partial<RunDocument> = {}): string {
  const document: RunDocument = {
    version: 1,
    tool: 'bookfuzz',
    mode: 'live',
    model: 'clinic',
    variant: 'default',
    flaws: [],
    oracles: ['indistinguishable'],
    runs: 40,
    seed: 7,
    status: 'passed',
    stats: { cases: 20, steps: 80, durationMs: 500 },
    findings: [],
    shard: `${i}/2`,
    outcomes: [{ what: 'set-up of each patient: POST /signup', phase: 'setup', sent: 20, ok: 20, refused: 0, failed: 0 }],
    ...change,
  };
  const file = join(dir, `shard-${i}.json`);
  writeFileSync(file, JSON.stringify(document));
  return file;
}

const refused = {
  outcomes: [{ what: 'set-up of each patient: POST /signup', phase: 'setup' as const, sent: 20, ok: 1, refused: 19, failed: 0, last: 'answered 409 at /signup' }],
  status: 'inconclusive' as const,
  reason: 'set-up failed for 19 of 20 cases (POST /signup answered 409)',
};

describe('bookfuzz merge', () => {
  it('exits 2 for an inconclusive merge without findings, says why on stderr and keeps the JSON on stdout', async () => {
    const { io, out, err } = bufferIo();
    const code = await mergeCommand(io, { reports: [shard(1), shard(2, refused)], reports_formats: ['json'] });
    expect(code).toBe(exitCode.error);
    const merged = JSON.parse(out()) as RunDocument;
    expect(merged.status).toBe('inconclusive');
    expect(merged.reason).toBe('shard 2/2: set-up failed for 19 of 20 cases (POST /signup answered 409)');
    expect(merged.outcomes).toEqual([{ ...refused.outcomes[0], sent: 40, ok: 21 }]);
    expect(err()).toMatch(/^INCONCLUSIVE: shard 2\/2: set-up failed for 19 of 20 cases \(POST \/signup answered 409\) — no findings in what could be tested — clinic \(default\)/);
  });

  it('writes the reports and prints the outcomes and the inconclusive summary', async () => {
    const { io, out } = bufferIo();
    const code = await mergeCommand(io, { reports: [shard(1), shard(2, refused)], out: join(dir, 'out'), reports_formats: ['json', 'junit'] });
    expect(code).toBe(exitCode.error);
    const text = out();
    expect(text).toContain('merged 2 reports: out/bookfuzz.json, out/bookfuzz.junit.xml');
    expect(text).toContain('requests that did not all go well:');
    expect(text).toMatch(/set-up of each patient: POST \/signup +40 +21 +19 +0 {2}answered 409 at \/signup/);
    expect(text).toContain('INCONCLUSIVE: shard 2/2: set-up failed');
    expect((JSON.parse(readFileSync(join(dir, 'out', 'bookfuzz.json'), 'utf8')) as RunDocument).status).toBe('inconclusive');
    expect(readFileSync(join(dir, 'out', 'bookfuzz.junit.xml'), 'utf8')).toContain('<error message="inconclusive: shard 2/2: set-up failed');
  });

  it('exits 0 for shards that all passed, with the all-ok outcomes summed in one line', async () => {
    const { io, out, err } = bufferIo();
    const code = await mergeCommand(io, { reports: [shard(1), shard(2)], out: join(dir, 'out'), reports_formats: ['json'] });
    expect(code).toBe(exitCode.clean);
    expect(out()).toContain('\nset-up: 40 requests, all ok\nno findings — clinic (default)');
    expect(err()).toBe('');
  });
});

describe('bookfuzz merge: statistics', () => {
  const stats = (search: number, book: number, bookOk: number) => ({
    cases: 20,
    steps: 80,
    durationMs: 500,
    requests: { total: search + 20, byPhase: { search, setup: 20 } },
    actions: [
      { action: 'start', sent: 20, ok: 20, refused: 0, failed: 0 },
      { action: 'book', sent: book, ok: bookOk, refused: book - bookOk, failed: 0 },
    ],
  });

  it('prints the summed requests and action table, with a warning for an action never ok in any shard', async () => {
    const { io, out } = bufferIo();
    const code = await mergeCommand(io, { reports: [shard(1, { stats: stats(300, 23, 0) }), shard(2, { stats: stats(340, 23, 0) })], out: join(dir, 'out'), reports_formats: ['json'] });
    expect(code).toBe(exitCode.clean);
    const text = out();
    expect(text).toContain('\nrequests: 680 (search 640, set-up 40)\n');
    expect(text).toMatch(/\n {2}book +46 +0 +46 +0\n/);
    expect(text).toContain('\nWARNING: book: 46 sent, 0 ok: check its inputs or okIf\nno findings — clinic (default), oracles indistinguishable, 40 cases, 160 steps, 680 requests, seed 7, 500 ms\n');
    const merged = JSON.parse(readFileSync(join(dir, 'out', 'bookfuzz.json'), 'utf8')) as RunDocument;
    expect(merged.stats.requests).toEqual({ total: 680, byPhase: { search: 640, setup: 40 } });
    expect(merged.stats.actions?.find((a) => a.action === 'book')).toEqual({ action: 'book', sent: 46, ok: 0, refused: 46, failed: 0 });
  });

  it('keeps stdout the JSON and warns on stderr; no warning once any shard got the action done', async () => {
    const { io, out, err } = bufferIo();
    await mergeCommand(io, { reports: [shard(1, { stats: stats(300, 23, 0) }), shard(2, { stats: stats(340, 23, 0) })], reports_formats: ['json'] });
    expect((JSON.parse(out()) as RunDocument).stats.requests?.total).toBe(680);
    expect(err()).toBe('WARNING: clinic (default): book: 46 sent, 0 ok: check its inputs or okIf\n');
    const again = bufferIo();
    await mergeCommand(again.io, { reports: [shard(1, { stats: stats(300, 23, 0) }), shard(2, { stats: stats(340, 23, 1) })], reports_formats: ['json'] });
    expect(again.err()).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { mergeRunDocuments } from './merge.js';
import type { Finding } from './finding.js';
import type { ActionStats, RequestOutcome, RunDocument } from './run-document.js';

/** A live shard with no findings, built by hand: only what merging reads. */
function shard(i: number, n: number, change: Partial<RunDocument> = {}): RunDocument {
  return {
    version: 1,
    tool: 'bookfuzz',
    mode: 'live',
    model: 'clinic',
    variant: 'default',
    flaws: [],
    oracles: ['indistinguishable', 'authorized'],
    runs: 40,
    seed: 7,
    status: 'passed',
    stats: { cases: 20, steps: 80, durationMs: 1000 * i },
    findings: [],
    target: 'http://127.0.0.1:8080',
    shard: `${i}/${n}`,
    ...change,
  };
}

const signup = (sent: number, ok: number, refused: number, last?: string): RequestOutcome => ({
  what: 'set-up of each patient: POST /signup',
  phase: 'setup',
  where: 'clinic.flow.yaml:15:9 setup.flows.forEachPatient[0]',
  sent,
  ok,
  refused,
  failed: 0,
  ...(last !== undefined ? { last } : {}),
});
const login = (sent: number): RequestOutcome => ({ what: 'log-in of patient', phase: 'login', sent, ok: sent, refused: 0, failed: 0 });

describe('mergeRunDocuments: status, reason and outcomes', () => {
  it('is inconclusive when any shard is, with that shard named in the reason', () => {
    const [merged] = mergeRunDocuments([
      shard(1, 2),
      shard(2, 2, { status: 'inconclusive', reason: 'set-up failed for 19 of 20 cases (POST /signup answered 409)' }),
    ]);
    expect(merged?.status).toBe('inconclusive');
    expect(merged?.reason).toBe('shard 2/2: set-up failed for 19 of 20 cases (POST /signup answered 409)');
    expect(merged?.shard).toBeUndefined();
  });

  it('joins the reasons of several inconclusive shards, in order', () => {
    const [merged] = mergeRunDocuments([
      shard(2, 2, { status: 'inconclusive', reason: 'the target failed 5 times in a row' }),
      shard(1, 2, { status: 'inconclusive', reason: 'set-up failed for 20 of 20 cases (POST /signup timed out)' }),
    ]);
    expect(merged?.reason).toBe('shard 2/2: the target failed 5 times in a row; shard 1/2: set-up failed for 20 of 20 cases (POST /signup timed out)');
  });

  it('is inconclusive rather than interrupted, and the interruption it hides is a note', () => {
    const [merged] = mergeRunDocuments([
      shard(1, 3, { status: 'interrupted' }),
      shard(2, 3, { status: 'inconclusive', reason: 'no log-in succeeded' }),
      shard(3, 3),
    ]);
    expect(merged?.status).toBe('inconclusive');
    expect(merged?.notes).toEqual(['interrupted, only the cases that ran were checked: 1/3']);
  });

  it('drops the first shard\'s reason when the merge is not inconclusive', () => {
    const [merged] = mergeRunDocuments([shard(1, 2, { reason: 'left over' }), shard(2, 2)]);
    expect(merged?.status).toBe('passed');
    expect(merged?.reason).toBeUndefined();
    expect(merged?.outcomes).toBeUndefined();
  });

  it('sums outcomes by what, phase and where, in the order first seen, keeping the last problem', () => {
    const elsewhere = { ...signup(5, 5, 0), where: 'clinic.flow.yaml:60:3 setup.flows.forEachPatient[0]' };
    const first = shard(1, 2, { outcomes: [login(10), signup(20, 18, 2, 'answered 409 at /signup')] });
    const second = shard(2, 2, { outcomes: [signup(20, 20, 0), elsewhere, login(12), { ...signup(3, 0, 3, 'answered 500 at /signup'), phase: 'cleanup' }] });
    const [merged] = mergeRunDocuments([first, second]);
    expect(merged?.outcomes).toEqual([
      login(22),
      signup(40, 38, 2, 'answered 409 at /signup'),
      elsewhere,
      { ...signup(3, 0, 3, 'answered 500 at /signup'), phase: 'cleanup' },
    ]);
    const [again] = mergeRunDocuments([first, shard(2, 2, { outcomes: [signup(20, 10, 10, 'answered 503 at /signup')] })]);
    expect(again?.outcomes?.[1]).toEqual(signup(40, 28, 12, 'answered 503 at /signup'));
    // The shards' own documents are left as they were.
    expect(first.outcomes?.[1]).toEqual(signup(20, 18, 2, 'answered 409 at /signup'));
  });

  it('keeps a single inconclusive document as it is', () => {
    const only = shard(1, 1, { status: 'inconclusive', reason: 'set-up failed for 40 of 40 cases', outcomes: [signup(40, 0, 40, 'answered 409 at /signup')] });
    const [merged] = mergeRunDocuments([only]);
    expect(merged?.reason).toBe('set-up failed for 40 of 40 cases');
    expect(merged?.outcomes).toEqual(only.outcomes);
  });
});

describe('mergeRunDocuments: statistics', () => {
  const actions = (book: [number, number, number, number], view?: [number, number, number, number]): ActionStats[] => [
    { action: 'book', sent: book[0], ok: book[1], refused: book[2], failed: book[3] },
    ...(view ? [{ action: 'view-record', sent: view[0], ok: view[1], refused: view[2], failed: view[3] }] : []),
  ];

  it('sums requests in all and by phase, and each action\'s steps by action in the order first seen', () => {
    const first = shard(1, 2, {
      stats: { cases: 20, steps: 80, durationMs: 9000, requests: { total: 700, byPhase: { calibration: 50, search: 500, setup: 150 } }, actions: actions([23, 0, 23, 0]) },
    });
    const second = shard(2, 2, {
      stats: {
        cases: 20,
        steps: 81,
        durationMs: 12_000,
        requests: { total: 584, byPhase: { calibration: 46, search: 140, confirmation: 210, shrinking: 180, cleanup: 8 } },
        actions: [{ action: 'start', sent: 40, ok: 40, refused: 0, failed: 0 }, ...actions([23, 0, 20, 3], [5, 5, 0, 0])],
      },
    });
    const [merged] = mergeRunDocuments([first, second]);
    expect(merged?.stats).toEqual({
      cases: 40,
      steps: 161,
      durationMs: 12_000,
      requests: { total: 1284, byPhase: { calibration: 96, search: 640, confirmation: 210, shrinking: 180, setup: 150, cleanup: 8 } },
      actions: [
        { action: 'book', sent: 46, ok: 0, refused: 43, failed: 3 },
        { action: 'start', sent: 40, ok: 40, refused: 0, failed: 0 },
        { action: 'view-record', sent: 5, ok: 5, refused: 0, failed: 0 },
      ],
    });
    // The shards' own documents are left as they were.
    expect(first.stats.actions).toEqual(actions([23, 0, 23, 0]));
    expect(first.stats.requests?.total).toBe(700);
  });

  it('keeps the statistics of a shard that has them when another has none, and adds none to model runs', () => {
    const counted = shard(1, 2, { stats: { cases: 20, steps: 80, durationMs: 1000, requests: { total: 10, byPhase: { search: 10 } }, actions: actions([4, 4, 0, 0]) } });
    const [merged] = mergeRunDocuments([counted, shard(2, 2)]);
    expect(merged?.stats.requests).toEqual({ total: 10, byPhase: { search: 10 } });
    expect(merged?.stats.actions).toEqual(actions([4, 4, 0, 0]));
    const [model] = mergeRunDocuments([shard(1, 2, { mode: 'model' }), shard(2, 2, { mode: 'model' })]);
    expect(model?.stats).toEqual({ cases: 40, steps: 160, durationMs: 2000 });
    expect(Object.keys(model?.stats ?? {})).toEqual(['cases', 'steps', 'durationMs']);
  });

  it('keeps what each finding took to find, as its shard measured it', () => {
    const finding = (found: Finding['found'], chunk: number): Finding =>
      ({ id: `f${chunk}`, key: 'indistinguishable/key:screen', chunk, oracle: 'indistinguishable', found }) as unknown as Finding;
    const [merged] = mergeRunDocuments([
      shard(2, 2, { status: 'failed', findings: [finding({ ms: 900, cases: 3, requests: 40, shrunk: true }, 5)] }),
      shard(1, 2, { status: 'failed', findings: [finding({ ms: 4000, cases: 12, requests: 300, shrunk: true }, 1)] }),
    ]);
    expect(merged?.findings).toHaveLength(1);
    expect(merged?.findings[0]?.found).toEqual({ ms: 4000, cases: 12, requests: 300, shrunk: true });
  });
});

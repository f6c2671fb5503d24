import { describe, expect, it } from 'vitest';
import { chunkRuns, concurrentExecutor, endlessRuns, mergeFindings, planChunks, planSize, resultTally, sequentialExecutor, taskAt, type ChunkPlan, type ChunkResult, type ChunkTask } from './chunks.js';
import type { Finding } from './finding.js';

/** The plan written out in full: the first chunk of every oracle, then the second, ...; then this shard's slice. */
function listedPlan(oracles: readonly string[], runs: number, shard?: { index: number; count: number }): ChunkTask[] {
  const tasks: ChunkTask[] = [];
  for (let chunk = 0; chunk * chunkRuns < runs; chunk++) {
    for (const oracle of oracles) tasks.push({ index: tasks.length, oracle, chunk, runs: Math.min(chunkRuns, runs - chunk * chunkRuns) });
  }
  return tasks.filter((task) => shard === undefined || task.index % shard.count === shard.index - 1);
}

const first = <T>(tasks: Iterable<T>, count: number): T[] => {
  const out: T[] = [];
  for (const task of tasks) {
    if (out.length === count) break;
    out.push(task);
  }
  return out;
};

describe('chunk plans', () => {
  it('plans a bounded run lazily, the oracles taking a chunk each in turn, task for task as the written-out plan, in every shard', () => {
    const oracles = ['indistinguishable', 'authorized', 'timing'];
    for (const runs of [1, 99, 100, 250, 1000]) {
      for (const shard of [undefined, { index: 1, count: 1 }, { index: 2, count: 3 }, { index: 5, count: 5 }, { index: 4, count: 40 }]) {
        const plan: ChunkPlan = { oracles, runs, shard };
        const listed = listedPlan(oracles, runs, shard);
        expect([...planChunks(plan)]).toEqual(listed);
        expect(planSize(plan)).toBe(listed.length);
      }
    }
  });

  it('takes no memory for a hundred million runs, and knows any task by its position', () => {
    const plan: ChunkPlan = { oracles: ['a', 'b'], runs: 100_000_000 };
    expect(planSize(plan)).toBe(2_000_000);
    expect(taskAt(plan, 1_999_999)).toEqual({ index: 1_999_999, oracle: 'b', chunk: 999_999, runs: 100 });
    expect(first(planChunks(plan), 3).map((t) => `${t.oracle}${t.chunk}`)).toEqual(['a0', 'b0', 'a1']);
  });

  it('gives the oracles a chunk each in turn in an endless run, so each is searched however soon it stops', () => {
    const plan: ChunkPlan = { oracles: ['a', 'b', 'c'], runs: endlessRuns };
    expect(planSize(plan)).toBe(Number.POSITIVE_INFINITY);
    expect(first(planChunks(plan), 5).map((t) => `${t.oracle}${t.chunk}:${t.runs}`)).toEqual(['a0:100', 'b0:100', 'c0:100', 'a1:100', 'b1:100']);
    expect(first(planChunks({ ...plan, shard: { index: 2, count: 2 } }), 3).map((t) => `${t.index}${t.oracle}${t.chunk}`)).toEqual(['1b0', '3a1', '5c1']);
  });

  it('executors stop taking chunks of an endless plan once the run is stopped', async () => {
    for (const executor of [sequentialExecutor, concurrentExecutor(3)]) {
      const stop = new AbortController();
      let results = 0;
      const local = async (task: ChunkTask): Promise<ChunkResult> => ({ task, findings: [], cases: task.runs, steps: 0, unconfirmed: 0 });
      await executor({ oracles: ['a', 'b'], runs: endlessRuns }, local, () => {
        if (++results === 10) stop.abort();
      }, stop.signal);
      expect(results).toBeGreaterThanOrEqual(10);
      expect(results).toBeLessThanOrEqual(12);
    }
  });
});

describe('result tally', () => {
  const finding = (oracle: string, key: string, chunk: number, id: string): Finding => ({ oracle, key, chunk, id }) as Finding;
  const result = (index: number, findings: Finding[], extra: Partial<ChunkResult> = {}): ChunkResult => ({
    task: { index, oracle: 'a', chunk: index, runs: 100 },
    findings,
    cases: 100,
    steps: 400,
    unconfirmed: 1,
    ...extra,
  });

  it('sums counts and keeps the findings mergeFindings keeps, whatever order chunks end in', () => {
    const results = [
      result(0, [finding('a', 'x', 0, 'x0'), finding('a', 'y', 0, 'y0')]),
      result(1, [finding('a', 'x', 1, 'x1')], { unjudged: 2, unjudgedReason: 'second' }),
      result(2, [finding('a', 'z', 2, 'z2'), finding('a', 'y', 2, 'y2')], { noise: 3, unjudged: 1, unjudgedReason: 'third' }),
    ];
    const expected = mergeFindings(results.flatMap((r) => r.findings)).map((f) => f.id);
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0]]) {
      const tally = resultTally();
      for (const i of order) tally.add(results[i] as ChunkResult);
      const [sum] = tally.results();
      expect(sum?.findings.map((f) => f.id)).toEqual(expected);
      expect(sum).toMatchObject({ cases: 300, steps: 1200, unconfirmed: 3, noise: 3, unjudged: 3, unjudgedReason: 'second' });
    }
    expect(resultTally().results()).toEqual([]);
  });
});

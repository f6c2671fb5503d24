import type { Finding } from './finding.js';

/** Cases per chunk: fixed, so that a run's results do not depend on workers or shards. */
export const chunkRuns = 100;

/** One unit of search: one oracle over one slice of the runs. */
export interface ChunkTask {
  /** Position in the run's plan: oracle order, then chunk order. Shards and merges sort by it. */
  index: number;
  oracle: string;
  chunk: number;
  runs: number;
}

export interface ChunkResult {
  task: ChunkTask;
  findings: Finding[];
  cases: number;
  steps: number;
  /** Candidates that did not reproduce on every re-run, or differed between two runs of one world too. */
  unconfirmed: number;
  /** Failing cases whose every difference also showed between two runs of one world (learned as noise before shrinking). */
  noise?: number;
  /** Cases that could not be judged (live: the site did not accept a side's set-up), and the last reason. */
  unjudged?: number;
  unjudgedReason?: string;
}

/** `--shard i/n`: this machine runs the chunks whose plan index is i-1 modulo n. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Run chunk tasks and return their results in task order (whatever order they finished in).
 * `local` runs one task in this process; `onResult` is told of each result as it arrives, so
 * findings are saved the moment they exist.
 */
export type ChunkExecutor = (
  tasks: readonly ChunkTask[],
  local: (task: ChunkTask, lane: number) => Promise<ChunkResult>,
  onResult: (result: ChunkResult) => void,
) => Promise<ChunkResult[]>;

/**
 * Take the next task's position from a queue shared by lanes on several threads: one 32-bit
 * counter in shared memory, the position of the next task. Undefined when none is left.
 */
export function takeTask(queue: Int32Array, count: number): number | undefined {
  const at = Atomics.add(queue, 0, 1);
  return at < count ? at : undefined;
}

/** Every chunk of a run, in plan order: for each oracle, `ceil(runs / chunkRuns)` chunks. */
export function planChunks(oracles: readonly string[], runs: number): ChunkTask[] {
  const tasks: ChunkTask[] = [];
  for (const oracle of oracles) {
    for (let chunk = 0; chunk * chunkRuns < runs; chunk++) {
      tasks.push({ index: tasks.length, oracle, chunk, runs: Math.min(chunkRuns, runs - chunk * chunkRuns) });
    }
  }
  return tasks;
}

export function inShard(task: ChunkTask, shard: Shard | undefined): boolean {
  return shard === undefined || task.index % shard.count === shard.index - 1;
}

/**
 * A note for a run with more lanes (`--workers`) than chunks: the lanes beyond the chunk count
 * never get work, so the run is no faster than with fewer. Says how many runs per oracle would
 * give every lane a chunk. Undefined when every lane has one, or there is no chunk at all.
 */
export function idleLanesNote(lanes: number, oracles: number, tasks: number, shard: Shard | undefined): string | undefined {
  if (lanes <= 1 || tasks >= lanes || tasks === 0) return undefined;
  // Chunks per oracle so that this shard's slice (one task in `count`) holds at least `lanes` tasks.
  const perOracle = Math.ceil((lanes * (shard?.count ?? 1)) / oracles);
  return (
    `${lanes} lanes (--workers) but this run has ${tasks} chunk${tasks === 1 ? '' : 's'} (one per oracle per ${chunkRuns} runs${shard ? ', in this shard' : ''}), ` +
    `so only ${tasks} searched and the run was no faster than with --workers ${tasks}; --runs ${perOracle * chunkRuns} gives every lane a chunk`
  );
}

/** Parse `i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard | null {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : null;
}

/** One task after another, in this process. */
export const sequentialExecutor: ChunkExecutor = async (tasks, local, onResult) => {
  const results: ChunkResult[] = [];
  for (const task of tasks) {
    // A turn of the event loop between chunks, so Ctrl-C is heard during in-process runs.
    await new Promise((resolve) => setImmediate(resolve));
    const result = await local(task, 0);
    onResult(result);
    results.push(result);
  }
  return results;
};

/**
 * Up to `width` tasks at a time in this process, each lane on its own (live mode: the work is
 * waiting on the network, and each lane has a site of its own).
 */
export function concurrentExecutor(width: number): ChunkExecutor {
  return async (tasks, local, onResult) => {
    const results: ChunkResult[] = new Array(tasks.length);
    let next = 0;
    const lane = async (_: unknown, laneIndex: number) => {
      while (next < tasks.length) {
        const i = next++;
        const task = tasks[i];
        if (!task) continue;
        const result = await local(task, laneIndex);
        onResult(result);
        results[i] = result;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(width, tasks.length)) }, lane));
    return results;
  };
}

/** The identity of a finding across chunks, shards and merges: oracle and dedup key. */
export function findingKey(finding: Finding): string {
  return finding.key ?? `${finding.oracle}/${finding.id}`;
}

/** Findings in plan order (stable within a chunk), the first of each key kept: the same for any split of the chunks. */
export function mergeFindings(findings: readonly Finding[]): Finding[] {
  const sorted = [...findings].sort((x, y) => (x.chunk ?? 0) - (y.chunk ?? 0));
  const seen = new Set<string>();
  return sorted.filter((finding) => {
    const key = findingKey(finding);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

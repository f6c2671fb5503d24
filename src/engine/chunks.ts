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
 * Run the chunks of `plan`, handing each result to `onResult` as it arrives (in any order), so
 * findings are saved the moment they exist and nothing is kept per chunk: memory stays flat
 * however many chunks the plan holds (an endless run holds no end). `local` runs one task in
 * this process. Once `signal` is aborted no further task is started; tasks already running end
 * as their search decides (at the next case).
 */
export type ChunkExecutor = (
  plan: ChunkPlan,
  local: (task: ChunkTask, lane: number) => Promise<ChunkResult>,
  onResult: (result: ChunkResult) => void,
  signal?: AbortSignal,
) => Promise<void>;

/**
 * Take the next task's position from a queue shared by lanes on several threads: two 32-bit
 * slots in shared memory, the position of the next task and a stop flag (`stopQueue`).
 * Undefined when none is left, or the run was stopped.
 */
export function takeTask(queue: Int32Array, count: number): number | undefined {
  if (Atomics.load(queue, 1) !== 0) return undefined;
  const at = Atomics.add(queue, 0, 1);
  // Past 2^31 positions the counter wraps to negative: an endless run ends there (200 billion runs).
  return at >= 0 && at < count ? at : undefined;
}

/** Slots of a shared task queue (`takeTask`). */
export const queueSlots = 2;

/** Every lane takes no more tasks from `queue`. */
export function stopQueue(queue: Int32Array): void {
  Atomics.store(queue, 1, 1);
}

/** `--runs inf`: runs per oracle of a search that goes on until it is stopped (Ctrl-C, `--duration`). */
export const endlessRuns = Number.POSITIVE_INFINITY;

/**
 * The chunks of a run, as data (a worker thread gets it whole): nothing is listed, each task is
 * computed from its position (`taskAt`), so a plan of a hundred million runs, or of no end, takes
 * no memory.
 */
export interface ChunkPlan {
  oracles: readonly string[];
  /** Runs per oracle; `endlessRuns` (Infinity) for a run with no end. */
  runs: number;
  /** This machine's slice of the plan (`--shard i/n`). */
  shard?: Shard | undefined;
}

function chunksPerOracle(runs: number): number {
  return Number.isFinite(runs) ? Math.ceil(Math.max(0, runs) / chunkRuns) : Number.POSITIVE_INFINITY;
}

/** Tasks in the plan (in its shard): `Infinity` for an endless run. */
export function planSize(plan: ChunkPlan): number {
  if (plan.oracles.length === 0) return 0;
  const total = plan.oracles.length * chunksPerOracle(plan.runs);
  const shard = plan.shard;
  if (shard === undefined || !Number.isFinite(total)) return total;
  return total >= shard.index ? Math.floor((total - shard.index) / shard.count) + 1 : 0;
}

/**
 * The task at `position` in the plan (in its shard). The oracles take a chunk each in turn (the
 * first chunk of every oracle, then the second of every oracle, ...), each oracle in
 * `ceil(runs / chunkRuns)` chunks, or without end in an endless run: every oracle is searched early,
 * so a flaw only the last oracle sees is not found last, and a run stopped early has tried them all.
 */
export function taskAt(plan: ChunkPlan, position: number): ChunkTask {
  const index = plan.shard === undefined ? position : plan.shard.index - 1 + position * plan.shard.count;
  const count = plan.oracles.length;
  const chunk = Math.floor(index / count);
  const runs = Number.isFinite(plan.runs) ? Math.min(chunkRuns, plan.runs - chunk * chunkRuns) : chunkRuns;
  return { index, oracle: plan.oracles[index % count] ?? '', chunk, runs };
}

/** The plan's tasks in order, made one at a time as they are taken. */
export function* planChunks(plan: ChunkPlan): Generator<ChunkTask, void, undefined> {
  const size = planSize(plan);
  for (let position = 0; position < size; position++) yield taskAt(plan, position);
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
export const sequentialExecutor: ChunkExecutor = async (plan, local, onResult, signal) => {
  for (const task of planChunks(plan)) {
    // A turn of the event loop between chunks, so Ctrl-C is heard during in-process runs.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) return;
    onResult(await local(task, 0));
  }
};

/**
 * Up to `width` tasks at a time in this process, each lane on its own (live mode: the work is
 * waiting on the network, and each lane has a site of its own).
 */
export function concurrentExecutor(width: number): ChunkExecutor {
  return async (plan, local, onResult, signal) => {
    const tasks = planChunks(plan);
    const lane = async (_: unknown, laneIndex: number) => {
      while (!signal?.aborted) {
        const next = tasks.next();
        if (next.done === true) return;
        onResult(await local(next.value, laneIndex));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(width, planSize(plan))) }, lane));
  };
}

/**
 * What the finished chunks of a run leave behind, in memory that does not grow with their number:
 * counts summed, and one finding per key (the one `mergeFindings` would keep of all results).
 */
export interface ResultTally {
  add(result: ChunkResult): void;
  /** One result standing for every chunk added (none when none was), its findings merged. */
  results(): ChunkResult[];
}

export function resultTally(): ResultTally {
  let sum: ChunkResult | undefined;
  let reasonAt = Number.POSITIVE_INFINITY;
  // Per key, the earliest finding by chunk, then by place in its chunk (a stable sort of every result's findings).
  const kept = new Map<string, { finding: Finding; chunk: number; place: number }>();
  const earlier = (a: { chunk: number; place: number }, b: { chunk: number; place: number }) => a.chunk - b.chunk || a.place - b.place;
  return {
    add(result) {
      for (const [place, finding] of result.findings.entries()) {
        const entry = { finding, chunk: finding.chunk ?? 0, place };
        const key = findingKey(finding);
        const had = kept.get(key);
        if (had === undefined || earlier(entry, had) < 0) kept.set(key, entry);
      }
      // The reason of the earliest chunk in the plan, whatever order results arrive in.
      if (result.unjudgedReason !== undefined && result.task.index < reasonAt) reasonAt = result.task.index;
      const reason = result.task.index === reasonAt ? result.unjudgedReason : sum?.unjudgedReason;
      const before = sum;
      // A field added to ChunkResult is summed here.
      sum = {
        task: before === undefined || result.task.index < before.task.index ? result.task : before.task,
        findings: [],
        cases: (before?.cases ?? 0) + result.cases,
        steps: (before?.steps ?? 0) + result.steps,
        unconfirmed: (before?.unconfirmed ?? 0) + result.unconfirmed,
        noise: (before?.noise ?? 0) + (result.noise ?? 0),
        unjudged: (before?.unjudged ?? 0) + (result.unjudged ?? 0),
        ...(reason !== undefined ? { unjudgedReason: reason } : {}),
      };
    },
    results() {
      if (sum === undefined) return [];
      const findings = [...kept.values()].sort(earlier).map((entry) => entry.finding);
      return [{ ...sum, findings }];
    },
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

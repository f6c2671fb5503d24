import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { median } from '../oracles/welch.js';
import { cliNodeFlags } from './cli-node-flags.js';

export interface WorkerFigures {
  /** Median wall time over the rounds, in seconds. */
  oneSeconds: number;
  twoSeconds: number;
  /** Ratio of the medians. */
  speedup: number;
  /** Lowest and highest ratio of one round's two runs: how noisy the machine was. */
  range: [number, number];
  /**
   * Cores kept busy on average (CPU seconds of the whole process over wall seconds, medians).
   * A one-lane run already keeps more than one core busy: V8 compiles and collects garbage on
   * threads of its own, on the core the lane leaves free. Two lanes must share both cores with
   * that work, so `2 / oneCores` is about the best speed-up to hope for.
   */
  oneCores: number;
  twoCores: number;
  /**
   * What the machine allows two lanes of this very work: two `--workers 1` runs started at once
   * in separate processes, sharing nothing but the machine (cores, caches, memory bandwidth):
   * 2 × the one-lane time ÷ the time the slower of the pair took (medians). Splitting one run
   * over two lanes cannot beat it by much, whatever the workers do.
   */
  limit: number;
  sameFindings: boolean;
}

const script = new URL('./workers-run.ts', import.meta.url).pathname;

/**
 * `--workers 2` against `--workers 1`: the vulnerable variant, every oracle, `rounds` rounds
 * of one run each way and one pair of one-lane runs at once (the machine's limit), taken in
 * turn (so a slow spell of the machine hits all three), medians compared. Each run is timed in
 * a fresh process started as the CLI starts (`workers-run.ts`), from the start of the search to
 * its end, so none starts with code the JIT has warmed up.
 */
export async function workerSpeedup(model: string, runs: number, rounds = 3): Promise<WorkerFigures> {
  type Timed = { seconds: number; cpuSeconds: number; ids: string };
  const time = async (workers: number): Promise<Timed> => {
    const { stdout } = await promisify(execFile)(process.execPath, [...cliNodeFlags(), '--import', 'tsx', script, model, String(runs), String(workers)]);
    return JSON.parse(stdout) as Timed;
  };
  const one: Timed[] = [];
  const two: Timed[] = [];
  const pairs: Timed[] = [];
  for (let round = 0; round < rounds; round++) {
    one.push(await time(1));
    two.push(await time(2));
    const pair = await Promise.all([time(1), time(1)]);
    pairs.push(pair.reduce((slower, run) => (run.seconds > slower.seconds ? run : slower)));
  }
  const seconds = (timed: Timed[]) => median(timed.map((r) => r.seconds));
  const cores = (timed: Timed[]) => median(timed.map((r) => r.cpuSeconds / r.seconds));
  const ratios = one.map((a, i) => a.seconds / (two[i]?.seconds ?? a.seconds));
  return {
    oneSeconds: seconds(one),
    twoSeconds: seconds(two),
    speedup: seconds(one) / seconds(two),
    range: [Math.min(...ratios), Math.max(...ratios)],
    oneCores: cores(one),
    twoCores: cores(two),
    limit: (2 * seconds(one)) / seconds(pairs),
    sameFindings: one.every((a, i) => a.ids === two[i]?.ids),
  };
}

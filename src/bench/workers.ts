import { checkModel } from '../engine/check.js';
import type { Model } from '../model/model.js';
import type { Oracle } from '../oracles/oracle.js';

export interface WorkerFigures {
  /** Median wall time over the rounds, in seconds. */
  oneSeconds: number;
  twoSeconds: number;
  /** Ratio of the medians. */
  speedup: number;
  /** Lowest and highest ratio of one round's two runs: how noisy the machine was. */
  range: [number, number];
  sameFindings: boolean;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/**
 * `--workers 2` against `--workers 1`: the vulnerable variant, every oracle, `rounds` rounds
 * of one run each way taken in turn (so a slow spell of the machine hits both), medians compared.
 */
export async function workerSpeedup(model: Model, oracles: readonly Oracle[], runs: number, rounds = 3): Promise<WorkerFigures> {
  const time = async (workers: number) => {
    const started = performance.now();
    const run = await checkModel(model, oracles, { variant: 'vulnerable', runs, seed: 1, workers });
    return { seconds: (performance.now() - started) / 1000, ids: run.findings.map((f) => f.id).join(',') };
  };
  const one: number[] = [];
  const two: number[] = [];
  let sameFindings = true;
  for (let round = 0; round < rounds; round++) {
    const a = await time(1);
    const b = await time(2);
    one.push(a.seconds);
    two.push(b.seconds);
    sameFindings &&= a.ids === b.ids;
  }
  const ratios = one.map((seconds, i) => seconds / (two[i] ?? seconds));
  return {
    oneSeconds: median(one),
    twoSeconds: median(two),
    speedup: median(one) / median(two),
    range: [Math.min(...ratios), Math.max(...ratios)],
    sameFindings,
  };
}

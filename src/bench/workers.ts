import { checkModel } from '../engine/check.js';
import type { Model } from '../model/model.js';
import type { Oracle } from '../oracles/oracle.js';

export interface WorkerFigures {
  oneSeconds: number;
  twoSeconds: number;
  speedup: number;
  sameFindings: boolean;
}

/** `--workers 2` against `--workers 1`: the fixed variant (full search), every oracle. */
export async function workerSpeedup(model: Model, oracles: readonly Oracle[], runs: number): Promise<WorkerFigures> {
  const time = async (workers: number) => {
    const started = performance.now();
    const run = await checkModel(model, oracles, { variant: 'vulnerable', runs, seed: 1, workers });
    return { seconds: (performance.now() - started) / 1000, ids: run.findings.map((f) => f.id).join(',') };
  };
  const one = await time(1);
  const two = await time(2);
  return { oneSeconds: one.seconds, twoSeconds: two.seconds, speedup: one.seconds / two.seconds, sameFindings: one.ids === two.ids };
}

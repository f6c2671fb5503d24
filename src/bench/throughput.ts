import { checkModel } from '../engine/check.js';
import type { Model } from '../model/model.js';
import type { Oracle } from '../oracles/oracle.js';

export interface ThroughputFigures {
  twinRunsPerSecond: number;
  stepsPerSecond: number;
  cases: number;
}

/** Model-mode throughput: the fixed variant (no early stop), every oracle, `runs` cases each. */
export async function modelThroughput(model: Model, oracles: readonly Oracle[], runs: number): Promise<ThroughputFigures> {
  const started = performance.now();
  const run = await checkModel(model, oracles, { variant: 'fixed', runs, seed: 1 });
  const seconds = (performance.now() - started) / 1000;
  return { twinRunsPerSecond: run.stats.cases / seconds, stepsPerSecond: run.stats.steps / seconds, cases: run.stats.cases };
}

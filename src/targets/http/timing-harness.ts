import * as fc from 'fast-check';
import { Agent } from 'undici';
import { runTwin } from '../../engine/twin-run.js';
import type { Model } from '../../model/model.js';
import { timing } from '../../oracles/timing.js';
import { twinCaseArbitrary, twinOf, type TwinCase } from '../../world/twin-case.js';
import { createLiveSite } from './create-live-site.js';
import { timingSampler, type TimingOptions, type TimingSampler } from './timing-sampler.js';

/**
 * A twin case whose declared work differs (the model-mode `timing` oracle fires with `flaws`),
 * and the step where it does: the case to time live. Deterministic for a seed.
 */
export function leakingTimingCase(model: Model, flaws: ReadonlySet<string>, seed: number): { kase: TwinCase; step: number } {
  for (const kase of fc.sample(twinCaseArbitrary(model), { seed, numRuns: 2000 })) {
    const violation = timing.check(runTwin(model, kase, flaws))[0];
    if (violation) return { kase, step: violation.step };
  }
  throw new Error(`no case of ${model.name} shows a work difference with flaws ${[...flaws].join(', ')} (seed ${seed})`);
}

export interface TimingBench {
  sampler(options?: TimingOptions): TimingSampler;
  /** World A and its twin for a case; `null` gives world A twice (the null hypothesis). */
  worlds(kase: TwinCase, hypothesis?: 'twin' | 'null'): { a: object; b: object };
  close(): Promise<void>;
}

/** The embedded staging site with the given flaws, a warm pool, and samplers on it (tests and benchmarks). */
export async function timingBench(model: Model, flaws: readonly string[], timingWorkMs?: number): Promise<TimingBench> {
  const { startStagingSite } = await import('../../staging/index.js');
  const seedToken = 'timing-bench-token';
  const site = await startStagingSite({ flaws, seedToken, ...(timingWorkMs !== undefined ? { timingWorkMs } : {}) });
  const pool = new Agent({ connections: 4 });
  const binding = model.http;
  if (!binding) throw new Error(`${model.name} has no HTTP binding`);
  return {
    sampler: (options = {}) => timingSampler({ model, binding, openSite: () => createLiveSite({ baseUrl: site.url, pool, seedToken }), ...options }),
    worlds: (kase, hypothesis = 'twin') => ({ a: kase.world, b: hypothesis === 'null' ? kase.world : twinOf(model, kase) }),
    async close() {
      await pool.close();
      await site.close();
    },
  };
}

import * as fc from 'fast-check';
import { checkModel } from '../engine/check.js';
import type { Model } from '../model/model.js';
import type { Oracle } from '../oracles/oracle.js';
import { twinCaseArbitrary, twinOf } from '../world/twin-case.js';
import { cloneWorld } from '../world/clone-world.js';

export interface OverheadFigures {
  bookfuzzPerSecond: number;
  plainPerSecond: number;
  ratio: number;
}

/**
 * The engine's overhead: bookfuzz model mode with the `indistinguishable` oracle against a plain
 * fast-check property that draws the same cases and runs the same simulator on both twins,
 * comparing observations with JSON equality, without bookfuzz's engine (no traces, no world
 * snapshots, no masking, no chunks). Both on the fixed variant, so nothing stops early.
 */
export async function engineOverhead(model: Model, oracles: readonly Oracle[], runs: number): Promise<OverheadFigures> {
  // Warm both paths up first, then measure each on its own.
  await bookfuzzRate(model, oracles, Math.min(500, runs));
  plainRate(model, Math.min(500, runs));
  const plainPerSecond = plainRate(model, runs);
  const bookfuzzPerSecond = await bookfuzzRate(model, oracles, runs);
  return { bookfuzzPerSecond, plainPerSecond, ratio: bookfuzzPerSecond / plainPerSecond };
}

async function bookfuzzRate(model: Model, oracles: readonly Oracle[], runs: number): Promise<number> {
  const oracle = oracles.filter((o) => o.id === 'indistinguishable');
  const started = performance.now();
  const run = await checkModel(model, oracle, { variant: 'fixed', runs, seed: 1 });
  return run.stats.cases / ((performance.now() - started) / 1000);
}

function plainRate(model: Model, runs: number): number {
  const arbitrary = twinCaseArbitrary(model);
  const none = new Set<string>();
  let cases = 0;
  const plainStarted = performance.now();
  fc.assert(
    fc.property(arbitrary, (kase) => {
      cases++;
      // The same copy the engine makes, so the ratio is the engine's own overhead.
      const a = model.simulator(cloneWorld(kase.world), none);
      const b = model.simulator(cloneWorld(twinOf(model, kase)), none);
      for (const step of kase.steps) {
        const x = a.step(step);
        const y = b.step(step);
        // A real property would fail here; the fixed variant never does.
        if (model.secrets[kase.secret]?.hiddenFrom.includes(step.actor) && JSON.stringify(x.observation) !== JSON.stringify(y.observation)) return false;
      }
      return true;
    }),
    { seed: 1, numRuns: runs },
  );
  return cases / ((performance.now() - plainStarted) / 1000);
}

import * as fc from 'fast-check';
import { runTwin } from '../engine/twin-run.js';
import { runTrace } from '../engine/trace.js';
import type { Model } from '../model/model.js';
import type { Oracle } from '../oracles/oracle.js';
import { twinCaseArbitrary, type TwinCase } from '../world/twin-case.js';

export interface DetectionFigures {
  /** Cases generated until the first failure, per seed (Infinity when not found within the cap). */
  counts: number[];
  median: number;
  p90: number;
  missed: number;
}

/**
 * Cases to first failure with generation by variation: a world, an independent variation of one
 * secret, the twin made by applying it.
 */
export function casesByVariation(model: Model, oracle: Oracle, flaws: ReadonlySet<string>, seeds: number, cap: number): DetectionFigures {
  const arbitrary = twinCaseArbitrary(model);
  const counts: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    let generated = 0;
    const details = fc.check(
      fc.property(arbitrary, (kase) => {
        generated++;
        return oracle.check(runTwin(model, kase, flaws)).length === 0;
      }),
      { seed, numRuns: cap, endOnFailure: true },
    );
    counts.push(details.failed ? generated : Number.POSITIVE_INFINITY);
  }
  return figures(counts);
}

/**
 * The naive baseline: two worlds drawn independently, kept only when they agree on everything
 * but the secret (`erase` equal), as a tool without variation would have to. Every generated
 * pair counts, kept or not.
 */
export function casesNaive(model: Model, oracle: Oracle, flaws: ReadonlySet<string>, seeds: number, cap: number): DetectionFigures {
  const secretNames = Object.keys(model.secrets);
  const counts: number[] = [];
  const pairs = fc.record({
    a: model.world,
    b: model.world,
    secret: fc.constantFrom(...secretNames),
    steps: twinCaseArbitrary(model).map((k) => k.steps),
  });
  for (let seed = 1; seed <= seeds; seed++) {
    let generated = 0;
    let found = false;
    const details = fc.check(
      fc.property(pairs, ({ a, b, secret, steps }) => {
        generated++;
        const spec = model.secrets[secret];
        if (!spec || JSON.stringify(spec.erase(a)) !== JSON.stringify(spec.erase(b))) return true;
        const kase: TwinCase = { world: a, secret, variation: null, steps };
        const run = {
          model,
          secret: { name: secret, hiddenFrom: spec.hiddenFrom, variation: null },
          a: runTrace(model, kase.world, steps, flaws),
          b: runTrace(model, b, steps, flaws),
        };
        found = oracle.check(run).length > 0;
        return !found;
      }),
      { seed, numRuns: cap, endOnFailure: true },
    );
    counts.push(details.failed && found ? generated : Number.POSITIVE_INFINITY);
  }
  return figures(counts);
}

function figures(counts: number[]): DetectionFigures {
  const sorted = [...counts].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.POSITIVE_INFINITY;
  return { counts, median: at(0.5), p90: at(0.9), missed: counts.filter((c) => !Number.isFinite(c)).length };
}

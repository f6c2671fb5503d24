import type { Model } from '../../model/model.js';
import type { TimingSample, TwinRun } from '../../oracles/oracle.js';
import { judgeTiming } from '../../oracles/timing.js';
import { compareTimes, defaultCropQuantile, defaultMinEffectMs, defaultTimingThreshold } from '../../oracles/welch.js';
import { twinOf, type TwinCase } from '../../world/twin-case.js';
import type { HttpBinding } from './binding.js';
import type { LiveSiteHandle } from './create-live-site.js';

export interface TimingOptions {
  /** Most samples per class (`--timing-samples`). Default 400. */
  maxSamples?: number;
  /** Samples per class before the first look. Default 20. */
  minSamples?: number;
  /** |t| above which the classes differ (`--timing-threshold`). Default 4.5. */
  threshold?: number;
  /** Upper quantile kept when cropping. Default 0.95. */
  cropQuantile?: number;
  /** Smallest difference of medians of interest (ms). Default 0.2. */
  minEffectMs?: number;
  /** Seeds the random interleaving order (with the case itself). Default 0. */
  seed?: number;
}

export interface TimingSamplerOptions extends TimingOptions {
  model: Model;
  binding: HttpBinding;
  /** A fresh live site (new cookie jars) on the run's warm connection pool. */
  openSite: () => LiveSiteHandle;
}

export const defaultTimingSamples = 400;
export const defaultMinTimingSamples = 20;

/** Looks the adaptive test takes at most: checkpoints at min, 2·min, 4·min, … and max. */
export function timingLooks(min: number, max: number): number {
  let looks = 1;
  for (let n = min; n < max; n = Math.min(max, n * 2)) looks++;
  return looks;
}

/** mulberry32: a small seeded PRNG, so the interleaving order is deterministic. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface TimingSampler {
  /** Time step `step` of `kase` in two worlds (interleaved, adaptive), and the null test when A and B differ. */
  sampleStep(kase: TwinCase, step: number, worlds: { a: object; b: object }): Promise<TimingSample>;
  /**
   * Timing for a twin run: every step of an actor the secret is hidden from, in the lock-step
   * prefix (up to the first visible difference), is sampled in turn; the first that leaks is
   * returned, else the one with the largest |t|. Undefined when no step qualifies.
   */
  sampleRun(kase: TwinCase, run: TwinRun): Promise<TimingSample | undefined>;
}

/**
 * Measures response times of one step for the `timing` oracle. One sample = a fresh site handle
 * (fresh cookie jars, same warm connection pool), the world seeded, the prefix steps run, and the
 * target step timed (network time of the acting actor's requests, redirects included).
 */
export function timingSampler(options: TimingSamplerOptions): TimingSampler {
  const { model, binding } = options;
  const max = Math.max(3, options.maxSamples ?? defaultTimingSamples);
  const min = Math.min(max, Math.max(3, options.minSamples ?? defaultMinTimingSamples));
  const judging = {
    threshold: options.threshold ?? defaultTimingThreshold,
    cropQuantile: options.cropQuantile ?? defaultCropQuantile,
    minEffectMs: options.minEffectMs ?? defaultMinEffectMs,
  };

  async function measure(world: object, kase: TwinCase, index: number): Promise<number> {
    const site = options.openSite();
    try {
      await binding.setup(world, site);
      const reference = model.simulator(structuredClone(world), new Set());
      let time = 0;
      for (const [i, step] of kase.steps.slice(0, index + 1).entries()) {
        const before = structuredClone(reference.world());
        site.takeExchanges();
        await binding.perform(step, site, before);
        reference.step(step);
        if (i === index) time = site.takeExchanges().filter((e) => e.actor === step.actor).reduce((sum, e) => sum + e.timeMs, 0);
      }
      return time;
    } finally {
      try {
        await binding.cleanup?.(world, site);
      } finally {
        await site.close();
      }
    }
  }

  /** Two classes, interleaved pairwise in a seeded random order, checked at doubling checkpoints. */
  async function twoClasses(kase: TwinCase, index: number, first: object, second: object, random: () => number, fixed?: number) {
    const a: number[] = [];
    const b: number[] = [];
    // Warm-up (JIT, connections, caches), discarded.
    for (let i = 0; i < 2; i++) {
      await measure(first, kase, index);
      await measure(second, kase, index);
    }
    let checkpoint = fixed ?? min;
    for (;;) {
      while (a.length < checkpoint) {
        if (random() < 0.5) {
          a.push(await measure(first, kase, index));
          b.push(await measure(second, kase, index));
        } else {
          b.push(await measure(second, kase, index));
          a.push(await measure(first, kase, index));
        }
      }
      if (fixed !== undefined || a.length >= max) return { a, b };
      const decision = compareTimes(a, b, judging).decision;
      if (decision !== 'undecided') return { a, b };
      checkpoint = Math.min(max, checkpoint * 2);
    }
  }

  const sampler: TimingSampler = {
    async sampleStep(kase, index, worlds) {
      const random = prng(hash(`${options.seed ?? 0}:${kase.secret}:${JSON.stringify(kase.variation)}:${JSON.stringify(kase.steps)}:${index}`));
      const { a, b } = await twoClasses(kase, index, worlds.a, worlds.b, random);
      const sample: TimingSample = { step: index, a, b, nullA: [], nullB: [], ...judging };
      // The noise floor matters only when A and B differ: then the same number from world A alone.
      if (compareTimes(a, b, judging).decision === 'differ') {
        const nulls = await twoClasses(kase, index, worlds.a, worlds.a, random, a.length);
        sample.nullA = nulls.a;
        sample.nullB = nulls.b;
      }
      return sample;
    },
    async sampleRun(kase, run) {
      const worlds = { a: kase.world, b: twinOf(model, kase) };
      const steps = Math.min(run.a.steps.length, run.b.steps.length);
      let best: TimingSample | undefined;
      let bestT = -1;
      for (let i = 0; i < steps; i++) {
        const a = run.a.steps[i];
        const b = run.b.steps[i];
        if (!a || !b) break;
        if (run.secret.hiddenFrom.includes(a.step.actor)) {
          const sample = await sampler.sampleStep(kase, i, worlds);
          const judgement = judgeTiming(sample);
          if (judgement.verdict === 'leak') return sample;
          if (Math.abs(judgement.test.t) > bestT) {
            best = sample;
            bestT = Math.abs(judgement.test.t);
          }
        }
        const left = JSON.stringify({ outcome: a.result.outcome, ...a.result.observation });
        const right = JSON.stringify({ outcome: b.result.outcome, ...b.result.observation });
        if (left !== right) break;
      }
      return best;
    },
  };
  return sampler;
}

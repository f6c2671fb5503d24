import { PerformanceObserver } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { Model } from '../../model/model.js';
import type { TimingSample, TwinRun } from '../../oracles/oracle.js';
import { judgeTiming } from '../../oracles/timing.js';
import { compareTimes, defaultCropQuantile, defaultMinEffectMs, defaultTimingThreshold } from '../../oracles/welch.js';
import { twinOf, type TwinCase } from '../../world/twin-case.js';
import type { HttpBinding } from './binding.js';
import type { LiveSiteHandle } from './create-live-site.js';
import { cloneWorld } from '../../world/clone-world.js';

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

/** One timed step: its network time (ms) and the window (performance.now) it ran in. */
interface Measurement {
  time: number;
  start: number;
  end: number;
}

/**
 * This process's garbage-collection pauses, as Node reports them (a `gc` performance entry is
 * delivered a tick after the pause: `settle` waits for it). A sample whose window overlaps one
 * measured our own pause, not the target.
 */
function gcPauses(): { overlaps(window: Measurement): boolean; settle(): Promise<void>; close(): void } {
  const pauses: { start: number; end: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    overlaps: (window) => pauses.some((pause) => pause.start < window.end && pause.end > window.start),
    settle: () => new Promise((resolve) => setTimeout(resolve, 0)),
    close: () => observer.disconnect(),
  };
}

export interface TimingSampler {
  /** Time step `step` of `kase` in two worlds (interleaved, adaptive), and the null test when A and B differ. */
  sampleStep(kase: TwinCase, step: number, worlds: { a: object; b: object }): Promise<TimingSample>;
  /**
   * Timing for a twin run: every step of an actor the secret is hidden from, in the lock-step
   * prefix (up to the first visible difference), is timed from the same samples; a step that
   * leaks is returned, else the one with the largest |t|. Undefined when no step qualifies or
   * the twin equals the world (no secret differs).
   */
  sampleRun(kase: TwinCase, run: TwinRun): Promise<TimingSample | undefined>;
}

/**
 * Measures response times of steps for the `timing` oracle. One sample = a fresh site handle
 * (fresh cookie jars, same warm connection pool), the world seeded, the steps run up to the last
 * step timed, and each timed step's time taken (network time of the acting actor's requests,
 * redirects included). The steps of one run are timed together, from the same samples.
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

  /** One sample of `world`: the time of each step in `indices` (ascending). */
  async function measure(world: object, kase: TwinCase, indices: readonly number[]): Promise<Measurement[]> {
    const site = options.openSite();
    const last = indices[indices.length - 1] ?? -1;
    try {
      await binding.setup(world, site);
      const reference = model.simulator(cloneWorld(world), new Set());
      const measured: Measurement[] = [];
      for (const [i, step] of kase.steps.slice(0, last + 1).entries()) {
        const before = cloneWorld(reference.world());
        site.takeExchanges();
        const start = performance.now();
        await binding.perform(step, site, before);
        const end = performance.now();
        reference.step(step);
        const exchanges = site.takeExchanges();
        if (indices.includes(i)) measured.push({ time: exchanges.filter((e) => e.actor === step.actor).reduce((sum, e) => sum + e.timeMs, 0), start, end });
      }
      return measured;
    } finally {
      try {
        await binding.cleanup?.(world, site);
      } finally {
        await site.close();
      }
    }
  }

  /**
   * Two classes, interleaved pairwise in a seeded random order, each of the steps `indices`
   * judged at doubling checkpoints (at most `timingLooks` looks each); stops when one step's
   * classes differ, when every step's are the same, or at `max`. A pair during which this
   * process paused to collect garbage is measured again: the pause is ours, not the target's (at
   * most `max` pairs are dropped, then they are kept). Returns each step's times per class.
   */
  async function twoClasses(kase: TwinCase, indices: readonly number[], first: object, second: object, random: () => number, fixed?: number) {
    const pauses = gcPauses();
    try {
      const pairs: [Measurement[], Measurement[]][] = [];
      let dropped = 0;
      const clean = async () => {
        await pauses.settle();
        for (let i = pairs.length - 1; i >= 0 && dropped < max; i--) {
          const [x = [], y = []] = pairs[i] ?? [];
          if ([...x, ...y].some((m) => pauses.overlaps(m))) {
            pairs.splice(i, 1);
            dropped++;
          }
        }
      };
      // Warm-up (JIT, connections, caches), discarded.
      for (let i = 0; i < 2; i++) {
        await measure(first, kase, indices);
        await measure(second, kase, indices);
      }
      const times = () => indices.map((_, k) => ({ a: pairs.map(([x]) => x[k]?.time ?? 0), b: pairs.map(([, y]) => y[k]?.time ?? 0) }));
      let checkpoint = fixed ?? min;
      for (;;) {
        while (pairs.length < checkpoint) {
          while (pairs.length < checkpoint) {
            if (random() < 0.5) {
              const x = await measure(first, kase, indices);
              pairs.push([x, await measure(second, kase, indices)]);
            } else {
              const y = await measure(second, kase, indices);
              pairs.push([await measure(first, kase, indices), y]);
            }
          }
          await clean();
        }
        const classes = times();
        if (fixed !== undefined || pairs.length >= max) return classes;
        const decisions = classes.map(({ a, b }) => compareTimes(a, b, judging).decision);
        if (decisions.includes('differ') || decisions.every((d) => d === 'same')) return classes;
        checkpoint = Math.min(max, checkpoint * 2);
      }
    } finally {
      pauses.close();
    }
  }

  /**
   * Times `indices` of `kase` in worlds A and B together; for each step whose classes differ
   * (largest |t| first) the null test — world A in both classes, as many samples — until one is
   * a `leak`. Returns that step's sample, else the one with the largest |t|.
   */
  async function sampleSteps(kase: TwinCase, indices: readonly number[], worlds: { a: object; b: object }): Promise<TimingSample | undefined> {
    const random = prng(hash(`${options.seed ?? 0}:${kase.secret}:${JSON.stringify(kase.variation)}:${JSON.stringify(kase.steps)}:${indices.join(',')}`));
    const classes = await twoClasses(kase, indices, worlds.a, worlds.b, random);
    const samples = indices
      .map((step, k): TimingSample => ({ step, a: classes[k]?.a ?? [], b: classes[k]?.b ?? [], nullA: [], nullB: [], ...judging }))
      .map((sample) => ({ sample, test: compareTimes(sample.a, sample.b, judging) }))
      .sort((x, y) => Math.abs(y.test.t) - Math.abs(x.test.t));
    // The noise floor matters only when A and B differ: then the same number from world A alone.
    for (const { sample, test } of samples) {
      if (test.decision !== 'differ') continue;
      const [nulls] = await twoClasses(kase, [sample.step], worlds.a, worlds.a, random, sample.a.length);
      sample.nullA = nulls?.a ?? [];
      sample.nullB = nulls?.b ?? [];
      if (judgeTiming(sample).verdict === 'leak') return sample;
    }
    return samples[0]?.sample;
  }

  return {
    async sampleStep(kase, index, worlds) {
      const sample = await sampleSteps(kase, [index], worlds);
      if (!sample) throw new Error(`step ${index} of the case cannot be timed`);
      return sample;
    },
    async sampleRun(kase, run) {
      const worlds = { a: kase.world, b: twinOf(model, kase) };
      // The variation left the world as it was (the secret already had that value): nothing can leak.
      if (isDeepStrictEqual(worlds.a, worlds.b)) return undefined;
      // Every step of an actor the secret is hidden from, in the lock-step prefix (up to and
      // including the first step whose observations differ: from there the runs may part ways).
      const indices: number[] = [];
      const steps = Math.min(run.a.steps.length, run.b.steps.length);
      for (let i = 0; i < steps; i++) {
        const a = run.a.steps[i];
        const b = run.b.steps[i];
        if (!a || !b) break;
        if (run.secret.hiddenFrom.includes(a.step.actor)) indices.push(i);
        const left = JSON.stringify({ outcome: a.result.outcome, ...a.result.observation });
        const right = JSON.stringify({ outcome: b.result.outcome, ...b.result.observation });
        if (left !== right) break;
      }
      return indices.length === 0 ? undefined : sampleSteps(kase, indices, worlds);
    },
  };
}

import { PerformanceObserver } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { Model, StepResult } from '../model/model.js';
import type { TimingSample, TraceSide, TwinRun } from '../oracles/oracle.js';
import { judgeTiming } from '../oracles/timing.js';
import { compareTimes, defaultCropQuantile, defaultMinEffectMs, defaultTimingThreshold } from '../oracles/welch.js';
import { cloneWorld } from '../world/clone-world.js';
import { twinOf, type TwinCase } from '../world/twin-case.js';
import type { HttpBinding } from '../http/binding.js';
import type { LiveSiteHandle } from '../http/create-live-site.js';
import type { LiveSite } from '../http/types.js';

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
  /**
   * Set the world up again before every sample, as the sampler did before it kept one set-up
   * world per class (kept for the comparison in `src/bench/timing-cost.ts`). Default false.
   */
  setupPerSample?: boolean;
}

export interface TimingSamplerOptions extends TimingOptions {
  model: Model;
  binding: HttpBinding;
  /**
   * A fresh live site handle (new cookie jars) on the run's warm connection pool. With
   * `parallelWorlds`, `side` names the site's parallel world it works in (class A in `a`, class B
   * in `b`); otherwise the sampler always asks for `a`. Every handle is closed when its work is
   * done, and all it sent is timing's (set-ups included): a run meters the `timing` phase there.
   */
  openSite: (side: TraceSide) => LiveSiteHandle;
  /**
   * `openSite('a')` and `openSite('b')` work in two parallel worlds of the site
   * (`x-bookfuzz-world`): each class keeps its world set up in its own. Default false: the site
   * keeps one world (see `timingSampler` for what that costs).
   */
  parallelWorlds?: boolean;
  /** After every pair of samples: how far the test of the current case is (for progress lines). */
  onProgress?: (progress: TimingProgress) => void;
}

/** How far the timing test of one case is. */
export interface TimingProgress {
  /** `twins`: world A against world B; `null`: world A against itself (the noise floor). */
  test: 'twins' | 'null';
  /** Samples kept per class so far. */
  samples: number;
  /** Samples discarded so far in this test (their steps ended otherwise than in the first run on that world). */
  discarded: number;
}

/** What the sampler has cost so far (all its calls together). */
export interface TimingCost {
  /** Cases (calls of `sampleStep` or `sampleRun`) that timed something. */
  cases: number;
  /** World set-ups the sampler ran (`binding.setup`). */
  setups: number;
  /** Runs of the steps, each one sample of one class (warm-up and discarded ones included). */
  runs: number;
  /** Runs discarded: their steps' outcomes differed from the first run on that class's world. */
  discarded: number;
  /** Requests sent (set-ups, steps, cleanups). */
  requests: number;
}

/** Live timing samples, with how many runs were discarded to get them. */
export interface SampledTiming extends TimingSample {
  /**
   * Runs discarded, in the twin test and the null test of this sample together: on a world set up
   * once, an earlier sample's steps may change what a later one gets (a change the model does not
   * declare: a one-time offer taken); a run whose steps did not end (`ok` / `refused`) as the
   * first run on that world did is not a sample.
   */
  discarded: number;
}

/**
 * A binding that keeps something of a set-up in its own memory rather than on the site (the spec
 * binding: the run side's id that its e-mails carry, its canaries as sent) carries it from the
 * handle the set-up ran on to a fresh handle, nothing of the run (log-ins, extracted values).
 * Optional: a binding without it is taken to keep its set-up on the site and in the world
 * `setup` returns, as `HttpBinding.setup` says. (To move into `HttpBinding`.)
 */
export interface ResumingBinding {
  resume(setUp: LiveSite, fresh: LiveSite): void;
}

export const defaultTimingSamples = 400;
export const defaultMinTimingSamples = 20;

/** Runs of one class discarded in a row, with none kept, after which its samples each get a set-up of their own. */
export const discardsBeforeSetupPerSample = 3;

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

/** The `resume` of a binding that has one. */
function resumerOf(binding: HttpBinding): ResumingBinding['resume'] | undefined {
  const resume = (binding as HttpBinding & Partial<ResumingBinding>).resume;
  return typeof resume === 'function' ? resume.bind(binding) : undefined;
}

/** A place on the site where one world is set up at a time: a parallel world, or the site's one world. */
interface Slot {
  side: TraceSide;
  held?: { owner: ClassWorld; site: LiveSiteHandle; world: object };
}

/** One class of samples: the world it times and where that world is set up. */
interface ClassWorld {
  given: object;
  slot: Slot;
  /** Outcomes of the steps in the first run on this world (as far as any run went), which every later run must match. */
  reference?: readonly StepResult['outcome'][];
  /** Runs discarded in a row since one was last kept. */
  missesInARow: number;
  /** Every sample of this class sets its world up anew (asked for, or after `discardsBeforeSetupPerSample` misses in a row). */
  perSample: boolean;
}

/** One run of one class: the timed steps' measurements, or discarded. */
type Run = { kept: true; measured: Measurement[] } | { kept: false };

export interface TimingSampler {
  /** Time step `step` of `kase` in two worlds (interleaved, adaptive), and the null test when A and B differ. */
  sampleStep(kase: TwinCase, step: number, worlds: { a: object; b: object }): Promise<SampledTiming>;
  /**
   * Timing for a twin run: every step of an actor the secret is hidden from, in the lock-step
   * prefix (up to the first visible difference), is timed from the same samples; a step that
   * leaks is returned, else the one with the largest |t|. Undefined when no step qualifies or
   * the twin equals the world (no secret differs).
   */
  sampleRun(kase: TwinCase, run: TwinRun): Promise<SampledTiming | undefined>;
  /** What sampling has cost so far. */
  cost(): TimingCost;
}

/**
 * Measures response times of steps for the `timing` oracle. Each class (world A, world B; for the
 * null test world A twice, set up apart) has its world set up once per case and keeps it: in a
 * parallel world of its own when the site has them (`parallelWorlds`), or on the site's one world
 * side by side when the binding can resume a set-up (`ResumingBinding`) and its set-up adds people
 * rather than seeding a whole world; unless a step it runs is declared to change the world
 * (`ActionSpec.mutates`: what it changes would pile up). One sample = a fresh site handle (fresh cookie jars, same warm
 * connection pool) in that world, the case's steps run up to the last step timed (log-ins
 * included, since the browser is new), and each timed step's time taken (network time of the
 * acting actor's requests, redirects included). The first run on a set-up world is the
 * reference: a later run whose steps do not end (`ok` / `refused`) as the reference's did — an
 * earlier sample booked the slot — is discarded and counted; a class whose runs miss
 * `discardsBeforeSetupPerSample` times in a row sets its world up anew for every sample from then
 * on. Where the two classes cannot both keep a world (one world, no resume), or a step changes it,
 * every sample sets its world up, as with `setupPerSample`. The steps of one run are timed together, from the same samples.
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
  const resume = resumerOf(binding);
  const parallel = options.parallelWorlds === true;
  // On one world, set-ups that add people (sign-up) can stay side by side when the binding tells
  // its sides apart (a resumable binding: per-side e-mails); a seeding endpoint replaces the world.
  // Where the classes cannot both keep a world, each sample sets its world up. Taking turns on one
  // world (set up again when the other class had it) would save a quarter of the set-ups at most
  // (5–12% of the requests in src/bench/timing-cost.ts), put some samples right after a set-up and
  // others not, and run fresh handles on a set-up they cannot resume.
  const keepWorlds = options.setupPerSample !== true && (parallel || (resume !== undefined && binding.setupMethod !== 'seeding-endpoint'));
  const cost: TimingCost = { cases: 0, setups: 0, runs: 0, discarded: 0, requests: 0 };

  const open = (slot: Slot): LiveSiteHandle => options.openSite(parallel ? slot.side : 'a');
  const close = async (site: LiveSiteHandle): Promise<void> => {
    cost.requests += site.requestCount();
    await site.close();
  };

  /** Clean up and close what a slot holds (its world is no longer needed there). */
  async function evict(slot: Slot): Promise<void> {
    const held = slot.held;
    if (!held) return;
    slot.held = undefined;
    try {
      await binding.cleanup?.(held.world, held.site);
    } finally {
      await close(held.site);
    }
  }

  /** Run steps 0..last of `kase` on `site` from `world` (as set up); the times of `indices`, and every step's outcome. */
  async function runSteps(site: LiveSiteHandle, world: object, kase: TwinCase, indices: readonly number[]) {
    const last = indices[indices.length - 1] ?? -1;
    const reference = model.simulator(cloneWorld(world), new Set());
    const measured: Measurement[] = [];
    const outcomes: StepResult['outcome'][] = [];
    for (const [i, step] of kase.steps.slice(0, last + 1).entries()) {
      const before = cloneWorld(reference.world());
      site.takeExchanges();
      const start = performance.now();
      const result = await binding.perform(step, site, before);
      const end = performance.now();
      reference.step(step);
      outcomes.push(result.outcome);
      const exchanges = site.takeExchanges();
      if (indices.includes(i)) measured.push({ time: exchanges.filter((e) => e.actor === step.actor).reduce((sum, e) => sum + e.timeMs, 0), start, end });
    }
    return { measured, outcomes };
  }

  /**
   * One sample of a class: on its set-up world from a fresh browser, or (first run, after the
   * other class had the site's one world, or set-up per sample) on a world set up just now.
   */
  async function measure(cls: ClassWorld, kase: TwinCase, indices: readonly number[]): Promise<Run> {
    cost.runs++;
    const { slot } = cls;
    let result: Awaited<ReturnType<typeof runSteps>>;
    const held = slot.held;
    if (held && held.owner === cls && !cls.perSample) {
      const site = open(slot);
      try {
        resume?.(held.site, site);
        result = await runSteps(site, held.world, kase, indices);
      } finally {
        await close(site);
      }
    } else {
      await evict(slot);
      const site = open(slot);
      let world = cls.given;
      try {
        cost.setups++;
        world = (await binding.setup(cls.given, site)) ?? cls.given;
      } catch (error) {
        try {
          await binding.cleanup?.(world, site);
        } finally {
          await close(site);
        }
        throw error;
      }
      slot.held = { owner: cls, site, world };
      result = await runSteps(site, world, kase, indices);
    }
    // Runs of one class may go to different depths (the null test of an early step stops there):
    // compared on the steps both ran, the reference growing with the first run that went further.
    const reference = cls.reference ?? [];
    const common = Math.min(reference.length, result.outcomes.length);
    if (isDeepStrictEqual(result.outcomes.slice(0, common), reference.slice(0, common))) {
      if (result.outcomes.length > reference.length) cls.reference = result.outcomes;
      cls.missesInARow = 0;
      return { kept: true, measured: result.measured };
    }
    cost.discarded++;
    cls.missesInARow++;
    if (cls.missesInARow >= discardsBeforeSetupPerSample) cls.perSample = true;
    return { kept: false };
  }

  /**
   * Two classes, interleaved pairwise in a seeded random order, each of the steps `indices`
   * judged at doubling checkpoints (at most `timingLooks` looks each); stops when one step's
   * classes differ, when every step's are the same, or at `max`. A pair during which this
   * process paused to collect garbage is measured again: the pause is ours, not the target's (at
   * most `max` pairs are dropped, then they are kept). A pair with a discarded run is taken again;
   * once as many runs were discarded as pairs kept (and at least `min`), sampling stops with what
   * it has. Returns each step's times per class, and the runs discarded.
   */
  async function twoClasses(kase: TwinCase, indices: readonly number[], first: ClassWorld, second: ClassWorld, random: () => number, test: TimingProgress['test'], fixed?: number) {
    const pauses = gcPauses();
    try {
      const pairs: [Measurement[], Measurement[]][] = [];
      let dropped = 0;
      let discarded = 0;
      const take = async (cls: ClassWorld): Promise<Run> => {
        const run = await measure(cls, kase, indices);
        if (!run.kept) discarded++;
        return run;
      };
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
      const exhausted = () => discarded >= min && discarded >= pairs.length;
      // Warm-up (JIT, connections, caches; the first runs set the worlds up), discarded.
      for (let i = 0; i < 2; i++) {
        await take(first);
        await take(second);
      }
      const times = () => indices.map((_, k) => ({ a: pairs.map(([x]) => x[k]?.time ?? 0), b: pairs.map(([, y]) => y[k]?.time ?? 0) }));
      let checkpoint = fixed ?? min;
      for (;;) {
        while (pairs.length < checkpoint && !exhausted()) {
          while (pairs.length < checkpoint && !exhausted()) {
            const firstFirst = random() < 0.5;
            const x = firstFirst ? await take(first) : undefined;
            const y = await take(second);
            const a = x ?? (await take(first));
            if (a.kept && y.kept) pairs.push([a.measured, y.measured]);
            options.onProgress?.({ test, samples: pairs.length, discarded });
          }
          await clean();
        }
        const classes = times();
        if (fixed !== undefined || pairs.length >= max || exhausted()) return { classes, discarded };
        const decisions = classes.map(({ a, b }) => compareTimes(a, b, judging).decision);
        if (decisions.includes('differ') || decisions.every((d) => d === 'same')) return { classes, discarded };
        checkpoint = Math.min(max, checkpoint * 2);
      }
    } finally {
      pauses.close();
    }
  }

  /**
   * Times `indices` of `kase` in worlds A and B together; for each step whose classes differ
   * (largest |t| first) the null test — world A in both classes, as many samples — until one is
   * a `leak`. Returns that step's sample, else the one with the largest |t|. Every world set up
   * for the case is cleaned up and closed when it ends.
   */
  async function sampleSteps(kase: TwinCase, indices: readonly number[], worlds: { a: object; b: object }): Promise<SampledTiming | undefined> {
    cost.cases++;
    const random = prng(hash(`${options.seed ?? 0}:${kase.secret}:${JSON.stringify(kase.variation)}:${JSON.stringify(kase.steps)}:${indices.join(',')}`));
    const slotA: Slot = { side: 'a' };
    // A step that changes the world (a booking, a dose recorded) would pile up on a world set up
    // once, run after run: its answers may not change while the time of later steps does (a
    // history read grows with every dose). Such a case sets its world up for every sample.
    const last = indices[indices.length - 1] ?? -1;
    const mutates = kase.steps.slice(0, last + 1).some((step) => model.actions[step.action]?.mutates === true);
    const keep = keepWorlds && !mutates;
    const slotB: Slot = keep ? { side: 'b' } : slotA;
    const classWorld = (given: object, slot: Slot): ClassWorld => ({ given, slot, missesInARow: 0, perSample: !keep });
    const classA = classWorld(worlds.a, slotA);
    try {
      const twins = await twoClasses(kase, indices, classA, classWorld(worlds.b, slotB), random, 'twins');
      const samples = indices
        .map((step, k): SampledTiming => ({ step, a: twins.classes[k]?.a ?? [], b: twins.classes[k]?.b ?? [], nullA: [], nullB: [], ...judging, discarded: twins.discarded }))
        .map((sample) => ({ sample, test: compareTimes(sample.a, sample.b, judging) }))
        .sort((x, y) => Math.abs(y.test.t) - Math.abs(x.test.t));
      // The noise floor matters only when A and B differ: then the same number from world A alone,
      // its second class on a world A set up apart (as world B was), its first on world A's own.
      for (const { sample, test } of samples) {
        if (test.decision !== 'differ') continue;
        const nulls = await twoClasses(kase, [sample.step], classA, classWorld(worlds.a, slotB), random, 'null', sample.a.length);
        sample.nullA = nulls.classes[0]?.a ?? [];
        sample.nullB = nulls.classes[0]?.b ?? [];
        sample.discarded += nulls.discarded;
        if (judgeTiming(sample).verdict === 'leak') return sample;
      }
      return samples[0]?.sample;
    } finally {
      try {
        await evict(slotA);
      } finally {
        await evict(slotB);
      }
    }
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
    cost: () => ({ ...cost }),
  };
}

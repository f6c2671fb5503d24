import * as fc from 'fast-check';
import { Agent } from 'undici';
import { runTwin } from '../engine/twin-run.js';
import type { Model, Step } from '../model/model.js';
import { timing } from '../oracles/timing.js';
import { twinCaseArbitrary, twinOf, type TwinCase } from '../world/twin-case.js';
import { loadSpecModel } from '../flow-spec/load-spec-model.js';
import type { SpecWorld } from '../flow-spec/spec-world.js';
import { createLiveSite } from '../http/create-live-site.js';
import { harbourSpec, harbourSpecFile, startHarbourSite, type HarbourMode } from './timing-signup-site.js';
import { timingSampler, type TimingOptions, type TimingSampler } from '../live/timing-sampler.js';

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

/** How a bench's sampler is made: the sampler's options, and whether it uses the site's parallel worlds. */
export interface TimingBenchSamplerOptions extends TimingOptions {
  /** Class A in the site's parallel world `timing-a`, class B in `timing-b` (default true); false: the site's one world. */
  parallelWorlds?: boolean;
}

export interface TimingBench {
  sampler(options?: TimingBenchSamplerOptions): TimingSampler;
  /** World A and its twin for a case; `null` gives world A twice (the null hypothesis). */
  worlds(kase: TwinCase, hypothesis?: 'twin' | 'null'): { a: object; b: object };
  close(): Promise<void>;
}

/** The embedded staging site with the given flaws, a warm pool, and samplers on it (tests and benchmarks). */
export async function timingBench(model: Model, flaws: readonly string[], timingWorkMs?: number): Promise<TimingBench> {
  const { startStagingSite } = await import('../staging/index.js');
  const seedToken = 'timing-bench-token';
  const site = await startStagingSite({ flaws, seedToken, ...(timingWorkMs !== undefined ? { timingWorkMs } : {}) });
  const pool = new Agent({ connections: 4 });
  const binding = model.http;
  if (!binding) throw new Error(`${model.name} has no HTTP binding`);
  return {
    sampler: ({ parallelWorlds = true, ...options } = {}) =>
      timingSampler({
        model,
        binding,
        parallelWorlds,
        openSite: (side) => createLiveSite({ baseUrl: site.url, pool, seedToken, ...(parallelWorlds ? { world: `timing-${side}` } : {}) }),
        ...options,
      }),
    worlds: (kase, hypothesis = 'twin') => ({ a: kase.world, b: hypothesis === 'null' ? kase.world : twinOf(model, kase) }),
    async close() {
      await pool.close();
      await site.close();
    },
  };
}

/** The sign-up fixture (`timing-signup-site.ts`) with its spec, a warm pool, and samplers on it. */
export interface SignupTimingBench extends TimingBench {
  model: Model;
  /** The site's base URL and the bench's warm connection pool (for samplers a test builds itself). */
  url: string;
  pool: Agent;
  /** Requests the site answered so far. */
  siteRequests(): number;
  /** Sign-ups the site answered so far. */
  siteSignups(): number;
  /**
   * A case that times the logged-in patient's eligibility check of the person whose doses the
   * twins vary, after a first step of their own (`view-my-account` unless told: `set-reminder`
   * is refused when a world set up once runs it again).
   */
  leakingCase(seed: number, first?: string): { kase: TwinCase; step: number };
}

/**
 * Harbour Health (sign-up set-up through the site's own form, log-in by e-mail and password, a
 * timing flaw on the eligibility check unless `fixed`), and samplers on it like `timingBench`'s.
 * `spec`: another text of the spec (a test's variant of `harbourSpec`).
 */
export async function signupTimingBench(mode: HarbourMode, options: { workMs?: number; spec?: string } = {}): Promise<SignupTimingBench> {
  const model = await loadSpecModel(harbourSpecFile, { text: options.spec ?? harbourSpec });
  const binding = model.http;
  if (!binding) throw new Error(`${model.name} has no HTTP binding`);
  const site = await startHarbourSite(mode, options.workMs !== undefined ? { workMs: options.workMs } : {});
  const pool = new Agent({ connections: 4 });
  return {
    model,
    url: site.url,
    pool,
    siteRequests: () => site.requests(),
    siteSignups: () => site.signups(),
    sampler: ({ parallelWorlds = true, ...options } = {}) =>
      timingSampler({
        model,
        binding,
        parallelWorlds,
        openSite: (side) => createLiveSite({ baseUrl: site.url, pool, ...(parallelWorlds ? { world: `timing-${side}` } : {}) }),
        ...options,
      }),
    worlds: (kase, hypothesis = 'twin') => ({ a: kase.world, b: hypothesis === 'null' ? kase.world : twinOf(model, kase) }),
    leakingCase(seed, first = 'view-my-account') {
      for (const kase of fc.sample(twinCaseArbitrary(model), { seed, numRuns: 200 })) {
        const world = kase.world as SpecWorld;
        const twin = twinOf(model, kase) as SpecWorld;
        // The person whose doses differ, with none in one twin and some in the other (the flaw reads a history only then).
        const victim = world.patients.findIndex((p, i) => (p['doses'] === 0) !== (twin.patients[i]?.['doses'] === 0));
        if (victim <= 0) continue;
        const steps: Step[] = [
          { actor: 'patient', action: first, input: {} },
          { actor: 'patient', action: 'check-eligibility', input: { patient: victim } },
        ];
        return { kase: { ...kase, steps }, step: 1 };
      }
      throw new Error(`no case of ${model.name} varies another person's doses (seed ${seed})`);
    },
    async close() {
      await pool.close();
      await site.close();
    },
  };
}

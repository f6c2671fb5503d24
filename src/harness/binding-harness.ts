/**
 * Test support for HTTP bindings (used by the binding contract suite, binding-contract.test.ts,
 * and by `models/<name>/http.test.ts`): a staging site per variant, live runs judged by every
 * oracle that applies, and a step-by-step comparison of the binding on the site with the model's
 * simulator. Not part of the public API.
 */
import { checkModel } from '../engine/check.js';
import { runBothWays } from '../conform/run-both-ways.js';
import { stepLeaks, stepVerdicts, type StepVerdict, type VerdictOptions } from '../conform/step-verdict.js';
import type { Model, Step, StepResult } from '../model/model.js';
import { oracles } from '../oracles/index.js';
import type { Oracle } from '../oracles/oracle.js';
import { startStagingSite, type StagingSite } from '../staging/index.js';
import type { TwinCase } from '../world/twin-case.js';
import type { HttpBinding } from '../http/binding.js';
import type { BindingContract } from './binding-contract.js';
import { createLiveSite, type LiveSiteHandle } from '../http/create-live-site.js';
import { liveRunner } from '../live/live-runner.js';

export interface BindingHarness<W extends object> {
  /** Start one staging site per variant (default: `fixed` and each flaw alone). Call in `beforeAll`. */
  start(variants?: readonly string[]): Promise<void>;
  /** Close them. Call in `afterAll`. */
  stop(): Promise<void>;
  /** A fresh live site on the staging site of `variant`. */
  open(variant: string): LiveSiteHandle;
  /** A live run on `variant`'s site, every applicable oracle judging every case, 3 confirmations. */
  fuzz(variant: string, runs: number): Promise<{ document: Awaited<ReturnType<typeof checkModel>>; problems: { where: string; message: string; count: number }[]; ms: number }>;
  /** Canaries (`field:owner`) the actor may not see in a step's observation, typed values masked first as the runner does; sorted. */
  leaks(world: W, step: Step, result: StepResult): string[];
  /** What the oracles read from each step of a trace (`befores`: the reference world before each step). */
  verdicts(steps: readonly Step[], results: readonly StepResult[], befores: readonly W[]): StepVerdict[];
  /** One case through the simulator (with the flaw) and through the binding on the site (with the flaw). */
  bothWays(variant: string, kase: TwinCase<W>): Promise<{ simulated: StepVerdict[]; live: StepVerdict[] }>;
}

/** What the oracles read from one step (src/conform/step-verdict.ts, shared with `bookfuzz conform`). */
export type { StepVerdict };

export function bindingHarness<W extends object>(
  model: Model<W>,
  binding: HttpBinding<W>,
  options: { token: string; seed: number; conformance?: BindingContract<W>['conformance'] },
): BindingHarness<W> {
  const flaws = Object.keys(model.flaws);
  const sites = new Map<string, StagingSite>();
  const erased = model as unknown as Model;
  const verdictOptions: VerdictOptions<W> = {
    ...(options.conformance?.compare ? { compare: options.conformance.compare } : {}),
    ...(options.conformance?.ignoreLeak ? { ignoreLeak: options.conformance.ignoreLeak } : {}),
  };
  const everyOracle: Oracle = {
    id: 'every-oracle',
    title: 'every oracle that applies, on every case',
    severity: 'high',
    scope: 'run',
    help: 'test harness',
    usesWorld: true,
    appliesTo: () => true,
    check: (run) => oracles.filter((o) => o.appliesTo(erased)).flatMap((o) => o.check(run)),
  };
  const harness: BindingHarness<W> = {
    async start(variants = ['fixed', ...flaws]) {
      for (const variant of variants) {
        sites.set(variant, await startStagingSite({ flaws: variant === 'fixed' ? [] : [variant], port: 0, seedToken: options.token }));
      }
    },
    async stop() {
      for (const site of sites.values()) await site.close();
      sites.clear();
    },
    open(variant) {
      const site = sites.get(variant);
      if (!site) throw new Error(`no staging site for ${variant}`);
      return createLiveSite({ baseUrl: site.url, seedToken: options.token });
    },
    async fuzz(variant, runs) {
      const runner = liveRunner({ model: erased, binding: binding as unknown as HttpBinding, openSite: () => harness.open(variant) });
      const started = performance.now();
      const document = await checkModel(erased, [everyOracle], {
        runs,
        seed: options.seed,
        runner,
        confirmations: 3,
        describe: { variant: variant === 'fixed' ? 'fixed' : `flaws:${variant}`, flaws: variant === 'fixed' ? [] : [variant] },
      });
      return { document, problems: runner.problems(), ms: Math.round(performance.now() - started) };
    },
    leaks: (world, step, result) => stepLeaks(model, world, step, result),
    verdicts: (steps, results, befores) => stepVerdicts(model, steps, results, befores, verdictOptions),
    async bothWays(variant, kase) {
      const run = await runBothWays(model, binding, harness.open(variant), kase, new Set(variant === 'fixed' ? [] : [variant]));
      return { simulated: harness.verdicts(run.steps, run.simulated, run.befores), live: harness.verdicts(run.steps, run.live, run.befores) };
    },
  };
  return harness;
}

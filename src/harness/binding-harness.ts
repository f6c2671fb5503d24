/**
 * Test support for HTTP bindings (used by the binding contract suite, binding-contract.test.ts,
 * and by `models/<name>/http.test.ts`): a staging site per variant, live runs judged by every
 * oracle that applies, and a step-by-step comparison of the binding on the site with the model's
 * simulator. Not part of the public API.
 */
import { checkModel } from '../engine/check.js';
import { findCanaries } from '../identity/canary.js';
import type { Change, Model, Step, StepResult } from '../model/model.js';
import { maskTyped } from '../observe/mask-typed.js';
import { stringLeaves } from '../observe/string-leaves.js';
import { oracles } from '../oracles/index.js';
import type { Oracle } from '../oracles/oracle.js';
import { startStagingSite, type StagingSite } from '../staging/index.js';
import type { TwinCase } from '../world/twin-case.js';
import type { HttpBinding } from '../http/binding.js';
import type { BindingContract } from './binding-contract.js';
import { createLiveSite, type LiveSiteHandle } from '../http/create-live-site.js';
import { liveRunner } from '../live/live-runner.js';
import { cloneWorld } from '../world/clone-world.js';

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

/** What the oracles read from one step, in a form both sides of a comparison share. */
export interface StepVerdict {
  step: string;
  outcome: StepResult['outcome'];
  leaks: string[];
  /** `object:owner`, or whole changes with `change-descriptions`. */
  changes: (string | Change)[];
  /** With `ended-sessions`: whether the step ended sessions (how many differs: the site may end more), and whether it presented one ended before. */
  ends?: boolean;
  presentsEndedSession?: boolean;
  recordViews?: StepResult['recordViews'];
  audit?: StepResult['audit'];
}

export function bindingHarness<W extends object>(
  model: Model<W>,
  binding: HttpBinding<W>,
  options: { token: string; seed: number; conformance?: BindingContract<W>['conformance'] },
): BindingHarness<W> {
  const flaws = Object.keys(model.flaws);
  const sites = new Map<string, StagingSite>();
  const erased = model as unknown as Model;
  const compare = new Set(options.conformance?.compare ?? []);
  const ignoreLeak = options.conformance?.ignoreLeak ?? (() => false);
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
    leaks(world, step, result) {
      const canaries = model.canaries(world);
      const hits = stringLeaves(maskTyped(result.observation, result.typed))
        .flatMap((leaf) => findCanaries(leaf.text, canaries).map((hit) => hit.canary))
        .filter((canary) => !model.policy.maySee?.({ world, step, canary }))
        .map((c) => `${c.field}:${c.owner}`);
      return [...new Set(hits)].sort();
    },
    verdicts(steps, results, befores) {
      const ended = new Set<string>();
      return results.map((result, i) => {
        const step = steps[i];
        const before = befores[i];
        if (!step || !before) throw new Error(`no step or world before step ${i + 1}`);
        const verdict: StepVerdict = {
          step: `${step.actor}:${step.action}`,
          outcome: result.outcome,
          leaks: harness.leaks(before, step, result).filter((leak) => !ignoreLeak(before, step, leak)),
          changes: (result.changes ?? []).map((c) => (compare.has('change-descriptions') ? c : `${c.object}:${c.owner ?? ''}`)),
        };
        if (compare.has('ended-sessions')) {
          verdict.ends = (result.endedSessions ?? []).length > 0;
          verdict.presentsEndedSession = result.session !== undefined && ended.has(result.session);
          for (const e of result.endedSessions ?? []) ended.add(e.session);
        }
        if (compare.has('record-views')) verdict.recordViews = result.recordViews ?? [];
        if (compare.has('audit')) verdict.audit = result.audit ?? [];
        return verdict;
      });
    },
    async bothWays(variant, kase) {
      const flawSet = new Set(variant === 'fixed' ? [] : [variant]);
      const simulation = model.simulator(cloneWorld(kase.world), flawSet);
      const reference = model.simulator(cloneWorld(kase.world), new Set());
      const site = harness.open(variant);
      const befores: W[] = [];
      const simulated: StepResult[] = [];
      const live: StepResult[] = [];
      try {
        await binding.setup(cloneWorld(kase.world), site);
        for (const step of kase.steps) {
          const before = cloneWorld(reference.world());
          befores.push(before);
          live.push(await binding.perform(step, site, cloneWorld(before)));
          simulated.push(simulation.step(step));
          reference.step(step);
        }
      } finally {
        await site.close();
      }
      return { simulated: harness.verdicts(kase.steps, simulated, befores), live: harness.verdicts(kase.steps, live, befores) };
    },
  };
  return harness;
}

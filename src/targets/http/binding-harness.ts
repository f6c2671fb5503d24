/**
 * Test support for HTTP bindings (used by `models/<name>/http.test.ts`): a staging site per
 * variant, live runs judged by every oracle that applies, and a step-by-step comparison of the
 * binding on the site with the model's simulator. Not part of the public API.
 */
import { checkModel } from '../../engine/check.js';
import { findCanaries } from '../../identity/canary.js';
import type { Model, Step, StepResult } from '../../model/model.js';
import { maskTyped } from '../../observe/mask-typed.js';
import { stringLeaves } from '../../observe/string-leaves.js';
import { oracles } from '../../oracles/index.js';
import type { Oracle } from '../../oracles/oracle.js';
import { startStagingSite, type StagingSite } from '../../staging/index.js';
import type { TwinCase } from '../../world/twin-case.js';
import type { HttpBinding } from './binding.js';
import { createLiveSite, type LiveSiteHandle } from './create-live-site.js';
import { liveRunner } from './live-runner.js';

export interface BindingHarness<W extends object> {
  /** Start one staging site per variant (`fixed` and each flaw alone). Call in `beforeAll`. */
  start(): Promise<void>;
  /** Close them. Call in `afterAll`. */
  stop(): Promise<void>;
  /** A fresh live site on the staging site of `variant`. */
  open(variant: string): LiveSiteHandle;
  /** A live run on `variant`'s site, every applicable oracle judging every case, 3 confirmations. */
  fuzz(variant: string, runs: number): Promise<{ document: Awaited<ReturnType<typeof checkModel>>; problems: { where: string; message: string; count: number }[]; ms: number }>;
  /** What the oracles read from one step, as one comparable line. */
  verdict(world: W, step: Step, result: StepResult): string;
  /** One case through the simulator (with the flaw) and through the binding on the site (with the flaw). */
  bothWays(variant: string, kase: TwinCase<W>): Promise<{ simulated: string[]; live: string[] }>;
}

export function bindingHarness<W extends object>(model: Model<W>, binding: HttpBinding<W>, options: { token: string; seed: number }): BindingHarness<W> {
  const flaws = Object.keys(model.flaws);
  const sites = new Map<string, StagingSite>();
  const erased = model as unknown as Model;
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
    async start() {
      for (const variant of ['fixed', ...flaws]) {
        sites.set(variant, await startStagingSite({ flaws: variant === 'fixed' ? [] : [variant], port: 0, seedToken: options.token }));
      }
    },
    async stop() {
      for (const site of sites.values()) await site.close();
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
    verdict(world, step, result) {
      const canaries = model.canaries(world);
      const leaks = stringLeaves(maskTyped(result.observation, result.typed))
        .flatMap((leaf) => findCanaries(leaf.text, canaries).map((hit) => hit.canary))
        .filter((canary) => !model.policy.maySee?.({ world, step, canary }))
        .map((c) => `${c.field}:${c.owner}`);
      const changes = (result.changes ?? []).map((c) => `${c.object}:${c.owner ?? ''}`);
      return `${step.actor}:${step.action} ${result.outcome} leaks=[${[...new Set(leaks)].sort().join(',')}] changes=[${changes.join(',')}]`;
    },
    async bothWays(variant, kase) {
      const flawSet = new Set(variant === 'fixed' ? [] : [variant]);
      const simulation = model.simulator(structuredClone(kase.world), flawSet);
      const reference = model.simulator(structuredClone(kase.world), new Set());
      const site = harness.open(variant);
      const simulated: string[] = [];
      const live: string[] = [];
      try {
        await binding.setup(structuredClone(kase.world), site);
        for (const step of kase.steps) {
          const before = structuredClone(reference.world());
          live.push(harness.verdict(before, step, await binding.perform(step, site, structuredClone(before))));
          simulated.push(harness.verdict(before, step, simulation.step(step)));
          reference.step(step);
        }
      } finally {
        await site.close();
      }
      return { simulated, live };
    },
  };
  return harness;
}

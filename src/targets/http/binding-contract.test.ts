/**
 * The contract every HTTP binding keeps, run against every model under models/ that has one (as
 * src/model/model-contract.test.ts does for model mode): on the embedded staging site, step by
 * step the binding means what the model's simulator means, each flaw switched on alone is found
 * live by the oracles the model declares for it and by no other, and the fixed site gives
 * nothing in 300 twin runs. A new model with an `http` binding is tested the moment it exists;
 * what it must say about itself (seed, known differences) goes in `models/<name>/http-contract.ts`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed } from '../../engine/seeds.js';
import { listModelNames, loadModel } from '../../model/load-model.js';
import type { Model } from '../../model/model.js';
import { twinCaseArbitrary } from '../../world/twin-case.js';
import type { HttpBinding } from './binding.js';
import type { BindingContract } from './binding-contract.js';
import { bindingHarness } from './binding-harness.js';

/** Cases of the fixed site, every oracle judging each. */
const fixedRuns = 300;
/** Cases per flaw, every oracle judging each. */
const flawRuns = 100;

interface Bound {
  name: string;
  model: Model;
  binding: HttpBinding;
  contract: BindingContract;
}

async function contractOf(model: Model): Promise<BindingContract> {
  const file = model.source === undefined ? undefined : join(dirname(model.source), 'http-contract.ts');
  if (file === undefined || !existsSync(file)) return {};
  const exported = ((await import(pathToFileURL(file).href)) as Record<string, unknown>)['contract'];
  if (typeof exported !== 'object' || exported === null) throw new Error(`${file} exports no \`contract\` object`);
  return exported as BindingContract;
}

const bound: Bound[] = [];
for (const name of listModelNames()) {
  const model = await loadModel(name);
  if (model.http) bound.push({ name, model, binding: model.http, contract: await contractOf(model) });
}

for (const { name, model, binding, contract } of bound) {
  describe(`binding ${name}`, () => {
    const seed = contract.seed ?? 1;
    const conformance = contract.conformance ?? {};
    const flaws = Object.keys(model.flaws);
    /** Flaws the default live oracles find; timing-only flaws are found live with `--oracles timing` (timing-sampler.test.ts). */
    const liveFlaws = flaws.filter((flaw) => !(model.flaws[flaw]?.oracles ?? []).every((oracle) => oracle === 'timing'));
    const harness = bindingHarness(model, binding, { token: `${name}-binding-test`, seed, conformance });

    beforeAll(() => harness.start());
    afterAll(() => harness.stop());

    it.each(['fixed', ...flaws])('means what the simulator means, step by step (%s)', async (variant) => {
      const cases = fc
        .sample(twinCaseArbitrary(model), { seed: deriveSeed(seed, `conformance:${variant}`), numRuns: conformance.cases ?? 40 })
        .filter((kase) => conformance.comparable?.(kase) ?? true);
      expect(cases.length).toBeGreaterThanOrEqual(conformance.minimum ?? 1);
      for (const kase of cases) {
        const { simulated, live } = await harness.bothWays(variant, kase);
        expect(live).toEqual(simulated);
      }
    }, 120_000);

    it.each(liveFlaws)('finds %s live with the oracles the model declares for it, and no other', async (flaw) => {
      const declared = [...(model.flaws[flaw]?.oracles ?? [])].sort();
      const { document, problems, ms } = await harness.fuzz(flaw, flawRuns);
      const found = [...new Set(document.findings.map((f) => f.oracle))].sort();
      const summary = document.findings.map((f) => ({
        oracle: f.oracle,
        caseOfFirstFailure: Number(f.path.split(':')[0]) + 1,
        minimal: f.steps.map((s) => `${s.actor}:${s.action}`).join(' → '),
      }));
      console.info(`${name} ${flaw}: ${JSON.stringify({ found, summary, cases: document.stats.cases, ms })}`);
      expect(problems).toEqual([]);
      expect(found).toEqual(declared);
      expect(contract.findings?.(flaw, document.findings) ?? []).toEqual([]);
    }, 600_000);

    it(`finds nothing on the fixed site in ${fixedRuns} twin runs, every oracle judging every case`, async () => {
      const { document, problems, ms } = await harness.fuzz('fixed', fixedRuns);
      console.info(`${name} fixed: ${JSON.stringify({ cases: document.stats.cases, steps: document.stats.steps, ms, notes: document.notes ?? [] })}`);
      expect(problems).toEqual([]);
      expect(document.findings.map((f) => f.message)).toEqual([]);
      expect(document.stats.cases).toBeGreaterThanOrEqual(fixedRuns);
    }, 600_000);
  });
}

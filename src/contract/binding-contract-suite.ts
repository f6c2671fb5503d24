/**
 * The contract every HTTP binding keeps (test support, not part of the public API), run by
 * `typescript-bindings.test.ts` against every model under models/ with an `http` binding and by
 * `spec-bindings.test.ts` against every shipped flow spec (`models/<name>/spec.yaml`, compiled
 * with its binding), as src/model/model-contract.test.ts does for model mode. On the embedded
 * staging site: step by step the binding means what the model's simulator means, each flaw
 * switched on alone is found live by the oracles the model declares for it and by no other, and
 * the fixed site gives nothing in 150 twin runs (100 for a spec). Models are found by listing models/, so a new
 * folder is tested the moment it exists; what it must say about itself (seed, known differences)
 * goes in `models/<name>/http-contract.ts` (`contract` for the TypeScript binding, `specContract`
 * for the spec). The two kinds are two test files so that a CI runner runs them side by side.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed } from '../engine/seeds.js';
import { builtinModelsDir, listModelNames, loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import { loadSpecModel } from '../flow-spec/load-spec-model.js';
import type { HttpBinding } from '../http/binding.js';
import type { BindingContract } from '../harness/binding-contract.js';
import { bindingHarness } from '../harness/binding-harness.js';
import { twinCaseArbitrary } from '../world/twin-case.js';

/**
 * Cases of the fixed site, every oracle judging each: 150 for a TypeScript binding (what a live run
 * does unless told, `defaultLiveRuns`); 100 for a spec's (as the spec tests ran before the suite
 * took them over), to keep CI inside its time. Longer sweeps: `npm run bench -- --cost`.
 */
const fixedRunsOf: Record<BindingKind, number> = { typescript: 150, spec: 100 };
/** Cases per flaw, every oracle judging each. */
const flawRuns = 100;

/** One binding under the contract: a model folder's TypeScript binding or its spec's. */
export interface BoundBinding {
  /** The model folder's name, with ` (spec)` for a spec. */
  name: string;
  /** Cases of the fixed site. */
  fixedRuns: number;
  /** Seed token of its staging sites. */
  token: string;
  model: Model;
  binding: HttpBinding;
  contract: BindingContract;
}

/** Kinds of binding the suite runs against: the TypeScript `http` binding of a model, or a flow spec's. */
export type BindingKind = 'typescript' | 'spec';

/** The `contract` (TypeScript binding) or `specContract` (flow spec) export of the model folder's `http-contract.ts`; none: the defaults. */
async function contractOf(folder: string, kind: BindingKind): Promise<BindingContract> {
  const file = join(folder, 'http-contract.ts');
  if (!existsSync(file)) return {};
  const exportName = kind === 'spec' ? 'specContract' : 'contract';
  const exported = ((await import(pathToFileURL(file).href)) as Record<string, unknown>)[exportName];
  if (exported === undefined && kind === 'spec') return {};
  if (typeof exported !== 'object' || exported === null) throw new Error(`${file} exports no \`${exportName}\` object`);
  return exported as BindingContract;
}

/** Folders under `dir` with a flow spec (`_`-prefixed folders such as the template left out). */
export function listSpecFolders(dir = builtinModelsDir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && existsSync(join(dir, entry.name, 'spec.yaml')))
    .map((entry) => entry.name)
    .sort();
}

/** Every shipped binding of `kind`, found by listing models/, with what its folder says of it. */
export async function boundBindings(kind: BindingKind, dir = builtinModelsDir): Promise<BoundBinding[]> {
  const bound: BoundBinding[] = [];
  if (kind === 'typescript') {
    for (const name of listModelNames(dir)) {
      const model = await loadModel(join(dir, name));
      if (model.http) bound.push({ name, fixedRuns: fixedRunsOf.typescript, token: `${name}-binding-test`, model, binding: model.http, contract: await contractOf(join(dir, name), kind) });
    }
    return bound;
  }
  for (const name of listSpecFolders(dir)) {
    // Irreversible steps allowed: the site is the embedded staging site, and some flaws are reached only through them.
    const model = await loadSpecModel(join(dir, name, 'spec.yaml'), { allowIrreversible: true });
    if (model.http) bound.push({ name: `${name} (spec)`, fixedRuns: fixedRunsOf.spec, token: `${name}-spec-binding-test`, model, binding: model.http, contract: await contractOf(join(dir, name), kind) });
  }
  return bound;
}

/** Declare the contract's tests (call at a test file's top level) for every shipped binding of `kind`. */
export async function bindingContractSuite(kind: BindingKind): Promise<void> {
  const bound = await boundBindings(kind);
  it(`finds at least one ${kind} binding under models/`, () => {
    expect(bound.length).toBeGreaterThan(0);
  });
  for (const target of bound) contractFor(target);
}

function contractFor({ name, fixedRuns, token, model, binding, contract }: BoundBinding): void {
  describe(`binding ${name}`, () => {
    const seed = contract.seed ?? 1;
    const conformance = contract.conformance ?? {};
    const flaws = Object.keys(model.flaws);
    /** Flaws the default live oracles find; timing-only flaws are found live with `--oracles timing` (timing-sampler.test.ts). */
    const liveFlaws = flaws.filter((flaw) => !(model.flaws[flaw]?.oracles ?? []).every((oracle) => oracle === 'timing'));
    const harness = bindingHarness(model, binding, { token, seed, conformance });

    beforeAll(() => harness.start());
    afterAll(() => harness.stop());

    // A model that can only run live (a spec without screens) has no simulated outcomes to compare
    // with the site: there is no step-by-step test to declare (its simulator only keeps effects).
    const variants = model.liveOnly === undefined ? ['fixed', ...flaws] : [];
    const compare = conformance.skip === undefined ? it.each(variants) : it.skip.each(variants);
    const skipped = conformance.skip === undefined ? '' : ` [skipped: ${conformance.skip}]`;
    if (variants.length > 0) compare(`means what the simulator means, step by step (%s)${skipped}`, async (variant) => {
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
      const unfound = contract.unfound?.[flaw]?.oracles ?? [];
      const required = declared.filter((oracle) => !unfound.includes(oracle));
      expect(found.filter((oracle) => !unfound.includes(oracle) || !declared.includes(oracle))).toEqual(required);
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

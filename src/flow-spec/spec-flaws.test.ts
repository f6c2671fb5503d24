import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../model/load-model.js';
import { loadSpecModel } from './load-spec-model.js';
import { fuzzLive } from './spec-test-support.js';

const specOf = (name: string) => fileURLToPath(new URL(`../../models/${name}/spec.yaml`, import.meta.url));

/**
 * The binding contract (src/contract/flow-spec-bindings.test.ts) finds every staging flaw through the
 * specs with their declared oracles, and nothing on the fixed site. What it lists as not found yet
 * with all oracles at once is checked here with the one oracle alone: second-dose-unverified by
 * `authorized`, which needs irreversible steps allowed.
 */
const cases: { model: string; flaw: string; oracle: string; allowIrreversible?: boolean }[] = [
  { model: 'nhs-covid-booking', flaw: 'second-dose-unverified', oracle: 'authorized', allowIrreversible: true },
];

describe('staging flaws are found through the spec bindings, as through the TypeScript ones', () => {
  it.concurrent.each(cases)('$model: $flaw by $oracle', async ({ model: name, flaw, oracle, allowIrreversible }) => {
    const spec = await loadSpecModel(specOf(name), { allowIrreversible: allowIrreversible === true });
    const typescript = await loadModel(name);
    const [bySpec, byTypeScript] = await Promise.all([
      fuzzLive(spec, { flaws: [flaw], runs: 60, oracles: [oracle] }),
      fuzzLive(typescript, { flaws: [flaw], runs: 60, oracles: [oracle] }),
    ]);
    expect(bySpec.findings.map((f) => f.oracle)).toContain(oracle);
    expect(byTypeScript.findings.map((f) => f.oracle)).toContain(oracle);
  }, 300_000);
});

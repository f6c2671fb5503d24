import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadSpecModel } from './load-spec-model.js';
import { fuzzLive } from './spec-test-support.js';

const specOf = (name: string) => fileURLToPath(new URL(`../../models/${name}/spec.yaml`, import.meta.url));
const models = ['nhs-covid-booking', 'household-booking', 'referral-smartcard', 'record-access', 'sealed-envelope'];

describe('fixed staging site: the spec bindings report nothing', () => {
  it.concurrent.each(models)('%s, 100 runs per oracle, irreversible steps allowed', async (name) => {
    const model = await loadSpecModel(specOf(name), { allowIrreversible: true });
    const run = await fuzzLive(model, { runs: 100, seed: 5 });
    expect(run.findings.map((f) => f.message)).toEqual([]);
    expect(run.stats.cases).toBeGreaterThanOrEqual(100);
  }, 600_000);
});

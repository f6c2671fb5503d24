import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../model/load-model.js';
import { loadSpecModel } from './load-spec-model.js';
import { fuzzLive } from './spec-test-support.js';

const specOf = (name: string) => fileURLToPath(new URL(`../../models/${name}/spec.yaml`, import.meta.url));

/** Each staging flaw, the spec that binds it, and the oracle that must find it through the spec. */
const cases: { model: string; flaw: string; oracle: string; allowIrreversible?: boolean }[] = [
  { model: 'nhs-covid-booking', flaw: 'status-dependent-screen', oracle: 'indistinguishable' },
  { model: 'nhs-covid-booking', flaw: 'second-dose-unverified', oracle: 'indistinguishable' },
  { model: 'nhs-covid-booking', flaw: 'second-dose-unverified', oracle: 'authorized', allowIrreversible: true },
  { model: 'household-booking', flaw: 'idor-view', oracle: 'no-canary-leak' },
  { model: 'household-booking', flaw: 'client-role', oracle: 'authorized' },
  { model: 'household-booking', flaw: 'idor-modify', oracle: 'authorized' },
  { model: 'referral-smartcard', flaw: 'logout-ignored', oracle: 'session-dies' },
  { model: 'referral-smartcard', flaw: 'card-removal-ignored', oracle: 'session-dies' },
  { model: 'record-access', flaw: 'retrospective-entries', oracle: 'no-canary-leak' },
  { model: 'record-access', flaw: 'redaction-ignored', oracle: 'no-canary-leak' },
  { model: 'record-access', flaw: 'proxy-overreach', oracle: 'no-canary-leak' },
  { model: 'record-access', flaw: 'disabled-login-works', oracle: 'session-dies', allowIrreversible: true },
  { model: 'sealed-envelope', flaw: 'warning-only', oracle: 'no-canary-leak' },
  { model: 'sealed-envelope', flaw: 'unaudited-access', oracle: 'audit-complete' },
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

/**
 * The contract every model keeps, run against every folder under models/: a new model is
 * tested the moment it exists.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../engine/check.js';
import type { Finding } from '../engine/finding.js';
import { replayFinding } from '../engine/replay.js';
import { runTwin } from '../engine/twin-run.js';
import { isTestNhi } from '../identity/nhi.js';
import { isTestNhsNumber } from '../identity/nhs-number.js';
import { oracles } from '../oracles/index.js';
import { twinCaseArbitrary } from '../world/twin-case.js';
import { listModelNames, loadModel } from './load-model.js';

// One representative seed per flaw here; the sweep over 50 seeds is `npm run bench` (src/bench/detection.ts).
const seeds = [1];

for (const name of listModelNames()) {
  describe(`model ${name}`, async () => {
    const model = await loadModel(name);
    const flaws = Object.entries(model.flaws);

    it('has vulnerable and fixed variants and at least one flaw', () => {
      expect(model.variants['fixed']).toEqual([]);
      expect([...(model.variants['vulnerable'] ?? [])].sort()).toEqual(Object.keys(model.flaws).sort());
      expect(flaws.length).toBeGreaterThan(0);
      for (const [, flaw] of flaws) for (const oracle of flaw.oracles) expect(oracles.map((o) => o.id)).toContain(oracle);
    });

    it('generates worlds with test-range identities whose canaries are unique', () => {
      fc.assert(
        fc.property(model.world, (world) => {
          const canaries = model.canaries(world);
          for (const c of canaries) {
            if (c.field === 'nhsNumber') expect(isTestNhsNumber(c.value), c.value).toBe(true);
            if (c.field === 'nhi') expect(isTestNhi(c.value), c.value).toBe(true);
          }
          const values = canaries.map((c) => c.value);
          expect(new Set(values).size).toBe(values.length);
        }),
        { seed: 1, numRuns: 200 },
      );
    });

    it('makes twins that differ only in the varied secret, without touching the original', () => {
      fc.assert(
        fc.property(twinCaseArbitrary(model), (kase) => {
          const secret = model.secrets[kase.secret];
          if (!secret) return;
          const original = structuredClone(kase.world);
          const twin = secret.apply(kase.world, kase.variation);
          expect(kase.world).toEqual(original);
          expect(secret.erase(twin)).toEqual(secret.erase(kase.world));
        }),
        { seed: 2, numRuns: 200 },
      );
    });

    it('simulates deterministically', () => {
      const vulnerable = new Set(model.variants['vulnerable']);
      fc.assert(
        fc.property(twinCaseArbitrary(model), (kase) => {
          expect(runTwin(model, kase, vulnerable)).toEqual(runTwin(model, kase, vulnerable));
        }),
        { seed: 3, numRuns: 100 },
      );
    });

    it('reports nothing on the fixed variant over 2,000 runs', async () => {
      const run = await checkModel(model, oracles, { variant: 'fixed', seed: 1, runs: 2000 });
      expect(run.findings.map((f) => `${f.oracle}: ${f.message}`)).toEqual([]);
    });

    describe.each(flaws)('flaw %s alone', (flaw, spec) => {
      it.each(seeds)(`is found by ${spec.oracles.join(' and ')}, only by them, minimally (seed %i)`, async (seed) => {
        const run = await checkModel(model, oracles, { flaws: [flaw], seed });
        const found = (oracle: string) => run.findings.filter((f) => f.oracle === oracle);
        for (const oracle of spec.oracles) expect(found(oracle).length, `${oracle} found nothing`).toBeGreaterThan(0);
        // Precision: no other oracle fires on this flaw alone.
        expect(run.findings.filter((f) => !spec.oracles.includes(f.oracle)).map((f) => f.message)).toEqual([]);
        for (const finding of run.findings) await expectMinimal(finding);
      });
    });

    async function expectMinimal(finding: Finding): Promise<void> {
      const steps = finding.counterexample.steps;
      if (steps.length === 1) return;
      for (const i of steps.keys()) {
        const shorter: Finding = { ...finding, counterexample: { ...finding.counterexample, steps: steps.filter((_, j) => j !== i) } };
        expect((await replayFinding(model, oracles, shorter)).status, `step ${i + 1} of ${finding.id} can be removed`).toBe('fixed');
      }
    }
  });
}

describe('the model template (models/_template)', () => {
  it('loads by path, finds its flaw and is clean when fixed', async () => {
    const model = await loadModel(new URL('../../models/_template', import.meta.url).pathname);
    const vulnerable = await checkModel(model, oracles, { seed: 1 });
    expect(vulnerable.findings.map((f) => f.flaw)).toContain('echo-status');
    const fixed = await checkModel(model, oracles, { variant: 'fixed', seed: 1 });
    expect(fixed.findings).toEqual([]);
  });
});

import * as fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isTestNhsNumber } from '../identity/nhs-number.js';
import { loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import { oracles } from '../oracles/index.js';
import { twinCaseArbitrary } from '../world/twin-case.js';
import { checkModel, searchOnce, simulatorRunner } from './check.js';
import { dedupKey } from './finding.js';
import { replayFinding } from './replay.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel('nhs-covid-booking');
});

describe('check nhs-covid-booking', () => {
  it.each(Array.from({ length: 20 }, (_, i) => i + 1))(
    'finds status-dependent-screen with indistinguishable, minimal, for seed %i',
    async (seed) => {
      const run = await checkModel(model, oracles, { variant: 'vulnerable', seed, oracles: ['indistinguishable'] });
      const finding = run.findings.find((f) => f.flaw?.split(',').includes('status-dependent-screen'));
      expect(finding, `no finding for seed ${seed}`).toBeDefined();
      if (!finding) return;
      expect(finding.oracle).toBe('indistinguishable');
      expect(finding.steps.map((s) => [s.actor, s.action])).toEqual([
        ['visitor', 'open-service'],
        ['visitor', 'submit-identity'],
      ]);
      expect(finding.firstDifference).toMatchObject({ step: 2, field: 'screen' });
      // The twin worlds differ in the victim's dose count and in nothing else.
      expect(finding.worlds.differences).toHaveLength(1);
      expect(finding.worlds.differences[0]?.path).toMatch(/^patients\[\d+\]\.doses$/);
      // What the visitor typed is masked in observations, and shown in the step.
      expect(JSON.stringify(finding.observations)).not.toMatch(/999\d{7}/);
    },
  );

  it('reports nothing on the fixed variant over 2,000 runs', async () => {
    const run = await checkModel(model, oracles, { variant: 'fixed', seed: 7, runs: 2000 });
    expect(run.findings).toEqual([]);
    expect(run.status).toBe('passed');
    expect(run.oracles).toContain('indistinguishable');
    expect(run.stats.cases).toBeGreaterThanOrEqual(2000 * run.oracles.length);
  });

  it('is reproducible: the same seed gives the same findings', async () => {
    const one = await checkModel(model, oracles, { seed: 11, oracles: ['indistinguishable'] });
    const two = await checkModel(model, oracles, { seed: 11, oracles: ['indistinguishable'] });
    expect(two.findings.map((f) => f.id)).toEqual(one.findings.map((f) => f.id));
  });

  it('replays a finding from its seed and path with fast-check', async () => {
    const run = await checkModel(model, oracles, { seed: 3, oracles: ['indistinguishable'] });
    const finding = run.findings[0];
    expect(finding).toBeDefined();
    if (!finding) return;
    const oracle = oracles.find((o) => o.id === finding.oracle);
    if (!oracle) throw new Error('oracle missing');
    const again = await searchOnce(model, oracle, twinCaseArbitrary(model), simulatorRunner(model, new Set(finding.flaws)), {
      seed: finding.seed,
      runs: run.runs,
      excluded: new Set(finding.excluded),
      path: finding.path,
    });
    if (again === null || again === 'flaky') throw new Error('the replay by seed and path found nothing');
    expect(again.kase).toEqual(finding.counterexample);
    expect(dedupKey(again.violation)).toContain('status-dependent-screen');
  });

  it('replays a saved counterexample: still failing on vulnerable, fixed on the fixed variant', async () => {
    const run = await checkModel(model, oracles, { seed: 5, oracles: ['indistinguishable'] });
    const finding = JSON.parse(JSON.stringify(run.findings[0]));
    expect((await replayFinding(model, oracles, finding)).status).toBe('still-failing');
    expect((await replayFinding(model, oracles, finding, { variant: "fixed" })).status).toBe('fixed');
    expect((await replayFinding(model, oracles, finding, { flaws: ["second-dose-unverified"] })).status).toBe('fixed');
  });

  it('generates only test-range identities, unique within a world', async () => {
    fc.assert(
      fc.property(model.world, (world) => {
        const canaries = model.canaries(world);
        const numbers = canaries.filter((c) => c.field === 'nhsNumber').map((c) => c.value);
        expect(numbers.every(isTestNhsNumber)).toBe(true);
        const values = canaries.map((c) => c.value);
        expect(new Set(values).size).toBe(values.length);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('the live shrink budget', () => {
  it('stops shrinking a live failure after the oracle’s budget of candidates and keeps the smallest failure found so far', async () => {
    const indistinguishable = oracles.find((o) => o.id === 'indistinguishable');
    if (!indistinguishable) throw new Error('no indistinguishable oracle');
    const runSync = simulatorRunner(model, new Set(['status-dependent-screen'])).runSync;
    if (!runSync) throw new Error('the simulator runner runs synchronously');
    const search = async (liveShrinkBudget: number | undefined) => {
      let runs = 0;
      let firstFailureAt = -1;
      const live = {
        mode: 'live' as const,
        run: (kase: Parameters<typeof runSync>[0], options: Parameters<typeof runSync>[1]) => {
          runs++;
          const run = runSync(kase, options);
          if (firstFailureAt < 0 && indistinguishable.check(run).length > 0) firstFailureAt = runs;
          return run;
        },
      };
      const oracle = liveShrinkBudget === undefined ? indistinguishable : { ...indistinguishable, liveShrinkBudget };
      const found = await searchOnce(model, oracle, twinCaseArbitrary(model), live, { seed: 5, runs: 300, excluded: new Set(), signal: undefined });
      return { found, runsAfterFailure: runs - firstFailureAt };
    };
    const unlimited = await search(undefined); // the default live budget (60 candidates)
    const budgeted = await search(3);
    expect(unlimited.found).toMatchObject({ oracle: { id: 'indistinguishable' } });
    expect(budgeted.found).toMatchObject({ oracle: { id: 'indistinguishable' } });
    // After the first failure: one run of world A on both sides (is it noise?) and one more of A
    // and B (does it show again?), at most 3 shrink candidates, then the re-run, single-step
    // removals and the final run.
    const steps = budgeted.found !== null && budgeted.found !== 'flaky' ? budgeted.found.kase.steps.length : 0;
    expect(budgeted.runsAfterFailure).toBeLessThanOrEqual(2 + 3 + 1 + steps + 1);
    expect(unlimited.runsAfterFailure).toBeGreaterThan(budgeted.runsAfterFailure);
  });
});

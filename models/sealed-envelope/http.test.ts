/**
 * The sealed-envelope HTTP binding, one journey against the reference staging site: audit entries
 * with the model's own times. What every binding keeps (it means what the simulator means, each
 * flaw is found live, the fixed site is clean) is checked by
 * src/contract/ (binding-contract-suite.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fc, type Step, type StepResult } from '../../src/index.js';
import { bindingHarness } from '../../src/harness/binding-harness.js';
import { binding } from './http.js';
import { model } from './index.js';
import { timeOf, type SealedWorld } from './world.js';

const SEED = 7;
const { start, stop, open, leaks } = bindingHarness(model, binding, { token: 'sealed-envelope-binding-test', seed: SEED });

beforeAll(() => start(['fixed']));
afterAll(stop);

describe('sealed-envelope binding, step by step', () => {
  it("audits with the model's clock (one minute per action, one POST each on the site)", async () => {
    const world = fc.sample(model.world, { seed: SEED, numRuns: 50 }).find((w) => w.patients.length >= 2);
    if (!world) throw new Error('no world with two patients');
    // p1 related, p2 not (whatever the generator drew).
    const seeded: SealedWorld = { ...world, clinician: { ...world.clinician, relationships: ['p1'] } };
    const site = open('fixed');
    const reference = model.simulator(structuredClone(seeded), new Set());
    const results: StepResult[] = [];
    const steps: Step[] = [
      { actor: 'clinician', action: 'log-in', input: {} },
      { actor: 'clinician', action: 'open-record', input: { patient: 0 } },
      { actor: 'clinician', action: 'open-record', input: { patient: 1 } },
      { actor: 'clinician', action: 'break-glass', input: { patient: 1, reason: '' } },
      { actor: 'clinician', action: 'break-glass', input: { patient: 1, reason: 'Safeguarding concern' } },
      { actor: 'clinician', action: 'open-record', input: { patient: 1 } },
    ];
    try {
      await binding.setup(structuredClone(seeded), site);
      for (const step of steps) {
        results.push(await binding.perform(step, site, structuredClone(reference.world())));
        reference.step(step);
      }
    } finally {
      await site.close();
    }
    expect(results.map((r) => r.outcome)).toEqual(['ok', 'ok', 'refused', 'refused', 'ok', 'ok']);
    expect(results[0]?.session).toMatch(/^se_session:[0-9a-f]{12}$/);
    expect(results[1]?.recordViews).toEqual([{ actor: 'c1', patient: 'p1', breakGlass: false }]);
    expect(results[1]?.audit).toEqual([{ actor: 'c1', patient: 'p1', event: 'record-view', time: timeOf(2) }]);
    expect(results[2]?.recordViews).toBeUndefined();
    expect(results[4]?.audit).toEqual([{ actor: 'c1', patient: 'p2', event: 'break-glass', time: timeOf(5), reason: 'Safeguarding concern' }]);
    expect(results[4]?.changes).toEqual([{ object: 'break-glass', owner: 'p2', description: 'sealed record opened by c1: Safeguarding concern' }]);
    expect(results[5]?.recordViews).toEqual([{ actor: 'c1', patient: 'p2', breakGlass: true, reason: 'Safeguarding concern' }]);
    expect(results[5]?.audit).toEqual([{ actor: 'c1', patient: 'p2', event: 'break-glass', time: timeOf(6), reason: 'Safeguarding concern' }]);
    // The sealed page echoes the NHS number the clinician typed (spaced): masked, not a leak.
    expect(leaks(seeded, steps[2] as Step, results[2] as StepResult)).toEqual([]);
  });
});

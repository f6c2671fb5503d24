/**
 * Test support: the `timing` oracle end to end, as a user runs it: live fuzzing through the
 * library API
 * (`fuzz`, the same code as `bookfuzz fuzz <model> --staging --oracles timing`) against the
 * embedded staging site (127.0.0.1, an ephemeral port, stopped when the run ends). Each planted
 * timing flaw is found for seed 1 (the sweep over many: `npx tsx src/bench/timing.ts`) — by random cases, nobody hands the fuzzer the case — and the
 * finding names the step and carries the evidence; the fixed site gives no timing finding.
 * Small runs and a small sample cap keep this within a few minutes.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../engine/finding.js';
import { fuzz } from '../index.js';
import { defaultTimingThreshold } from '../oracles/welch.js';

const runs = 30;
const timingSamples = 100;

/** A planted timing flaw: its model, the step that leaks and the step's actor. */
export interface TimingFlaw {
  model: string;
  flaw: string;
  action: string;
  actor: string;
}

/** The evidence a live timing finding carries as fields, checked against what its message says. */
function evidenceOf(finding: Finding) {
  const fields = finding.evidence ?? {};
  const [low, high] = (fields['ci95Ms'] ?? []) as [number, number];
  const samples = fields['samplesPerClass'] as { a: number; b: number };
  const evidence = { effect: Number(fields['medianDifferenceMs']), low, high, t: Number(fields['t']), samples, discarded: fields['discardedSamples'] };
  const match = /median differs by (-?[\d.]+) ms \(95% CI (-?[\d.]+)–(-?[\d.]+) ms, t = (-?[\d.]+), (\d+)\+(\d+) samples\)/.exec(finding.message);
  if (!match) throw new Error(`no timing evidence in "${finding.message}"`);
  expect(Number(match[1])).toBeCloseTo(evidence.effect, 1);
  expect(Number(match[5])).toBe(samples.a);
  return evidence;
}

/** The end-to-end tests of one planted timing flaw (one test file per flaw, so CI runs them side by side). */
export function timingFuzzSuite({ model, flaw, action, actor }: TimingFlaw): void {
  describe(`fuzz --oracles timing on the staging site: ${model}`, () => {
    it(`finds ${flaw} at "${action}" (seed 1), with the timing evidence`, async () => {
      for (const seed of [1]) {
        const run = await fuzz(model, { staging: true, flaws: [flaw], runs, seed, oracles: ['timing'], timingSamples });
        const finding = run.findings.find((f) => f.oracle === 'timing');
        expect(finding, `seed ${seed}: ${run.findings.length} findings, notes ${JSON.stringify(run.notes)}`).toBeDefined();
        if (!finding) continue;
        const step = finding.steps[finding.firstDifference.step - 1];
        expect(step?.action, `seed ${seed}`).toBe(action);
        expect(step?.actor, `seed ${seed}`).toBe(actor);
        expect(finding.firstDifference.field).toBe('timeMs');
        expect(finding.message).toContain(`"${action}"`);
        const evidence = evidenceOf(finding);
        // One or two lookups of 2 ms of CPU work more in one world: well clear of zero, and the CI brackets it.
        expect(Math.abs(evidence.effect), `seed ${seed}: ${finding.message}`).toBeGreaterThan(1);
        expect(Math.abs(evidence.effect), `seed ${seed}: ${finding.message}`).toBeLessThan(10);
        expect(evidence.low).toBeLessThanOrEqual(evidence.effect);
        expect(evidence.high).toBeGreaterThanOrEqual(evidence.effect);
        expect(Math.sign(evidence.low), `seed ${seed}: the CI excludes 0`).toBe(Math.sign(evidence.high));
        expect(Math.abs(evidence.t)).toBeGreaterThan(defaultTimingThreshold);
        expect(evidence.samples.a).toBeGreaterThanOrEqual(20);
        expect(evidence.samples.a).toBeLessThanOrEqual(timingSamples);
        expect(evidence.samples.b).toBe(evidence.samples.a);
        // Runs left out because their steps ended otherwise than the first run on that world: said, a count.
        expect(evidence.discarded, `seed ${seed}`).toEqual(expect.any(Number));
      }
    }, 600_000);

    it('reports no timing finding on the fixed site', async () => {
      const run = await fuzz(model, { staging: true, variant: 'fixed', runs, seed: 1, oracles: ['timing'], timingSamples });
      expect(run.oracles).toEqual(['timing']);
      expect(run.stats.cases).toBeGreaterThanOrEqual(runs);
      expect(run.findings.filter((f) => f.oracle === 'timing')).toEqual([]);
    }, 300_000);
  });
}

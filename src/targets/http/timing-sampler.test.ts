/**
 * The timing oracle live, on the embedded staging site (127.0.0.1): each planted timing flaw is
 * found for 5 seeds, the fixed site gives no `leak` over 20 repetitions, and the false-positive
 * rate under the null (world A in both classes) over 100 repetitions is within what the
 * threshold promises. Small sample caps keep this within a few minutes.
 */
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../model/load-model.js';
import { judgeTiming } from '../../oracles/timing.js';
import { defaultTimingThreshold, falsePositiveBound } from '../../oracles/welch.js';
import { leakingTimingCase, timingBench } from './timing-harness.js';
import { defaultMinTimingSamples, timingLooks } from './timing-sampler.js';

const flaws = [
  ['nhs-covid-booking', 'history-lookup-timing'],
  ['household-booking', 'dose-lookup-timing'],
] as const;

describe.each(flaws)('timing oracle live: %s', (name, flaw) => {
  it(`finds ${flaw} for 5 seeds`, async () => {
    const model = await loadModel(name);
    const bench = await timingBench(model, [flaw]);
    try {
      for (let seed = 1; seed <= 5; seed++) {
        const { kase, step } = leakingTimingCase(model, new Set([flaw]), seed);
        const sample = await bench.sampler({ maxSamples: 400, seed }).sampleStep(kase, step, bench.worlds(kase));
        const judgement = judgeTiming(sample);
        expect(judgement.verdict, `seed ${seed}: t = ${judgement.test.t}, null t = ${judgement.nullTest?.t}`).toBe('leak');
      }
    } finally {
      await bench.close();
    }
  }, 300_000);

  it('gives no leak verdict on the fixed site over 20 repetitions', async () => {
    const model = await loadModel(name);
    const bench = await timingBench(model, []);
    try {
      const { kase, step } = leakingTimingCase(model, new Set([flaw]), 1);
      const verdicts: string[] = [];
      for (let rep = 0; rep < 20; rep++) {
        const sample = await bench.sampler({ maxSamples: 40, seed: rep }).sampleStep(kase, step, bench.worlds(kase));
        verdicts.push(judgeTiming(sample).verdict);
      }
      expect(verdicts).not.toContain('leak');
    } finally {
      await bench.close();
    }
  }, 300_000);
});

describe('timing oracle live: the null hypothesis', () => {
  it('has a false-positive rate over 100 repetitions within what the threshold promises', async () => {
    const model = await loadModel('household-booking');
    const flaw = 'dose-lookup-timing';
    const bench = await timingBench(model, [flaw]);
    const maxSamples = 40;
    try {
      const { kase, step } = leakingTimingCase(model, new Set([flaw]), 1);
      let leaks = 0;
      for (let rep = 0; rep < 100; rep++) {
        const sample = await bench.sampler({ maxSamples, seed: 1000 + rep }).sampleStep(kase, step, bench.worlds(kase, 'null'));
        if (judgeTiming(sample).verdict === 'leak') leaks++;
      }
      const promised = falsePositiveBound(defaultTimingThreshold, timingLooks(defaultMinTimingSamples, maxSamples));
      console.log(`null false positives: ${leaks}/100 (promised rate ≤ ${promised.toExponential(1)})`);
      // Expected count under the bound is < 0.01 of one: any false positive exceeds the promise.
      expect(leaks / 100).toBeLessThanOrEqual(Math.max(promised, 0));
    } finally {
      await bench.close();
    }
  }, 300_000);
});

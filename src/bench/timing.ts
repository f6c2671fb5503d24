/**
 * `npx tsx src/bench/timing.ts [--reps N] [--null-reps N] [--max N] [--model nhs-covid-booking]`
 *
 * The `timing` oracle live on the embedded staging site (127.0.0.1), for artificial delays of
 * 0.5, 1, 2 and 5 ms of CPU work on the secret path (`timingWorkMs` of the staging site, with the
 * model's timing flaw on: only one world does the work): the median samples per class needed to
 * reach a `leak` verdict over `--reps` repetitions, and the false-positive rate of the whole
 * adaptive test under the null (world A in both classes) over `--null-reps` repetitions.
 */
import { loadModel } from '../model/load-model.js';
import { judgeTiming } from '../oracles/timing.js';
import { defaultTimingThreshold, falsePositiveBound, median } from '../oracles/welch.js';
import { leakingTimingCase, timingBench } from '../harness/timing-harness.js';
import { defaultMinTimingSamples, timingLooks } from '../live/timing-sampler.js';

export interface TimingBenchRow {
  delayMs: number;
  /** Samples per class at the `leak` verdict, per repetition (Infinity when not reached within the cap). */
  samples: number[];
  medianSamples: number;
  missed: number;
  nullFalsePositives: number;
  nullRuns: number;
}

const timingFlaws: Record<string, string> = { 'nhs-covid-booking': 'history-lookup-timing', 'household-booking': 'dose-lookup-timing' };

export async function timingDetection(modelName: string, delays: readonly number[], reps: number, nullReps: number, maxSamples: number): Promise<TimingBenchRow[]> {
  const model = await loadModel(modelName);
  const flaw = timingFlaws[modelName];
  if (!flaw) throw new Error(`no timing flaw known for ${modelName}`);
  const { kase, step } = leakingTimingCase(model, new Set([flaw]), 1);
  const rows: TimingBenchRow[] = [];
  for (const delayMs of delays) {
    const bench = await timingBench(model, [flaw], delayMs);
    try {
      const samples: number[] = [];
      for (let rep = 0; rep < reps; rep++) {
        const sample = await bench.sampler({ maxSamples, seed: rep }).sampleStep(kase, step, bench.worlds(kase));
        samples.push(judgeTiming(sample).verdict === 'leak' ? sample.a.length : Number.POSITIVE_INFINITY);
      }
      let nullFalsePositives = 0;
      for (let rep = 0; rep < nullReps; rep++) {
        const sample = await bench.sampler({ maxSamples, seed: 10_000 + rep }).sampleStep(kase, step, bench.worlds(kase, 'null'));
        if (judgeTiming(sample).verdict === 'leak') nullFalsePositives++;
      }
      rows.push({ delayMs, samples, medianSamples: median(samples), missed: samples.filter((s) => !Number.isFinite(s)).length, nullFalsePositives, nullRuns: nullReps });
    } finally {
      await bench.close();
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const i = process.argv.indexOf('--model');
  const modelName = i >= 0 ? (process.argv[i + 1] ?? 'nhs-covid-booking') : 'nhs-covid-booking';
  const reps = arg('reps', 10);
  const nullReps = arg('null-reps', 100);
  const maxSamples = arg('max', 2000);
  const bound = falsePositiveBound(defaultTimingThreshold, timingLooks(defaultMinTimingSamples, maxSamples));
  console.log(`timing: ${modelName}, threshold |t| > ${defaultTimingThreshold}, cap ${maxSamples} samples per class, ${reps} repetitions per delay`);
  console.log(`promised null false-positive rate ≤ ${bound.toExponential(1)} per test`);
  console.log(['delay ms', 'median samples/class to leak', 'min', 'max', 'missed', 'null false positives'].join(' | '));
  for (const delay of [0.5, 1, 2, 5]) {
    const [row] = await timingDetection(modelName, [delay], reps, nullReps, maxSamples);
    if (!row) continue;
    const found = row.samples.filter(Number.isFinite);
    console.log(
      [
        row.delayMs,
        Number.isFinite(row.medianSamples) ? row.medianSamples : `>${maxSamples}`,
        found.length > 0 ? Math.min(...found) : '-',
        found.length > 0 ? Math.max(...found) : '-',
        `${row.missed}/${reps}`,
        `${row.nullFalsePositives}/${row.nullRuns}`,
      ].join(' | '),
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();

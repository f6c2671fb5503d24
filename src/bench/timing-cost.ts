/**
 * `npm run bench -- --timing-cost [--timing-cases N] [--timing-samples N | --timing-max N] [--only <model|harbour-timing>]`
 *
 * What one live timing case costs, before and after the sampler kept one set-up world per class:
 * requests and seconds per case (the mean over `--timing-cases` cases, 5 by default), with the
 * set-ups, runs of the steps and discarded runs behind them, on the embedded staging site's two
 * timing flaws (a seeding endpoint: one request per set-up) and on Harbour Health
 * (`timing-signup-site.ts`: every person signs up through the site's form, the patient logs in).
 * Each case takes `--timing-samples` samples per class (100 by default; and as many for the null
 * test when A and B differ), so that every mode does the same work; `--timing-max N` lets the
 * adaptive test stop as a run does (20, 40, 80, … up to N), and the modes then differ in samples too.
 *
 * Modes: `before` sets the world up again for every sample on the site's one world (the sampler
 * as it was, and as it still is where the classes cannot both keep a world: one world and a binding
 * without `resume`); `after` keeps both classes' worlds set up at once, in the site's parallel
 * worlds. The modes take turns case by case, so a drift of the machine falls on both alike.
 */
import { loadModel } from '../model/load-model.js';
import { judgeTiming } from '../oracles/timing.js';
import type { TwinCase } from '../world/twin-case.js';
import { leakingTimingCase, signupTimingBench, timingBench, type TimingBench, type TimingBenchSamplerOptions } from '../harness/timing-harness.js';

/** One way of sampling, as the table names it. */
interface Mode {
  name: string;
  options: TimingBenchSamplerOptions;
}

const modes: readonly Mode[] = [
  { name: 'before (set-up per sample)', options: { setupPerSample: true, parallelWorlds: false } },
  { name: 'after (parallel worlds)', options: { parallelWorlds: true } },
];

/** One row of the table: a target and flaw, sampled one way. */
export interface TimingCostRow {
  target: string;
  flaw: string;
  mode: string;
  cases: number;
  /** Cases judged `leak`. */
  leaks: number;
  /** Cases whose null test ran (A and B differed): they take twice the samples. */
  nullTests: number;
  requestsPerCase: number;
  secondsPerCase: number;
  /** Milliseconds per run of the steps (all time over all runs). */
  msPerRun: number;
  setupsPerCase: number;
  runsPerCase: number;
  /** Requests per run of the steps (all requests over all runs). */
  requestsPerRun: number;
  /** Runs discarded over all cases. */
  discarded: number;
}

/** A target to measure: its bench and the cases to time on it. */
interface Subject {
  target: string;
  flaw: string;
  bench: TimingBench;
  caseOf(seed: number): { kase: TwinCase; step: number };
}

/** Time `cases` cases of `subject` in every mode, the modes in turn case by case. */
async function measureSubject(subject: Subject, cases: number, samples: { minSamples?: number; maxSamples: number }): Promise<TimingCostRow[]> {
  const per = modes.map(() => ({ requests: 0, seconds: 0, setups: 0, runs: 0, discarded: 0, leaks: 0, nullTests: 0 }));
  for (let seed = 1; seed <= cases; seed++) {
    const { kase, step } = subject.caseOf(seed);
    for (const [m, mode] of modes.entries()) {
      const into = per[m];
      if (!into) continue;
      const sampler = subject.bench.sampler({ ...mode.options, ...samples, seed });
      const started = performance.now();
      const sample = await sampler.sampleStep(kase, step, subject.bench.worlds(kase));
      const seconds = (performance.now() - started) / 1000;
      const cost = sampler.cost();
      into.requests += cost.requests;
      into.seconds += seconds;
      into.setups += cost.setups;
      into.runs += cost.runs;
      into.discarded += cost.discarded;
      if (judgeTiming(sample).verdict === 'leak') into.leaks++;
      if (sample.nullA.length > 0) into.nullTests++;
    }
  }
  return modes.map((mode, m) => {
    const into = per[m] ?? { requests: 0, seconds: 0, setups: 0, runs: 0, discarded: 0, leaks: 0, nullTests: 0 };
    return {
      target: subject.target,
      flaw: subject.flaw,
      mode: mode.name,
      cases,
      leaks: into.leaks,
      nullTests: into.nullTests,
      requestsPerCase: into.requests / cases,
      secondsPerCase: into.seconds / cases,
      msPerRun: into.runs === 0 ? 0 : (into.seconds * 1000) / into.runs,
      setupsPerCase: into.setups / cases,
      runsPerCase: into.runs / cases,
      requestsPerRun: into.runs === 0 ? 0 : into.requests / into.runs,
      discarded: into.discarded,
    };
  });
}

/** The staging site's timing flaws, by model. */
const stagingTimingFlaws: Record<string, string> = { 'nhs-covid-booking': 'history-lookup-timing', 'household-booking': 'dose-lookup-timing' };

/** Every row: the staging flaws, then Harbour Health (`only` keeps one model, or `harbour-timing`). */
export async function timingCost(options: { cases: number; samples: { minSamples?: number; maxSamples: number }; only?: string | undefined }): Promise<TimingCostRow[]> {
  const rows: TimingCostRow[] = [];
  for (const [name, flaw] of Object.entries(stagingTimingFlaws)) {
    if (options.only !== undefined && options.only !== name) continue;
    const model = await loadModel(name);
    const bench = await timingBench(model, [flaw]);
    try {
      rows.push(...(await measureSubject({ target: `staging ${name}`, flaw, bench, caseOf: (seed) => leakingTimingCase(model, new Set([flaw]), seed) }, options.cases, options.samples)));
    } finally {
      await bench.close();
    }
  }
  if (options.only === undefined || options.only === 'harbour-timing') {
    const bench = await signupTimingBench('eligibility-timing');
    try {
      rows.push(...(await measureSubject({ target: 'harbour-timing (sign-up set-up)', flaw: 'eligibility-timing', bench, caseOf: (seed) => bench.leakingCase(seed) }, options.cases, options.samples)));
    } finally {
      await bench.close();
    }
  }
  return rows;
}

/** The table: a header line, then one line per row. */
export function timingCostTable(rows: readonly TimingCostRow[]): string[] {
  const header = ['target', 'flaw', 'mode', 'cases', 'leak', 'null tests', 'requests/case', 's/case', 'set-ups/case', 'runs/case', 'requests/run', 'ms/run', 'discarded'].join(' | ');
  return [
    header,
    ...rows.map((r) =>
      [
        r.target,
        r.flaw,
        r.mode,
        r.cases,
        `${r.leaks}/${r.cases}`,
        r.nullTests,
        Math.round(r.requestsPerCase),
        r.secondsPerCase.toFixed(2),
        r.setupsPerCase.toFixed(1),
        r.runsPerCase.toFixed(1),
        r.requestsPerRun.toFixed(1),
        r.msPerRun.toFixed(1),
        r.discarded,
      ].join(' | '),
    ),
  ];
}

/** `--timing-cost` of `npm run bench`: print the table. */
export async function timingCostMain(argv: readonly string[]): Promise<void> {
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const cases = Number(option('timing-cases') ?? 5);
  const max = option('timing-max');
  const fixed = Number(option('timing-samples') ?? 100);
  const samples = max !== undefined ? { maxSamples: Number(max) } : { minSamples: fixed, maxSamples: fixed };
  if (!Number.isInteger(cases) || cases < 1) throw new Error('--timing-cases takes a whole number of at least 1');
  if (!Number.isInteger(samples.maxSamples) || samples.maxSamples < 3) throw new Error('--timing-samples and --timing-max take a whole number of at least 3');
  const how = max !== undefined ? `adaptive, up to ${max} samples per class` : `${fixed} samples per class`;
  console.log(`timing cost: one live timing case (sampleStep: ${how}, and as many for the null test when A and B differ), mean over ${cases} cases per row`);
  console.log('(before: the world set up again for every sample; after: each class keeps its world set up for the case; per run: over all runs of the steps, warm-up included)');
  const rows = await timingCost({ cases, samples, only: option('only') });
  for (const line of timingCostTable(rows)) console.log(line);
}

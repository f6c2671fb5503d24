/**
 * `npm run bench`: prints tables of figures (not a timed test).
 *   detection — cases to first failure per planted flaw, by variation vs the naive baseline
 *   throughput — model-mode twin runs and steps per second on one core
 * Options: --seeds N (default 50), --cap N (default 20000), --worker-runs N (default 10000), --only <model>,
 * --live (add the live tables), --live-only (only those), --concurrency 1,2,8 (the live rows),
 * --rounds N (live rounds per row, default 3), --rss-requests N (default 100000; 0 skips that run).
 * --zoo: only the leak-zoo table (src/zoo): every fixture, vulnerable over --zoo-seeds N seeds
 * (default 5) and fixed over --zoo-fixed-seeds N seeds (default 1), --zoo-runs N runs per oracle (default 100); --only <fixture>.
 * --cost: only the cost table (src/bench/cost.ts): requests and seconds to the first confirmed live
 * finding and per run, through a counting proxy, for every staging flaw (its model, the flaw alone,
 * its oracles; timing flaws left out) and every leak-zoo fixture (vulnerable), over --cost-seeds N
 * seeds (default 5); --runs N runs per oracle (default: live mode's default; a list 50,100 prints
 * one table each); --cost-only <names> (comma-separated: a flaw, model, fixture, staging or zoo);
 * --cost-first: stop each run at its first confirmed finding (for found k/N; per-run columns then up to there).
 * --endless: only the memory of an endless run: a model-mode check (--only <model>, default
 * nhs-covid-booking; --variant, default vulnerable) with --endless-runs R (default 100000000; inf
 * too) for --seconds N (default 60), its RSS sampled every second; --workers N passed on.
 */
import { isBookfuzzError } from '../errors.js';
import { listModelNames, loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { casesByVariation, casesNaive } from './detection.js';
import { liveRate, livePeakRss, startStagingProcess } from './live.js';
import { engineOverhead } from './overhead.js';
import { modelThroughput } from './throughput.js';
import { workerSpeedup } from './workers.js';
import { threadScaling } from './machine.js';

// --timing-cost: only the timing sampler's cost per case, before and after one set-up world per class (src/bench/timing-cost.ts).
if (process.argv.includes('--timing-cost')) await (await import('./timing-cost.js')).timingCostMain(process.argv).then(() => process.exit(0));

/** The text after `--name`, or undefined when the option is not given (or given last, with no text). */
const optionText = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const arg = (name: string, fallback: number): number => {
  const text = optionText(name);
  return text === undefined ? fallback : Number(text);
};
const only = optionText('only');
/** A comma-separated option (`--concurrency 1,2,8`), or undefined when not given. */
const listArg = (name: string): string[] | undefined => optionText(name)?.split(',').filter((x) => x !== '');
const seeds = arg('seeds', 50);
const workerRuns = arg('worker-runs', 10000);
const cap = arg('cap', 20000);
const show = (n: number) => (Number.isFinite(n) ? String(n) : `>${cap}`);

const names = listModelNames().filter((n) => only === undefined || n === only);
const liveOnly = process.argv.includes('--live-only');
const zoo = process.argv.includes('--zoo');
const cost = process.argv.includes('--cost');
const endless = process.argv.includes('--endless');
if (endless) {
  const { endlessRss, endlessTable } = await import('./endless.js');
  const workers = optionText('workers');
  const options = {
    model: only ?? 'nhs-covid-booking',
    variant: optionText('variant') ?? 'vulnerable',
    runs: optionText('endless-runs') ?? '100000000',
    seconds: arg('seconds', 60),
    ...(workers !== undefined ? { workers: Number(workers) } : {}),
  };
  console.log(`endless: resident memory of a model-mode check with --runs ${options.runs} for ${options.seconds} s (--duration), sampled every second; flat is the goal`);
  const [header, row] = endlessTable([{ options, figures: await endlessRss(options) }]);
  console.log(header);
  console.log(row);
}
if (cost) {
  const { costBench, costSummary, costTable, costCases } = await import('./cost.js');
  const { defaultLiveRuns } = await import('../live/fuzz-live.js');
  const costSeeds = arg('cost-seeds', 5);
  const runsList = (listArg('runs') ?? [String(defaultLiveRuns)]).map(Number);
  if (!Number.isInteger(costSeeds) || costSeeds < 1) throw new Error('--cost-seeds takes a whole number of at least 1');
  if (runsList.some((r) => !Number.isInteger(r) || r < 1)) throw new Error('--runs takes whole numbers of at least 1, such as 100 or 50,100,150');
  const { leftOutFlaws } = await costCases();
  const stopAtFirst = process.argv.includes('--cost-first');
  for (const runs of runsList) {
    console.log(`\ncost: live runs through a counting proxy, seeds 1..${costSeeds}, --runs ${runs}; to first: when the first confirmed finding's event arrived (requests the proxy saw, seconds since the fuzz began); a seed with no finding is a miss${stopAtFirst ? '; --cost-first: each run stopped at its first finding, per-run columns up to there' : ''}`);
    console.log(`(staging rows: the model's TypeScript binding, the flaw alone, its oracles, parallel worlds as --staging; zoo rows: vulnerable mode, its oracle; left out: ${leftOutFlaws.join(', ') || 'none'} (timing))`);
    const rows: import('./cost.js').CostRow[] = [];
    console.log(costTable([])[0]);
    for await (const row of costBench({ seeds: costSeeds, runs, only: listArg('cost-only'), stopAtFirst, onSeed: (c, s) => console.error(`  ${c.name} seed ${s.seed}: ${s.first ? `found at ${s.first.requests} requests, ${s.first.seconds.toFixed(2)} s` : 'missed'}; run ${s.requests} requests, ${s.seconds.toFixed(1)} s${s.problem ? ` (${s.status}: ${s.problem})` : ''}`) })) {
      rows.push(row);
      console.log(costTable([row])[1]);
    }
    for (const line of costSummary(rows)) console.log(line);
  }
}
if (zoo) {
  const { zooFixtures } = await import('../zoo/fixtures/index.js');
  const { benchFixture, zooBenchTable } = await import('./zoo.js');
  const zooSeeds = arg('zoo-seeds', 5);
  const zooRuns = arg('zoo-runs', 100);
  const zooFixedSeeds = arg('zoo-fixed-seeds', 1);
  const chosen = zooFixtures.filter((f) => only === undefined || f.name === only);
  if (chosen.length === 0) throw new Error(`--only ${only ?? ''}: no leak-zoo fixture by that name (${zooFixtures.map((f) => f.name).join(', ')})`);
  console.log(`leak zoo: vulnerable over ${zooSeeds} seeds, fixed over ${zooFixedSeeds === 1 ? 'seed 1' : `seeds 1..${zooFixedSeeds} (findings and requests summed)`}, ${zooRuns} runs per oracle (the fixture's oracle); cases to first: cases run when the first finding was confirmed (shrinking included)`);
  const [header] = zooBenchTable([]);
  console.log(header);
  for (const fixture of chosen) {
    // A fixture whose spec or site fails gets a row saying so; the others still run.
    try {
      const row = await benchFixture(fixture, { seeds: zooSeeds, vulnerableRuns: zooRuns, fixedRuns: zooRuns, fixedSeeds: zooFixedSeeds });
      console.log(zooBenchTable([row])[1]);
    } catch (error) {
      const text = isBookfuzzError(error) ? error.toLine() : error instanceof Error ? error.message : String(error);
      console.log([fixture.name, fixture.channel, fixture.oracle, `error: ${text}`].join(' | '));
    }
  }
}
if (!liveOnly && !zoo && !cost && !endless) {
  console.log(`detection: cases to first failure over ${seeds} seeds (cap ${cap} generated cases)`);
  console.log(['model', 'flaw', 'oracle', 'variation median', 'variation p90', 'missed', 'naive median', 'naive p90', 'naive missed'].join(' | '));
  for (const name of names) {
    const model = await loadModel(name);
    for (const [flaw, spec] of Object.entries(model.flaws)) {
      for (const oracleId of spec.oracles) {
        const oracle = oracles.find((o) => o.id === oracleId);
        if (!oracle) continue;
        const flaws = new Set([flaw]);
        const byVariation = casesByVariation(model, oracle, flaws, seeds, cap);
        const naive = oracleId === 'indistinguishable' ? casesNaive(model, oracle, flaws, seeds, cap) : undefined;
        console.log(
          [
            name,
            flaw,
            oracleId,
            show(byVariation.median),
            show(byVariation.p90),
            byVariation.missed,
            naive ? show(naive.median) : 'n/a (no twin needed)',
            naive ? show(naive.p90) : '',
            naive ? naive.missed : '',
          ].join(' | '),
        );
      }
    }
  }

  console.log('\nthroughput: model mode, fixed variant, every oracle, 2000 cases per oracle, one core');
  console.log(['model', 'twin runs/s', 'steps/s', 'cases'].join(' | '));
  for (const name of names) {
    const model = await loadModel(name);
    const t = await modelThroughput(model, oracles, 2000);
    console.log([name, Math.round(t.twinRunsPerSecond), Math.round(t.stepsPerSecond), t.cases].join(' | '));
  }

  console.log('\nengine overhead: bookfuzz model mode (indistinguishable) vs a plain fast-check property over the same simulator, 3000 cases');
  console.log(['model', 'bookfuzz cases/s', 'plain cases/s', 'ratio'].join(' | '));
  for (const name of names) {
    const model = await loadModel(name);
    if (Object.keys(model.secrets).length === 0) continue;
    const o = await engineOverhead(model, oracles, 3000);
    console.log([name, Math.round(o.bookfuzzPerSecond), Math.round(o.plainPerSecond), `${Math.round(o.ratio * 100)}%`].join(' | '));
  }

  console.log(`\nworkers: --workers 2 vs --workers 1, vulnerable variant, every oracle, ${workerRuns} runs per oracle, each run in a fresh process, medians of 3 rounds`);
  console.log('(cores busy: CPU time of the whole process over wall time; machine limit: two --workers 1 runs started at once in two processes, 2 × one run ÷ the pair)');
  console.log(['model', '1 worker s', '2 workers s', 'speed-up', 'rounds', 'cores busy 1 → 2', 'machine limit', 'same findings'].join(' | '));
  for (const name of names) {
    const w = await workerSpeedup(name, workerRuns);
    console.log(
      [
        name,
        w.oneSeconds.toFixed(2),
        w.twoSeconds.toFixed(2),
        `${w.speedup.toFixed(2)}×`,
        w.range.map((r) => `${r.toFixed(2)}×`).join('–'),
        `${w.oneCores.toFixed(2)} → ${w.twoCores.toFixed(2)}`,
        `${w.limit.toFixed(2)}×`,
        w.sameFindings,
      ].join(' | '),
    );
  }

  const scaling = await threadScaling();
  console.log(
    `machine: two threads against one doing the same work each: ${scaling.compute.toFixed(2)}× for a loop that only computes, ` +
      `${scaling.allocate.toFixed(2)}× for one that allocates and keeps objects (threads that contend for memory scale below 2×)`,
  );
}

if (!zoo && !cost && !endless && (liveOnly || process.argv.includes('--live'))) {
  const { url, child } = await startStagingProcess('fixed');
  try {
    console.log('\nlive: bookfuzz vs autocannon on the staging site (own process, loopback), rate limit off; autocannon replays a bookfuzz run with correlation');
    console.log('(CPU µs/req: client, then the site under that client; the site runs in its own process, the client is this one)');
    console.log(['model', 'concurrency', 'bookfuzz req/s', 'autocannon req/s', 'ratio', 'rounds', 'same status', 'CPU µs/req bookfuzz + site', 'CPU µs/req autocannon + site'].join(' | '));
    // 1 and 2: few lanes, the client's own time per request shows; 8: enough lanes to keep the site busy while the client works.
    const concurrencies = (listArg('concurrency') ?? ['1', '2', '8']).map(Number);
    if (concurrencies.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('--concurrency takes whole numbers of at least 1, such as 1,2,8');
    const rounds = arg('rounds', 3);
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number of at least 1');
    for (const name of ['nhs-covid-booking', 'household-booking'].filter((n) => only === undefined || n === only)) {
      for (const concurrency of concurrencies) {
        const r = await liveRate(name, url, { runs: 50 * concurrency, concurrency, rounds, sitePid: child.pid }).catch((error: unknown) => error as Error);
        if (r instanceof Error) {
          console.log([name, concurrency, `n/a: ${r.message}`].join(' | '));
          continue;
        }
        const percent = (x: number) => `${Math.round(x * 100)}%`;
        console.log(
          [
            name,
            concurrency,
            Math.round(r.bookfuzzRps),
            Math.round(r.autocannonRps),
            percent(r.ratio),
            `${percent(r.ratioRange[0])}–${percent(r.ratioRange[1])}`,
            `${(r.sameStatus * 100).toFixed(1)}%`,
            `${Math.round(r.cpu.bookfuzz)} + ${r.cpu.siteUnderBookfuzz === undefined ? 'n/a' : Math.round(r.cpu.siteUnderBookfuzz)}`,
            `${Math.round(r.cpu.autocannon)} + ${r.cpu.siteUnderAutocannon === undefined ? 'n/a' : Math.round(r.cpu.siteUnderAutocannon)}`,
          ].join(' | '),
        );
      }
    }
    const requests = arg('rss-requests', 100_000);
    if (requests > 0) {
      const rss = await livePeakRss('household-booking', url, requests);
      console.log(`\nlive: peak RSS of a ${requests}-request run (household-booking): ${rss.peakMb.toFixed(0)} MB in ${rss.seconds.toFixed(0)} s (exit ${rss.exit})`);
    }
  } finally {
    child.kill();
  }
}

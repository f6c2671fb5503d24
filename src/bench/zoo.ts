/**
 * The zoo bench: every leak-zoo fixture under bookfuzz, its vulnerable mode over several seeds
 * (how often found, cases, seconds and requests to the first confirmed finding) and its fixed
 * mode at full length (findings: must be 0). Figures come from the engine's events and the
 * fixture site's own request count.
 */
import { runFixture } from '../zoo/zoo-harness.js';
import type { ZooFixture } from '../zoo/zoo-site.js';

/** One fixture's figures. Medians are over the seeds that found it (NaN when none did). */
export interface ZooBenchRow {
  fixture: string;
  channel: string;
  oracle: string;
  seeds: number;
  found: number;
  medianCases: number;
  medianSeconds: number;
  medianRequests: number;
  /** Median seconds and requests of a whole vulnerable run (the search goes on after the first finding). */
  runSeconds: number;
  runRequests: number;
  fixedFindings: number;
  /** `field` of each fixed-mode finding (false positives). */
  fixedFields: string[];
  fixedSeconds: number;
  fixedRequests: number;
}

/** Options of the zoo bench. */
export interface ZooBenchOptions {
  seeds: number;
  /** Runs per oracle of each vulnerable run. */
  vulnerableRuns: number;
  /** Runs per oracle of the fixed run. */
  fixedRuns: number;
  /** Fixed runs, seeds 1..N (default 1): false positives summed over all of them. */
  fixedSeeds?: number;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** First confirmed finding of the fixture's oracle in one vulnerable run: cases (to the engine's last count), seconds, requests. */
interface FirstFinding {
  cases: number;
  seconds: number;
  requests: number;
}

/**
 * Bench one fixture: vulnerable over seeds 1..N, fixed once (seed 1).
 *
 * @example
 * const row = await benchFixture(cookieName, { seeds: 5, vulnerableRuns: 100, fixedRuns: 100 });
 */
export async function benchFixture(fixture: ZooFixture, options: ZooBenchOptions): Promise<ZooBenchRow> {
  const firsts: FirstFinding[] = [];
  const runSeconds: number[] = [];
  const runRequests: number[] = [];
  for (let seed = 1; seed <= options.seeds; seed++) {
    const started = performance.now();
    let cases = 0;
    let first: FirstFinding | undefined;
    const run = await runFixture(fixture, 'vulnerable', {
      seed,
      runs: options.vulnerableRuns,
      onEvent: (event, requests) => {
        if (event.type === 'case-finished') cases = event.cases;
        if (event.type === 'finding' && event.finding.oracle === fixture.oracle && first === undefined) {
          first = { cases: event.cases ?? cases, seconds: (performance.now() - started) / 1000, requests };
        }
      },
    });
    runSeconds.push((performance.now() - started) / 1000);
    runRequests.push(run.requests);
    if (first) firsts.push(first);
  }
  const started = performance.now();
  const fixedFindings: string[] = [];
  let fixedRequests = 0;
  for (let seed = 1; seed <= (options.fixedSeeds ?? 1); seed++) {
    const fixed = await runFixture(fixture, 'fixed', { seed, runs: options.fixedRuns });
    fixedFindings.push(...fixed.document.findings.map((f) => `${f.oracle}:${f.firstDifference.field} (seed ${seed})`));
    fixedRequests += fixed.requests;
  }
  return {
    fixture: fixture.name,
    channel: fixture.channel,
    oracle: fixture.oracle,
    seeds: options.seeds,
    found: firsts.length,
    medianCases: median(firsts.map((f) => f.cases)),
    medianSeconds: median(firsts.map((f) => f.seconds)),
    medianRequests: median(firsts.map((f) => f.requests)),
    runSeconds: median(runSeconds),
    runRequests: median(runRequests),
    fixedFindings: fixedFindings.length,
    fixedFields: fixedFindings,
    fixedSeconds: (performance.now() - started) / 1000,
    fixedRequests,
  };
}

/** The table's header and one line per row, cells separated by ` | `. */
export function zooBenchTable(rows: readonly ZooBenchRow[]): string[] {
  const n = (x: number, digits = 0) => (Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
  return [
    [
      'fixture',
      'channel',
      'oracle',
      'found',
      'median cases to first',
      'median s to first',
      'median requests to first',
      'median s per run',
      'median requests per run',
      'fixed findings',
      'fixed s',
      'fixed requests',
    ].join(' | '),
    ...rows.map((r) =>
      [
        r.fixture,
        r.channel,
        r.oracle,
        `${r.found}/${r.seeds}`,
        n(r.medianCases),
        n(r.medianSeconds, 1),
        n(r.medianRequests),
        n(r.runSeconds, 1),
        n(r.runRequests),
        r.fixedFindings === 0 ? '0' : `${r.fixedFindings} (${r.fixedFields.join(', ')})`,
        n(r.fixedSeconds, 1),
        n(r.fixedRequests),
      ].join(' | '),
    ),
  ];
}

/**
 * The cost bench (`npm run bench -- --cost`): what a confirmed live finding costs, in requests and
 * seconds. One row per planted staging flaw (its model's TypeScript binding against the staging
 * site with that flaw alone, the flaw's oracles) and per leak-zoo fixture (vulnerable mode, its
 * oracle), each over seeds 1..N. Every request goes through a counting proxy in front of the site,
 * so requests are counted the same way whatever version of bookfuzz runs: the bench file runs
 * unchanged on an older checkout to measure "before".
 *
 * Per seed: requests the proxy saw and seconds since the fuzz began when the first `finding` event
 * arrived (the first confirmed finding), and the same for the whole run. A seed with no finding is
 * a miss, listed in the row.
 */
import { randomBytes } from 'node:crypto';
import type { RunDocument } from '../engine/run-document.js';
import { isBookfuzzError } from '../errors.js';
import { listModelNames, loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import { oracles } from '../oracles/index.js';
import { countingProxy } from '../flow-spec/spec-test-support.js';
import { startStagingSite } from '../staging/index.js';
import { fuzzLive } from '../live/fuzz-live.js';
import { zooFixtures } from '../zoo/fixtures/index.js';
import { startZooSite } from '../zoo/zoo-site.js';

/** A site started for one seed: where it answers, and how to close it. */
interface StartedSite {
  url: string;
  close(): Promise<void>;
}

/** One row of the cost bench: what is fuzzed, against which site, judged by which oracles. */
export interface CostCase {
  /** `staging` rows: one planted flaw; `zoo` rows: one leak-zoo fixture. */
  group: 'staging' | 'zoo';
  /** `model/flaw` or the fixture's name. */
  name: string;
  /** Names `--cost-only` matches: the row's name, its flaw or model, its group. */
  keys: readonly string[];
  oracles: readonly string[];
  /** The model (or flow spec) to fuzz. */
  load(): Promise<Model>;
  /** Start a fresh site for one seed. */
  start(): Promise<StartedSite>;
  /** The site's seeding token, when it has one. */
  seedToken?: string;
  /** Run the twins' sides at once in two worlds of the site (as `--staging` does). */
  parallelWorlds: boolean;
}

/** What one seed cost. `first` is undefined when nothing was found (a miss). */
export interface SeedCost {
  seed: number;
  first?: { requests: number; seconds: number };
  requests: number;
  seconds: number;
  /** The run document's `stats.requests.byPhase`, when the document has it. */
  byPhase?: Record<string, number>;
  status?: string;
  /** Why the run ended early or failed, when it did. */
  problem?: string;
}

/** A row's seeds, measured. */
export interface CostRow {
  case: CostCase;
  runs: number;
  seeds: SeedCost[];
}

/** Options of the cost bench. */
export interface CostBenchOptions {
  /** Seeds 1..seeds per row. */
  seeds: number;
  /** Runs per oracle of every fuzz. */
  runs: number;
  /** Keep only rows matching one of these names (row, flaw, model, fixture, `staging`, `zoo`). */
  only?: readonly string[] | undefined;
  /** Stop each run at its first confirmed finding (found or not is all it tells; the per-run figures are then up to there). */
  stopAtFirst?: boolean | undefined;
  /** Called after each seed (progress, on stderr in the CLI). */
  onSeed?: ((row: CostCase, cost: SeedCost) => void) | undefined;
}

/** The oracles the cost bench leaves to a bench of its own: the timing flaws cost samples, not cases. */
const leftOut = new Set(['timing']);

/**
 * Every row of the cost bench: each staging flaw of each shipped model (flaws judged only by
 * `timing` left out), then each leak-zoo fixture.
 *
 * @example
 * const rows = await costCases();
 * console.log(rows.length); // 13 staging flaws + 24 fixtures
 */
export async function costCases(): Promise<{ cases: CostCase[]; leftOutFlaws: string[] }> {
  const cases: CostCase[] = [];
  const leftOutFlaws: string[] = [];
  for (const modelName of listModelNames()) {
    const model = await loadModel(modelName);
    for (const [flaw, spec] of Object.entries(model.flaws)) {
      const judges = spec.oracles.filter((o) => !leftOut.has(o));
      if (judges.length === 0) {
        leftOutFlaws.push(`${modelName}/${flaw}`);
        continue;
      }
      const seedToken = randomBytes(12).toString('hex');
      cases.push({
        group: 'staging',
        name: `${modelName}/${flaw}`,
        keys: [`${modelName}/${flaw}`, flaw, modelName, 'staging'],
        oracles: judges,
        load: () => loadModel(modelName),
        start: () => startStagingSite({ flaws: [flaw], port: 0, seedToken, maxWorlds: 64 }),
        seedToken,
        parallelWorlds: true,
      });
    }
  }
  for (const fixture of zooFixtures) {
    cases.push({
      group: 'zoo',
      name: fixture.name,
      keys: [fixture.name, 'zoo'],
      oracles: [fixture.oracle],
      load: () => loadModel(fixture.spec),
      start: () => startZooSite(fixture, 'vulnerable'),
      parallelWorlds: false,
    });
  }
  return { cases, leftOutFlaws };
}

/** The requests by phase of a run document, when it counts them (older documents do not). */
function phasesOf(document: RunDocument): Record<string, number> | undefined {
  const stats = document.stats as { requests?: { byPhase?: Record<string, number | undefined> } };
  const byPhase = stats.requests?.byPhase;
  if (byPhase === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const [phase, n] of Object.entries(byPhase)) if (n !== undefined) out[phase] = n;
  return out;
}

function messageOf(error: unknown): string {
  return isBookfuzzError(error) ? error.toLine() : error instanceof Error ? error.message : String(error);
}

/**
 * Fuzz one row with one seed through a counting proxy in front of a fresh site, and say what it
 * cost: requests and seconds to the first confirmed finding and for the whole run.
 *
 * @example
 * const cost = await measureSeed(row, 1, 100);
 * console.log(cost.first?.requests ?? 'missed');
 */
export async function measureSeed(row: CostCase, seed: number, runs: number, stopAtFirst = false): Promise<SeedCost> {
  const model = await row.load();
  const site = await row.start();
  const proxy = await countingProxy(site.url).catch(async (error: unknown) => {
    await site.close();
    throw error;
  });
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let first: SeedCost['first'];
  const stop = new AbortController();
  try {
    const { document, gaveUp } = await fuzzLive(model, oracles, {
      target: proxy.url,
      runs,
      seed,
      oracles: row.oracles,
      ...(row.seedToken !== undefined ? { seedToken: row.seedToken } : {}),
      ...(row.parallelWorlds ? { parallelWorlds: true } : {}),
      ...(stopAtFirst ? { signal: stop.signal } : {}),
      onEvent: (event) => {
        if (event.type === 'finding' && first === undefined && row.oracles.includes(event.finding.oracle)) {
          first = { requests: proxy.seen.length, seconds: elapsed() };
          if (stopAtFirst) stop.abort();
        }
      },
    });
    const byPhase = phasesOf(document);
    // A run stopped at its first finding on purpose is not a problem.
    const problem = gaveUp?.message ?? ((document.status as string) === 'inconclusive' ? (document as { reason?: string }).reason : undefined);
    return {
      seed,
      ...(first ? { first } : {}),
      requests: proxy.seen.length,
      seconds: elapsed(),
      ...(byPhase ? { byPhase } : {}),
      status: document.status,
      ...(problem !== undefined ? { problem } : {}),
    };
  } catch (error) {
    return { seed, ...(first ? { first } : {}), requests: proxy.seen.length, seconds: elapsed(), status: 'error', problem: messageOf(error) };
  } finally {
    await proxy.close();
    await site.close();
  }
}

/** The rows `only` picks (all when undefined); a name matching no row is an error naming the choices. */
export function pickCases(cases: readonly CostCase[], only: readonly string[] | undefined): CostCase[] {
  if (only === undefined) return [...cases];
  const unknown = only.filter((name) => !cases.some((c) => c.keys.includes(name)));
  if (unknown.length > 0) throw new Error(`--cost-only ${unknown.join(',')}: no such row (rows: staging, zoo, ${cases.map((c) => c.name).join(', ')})`);
  return cases.filter((c) => c.keys.some((k) => only.includes(k)));
}

/**
 * Bench the chosen rows over seeds 1..N, one row at a time (each printed by the caller as it ends).
 *
 * @example
 * for await (const row of costBench({ seeds: 5, runs: 100, only: ['idor-view'] })) console.log(costTable([row])[1]);
 */
export async function* costBench(options: CostBenchOptions): AsyncGenerator<CostRow> {
  const { cases } = await costCases();
  for (const row of pickCases(cases, options.only)) {
    const seeds: SeedCost[] = [];
    for (let seed = 1; seed <= options.seeds; seed++) {
      const cost = await measureSeed(row, seed, options.runs, options.stopAtFirst === true);
      options.onSeed?.(row, cost);
      seeds.push(cost);
    }
    yield { case: row, runs: options.runs, seeds };
  }
}

/** The median of some numbers (NaN for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The order phases are shown in; a phase not listed here comes after, in the order first seen. */
const phaseOrder = ['setup', 'calibration', 'search', 'noise-check', 'confirmation', 'shrinking', 'timing', 'cleanup'];

/** Median requests of each phase over the seeds whose documents count phases (a phase a seed lacks counts 0), or `n/a`. */
export function phaseMedians(seeds: readonly SeedCost[]): string {
  const counted = seeds.map((s) => s.byPhase).filter((p): p is Record<string, number> => p !== undefined);
  if (counted.length === 0) return 'n/a';
  const phases = [...new Set(counted.flatMap((p) => Object.keys(p)))].sort((a, b) => rank(a) - rank(b));
  return phases.map((phase) => `${phase} ${Math.round(median(counted.map((p) => p[phase] ?? 0)))}`).join(', ');
}

function rank(phase: string): number {
  const i = phaseOrder.indexOf(phase);
  return i < 0 ? phaseOrder.length : i;
}

const whole = (x: number) => (Number.isNaN(x) ? 'n/a' : String(Math.round(x)));
const secs = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(2));

/** Seeds that found nothing, and runs that ended with a problem, in words (`-` for none). */
function notes(seeds: readonly SeedCost[]): string {
  const misses = seeds.filter((s) => s.first === undefined).map((s) => s.seed);
  const problems = seeds.filter((s) => s.problem !== undefined).map((s) => `seed ${s.seed} ${s.status ?? ''}: ${s.problem ?? ''}`);
  const out = [...(misses.length > 0 ? [`missed on seed${misses.length > 1 ? 's' : ''} ${misses.join(', ')}`] : []), ...problems];
  return out.length === 0 ? '-' : out.join('; ');
}

/** The table's header and one line per row, cells separated by ` | `. */
export function costTable(rows: readonly CostRow[]): string[] {
  return [
    ['row', 'oracles', 'found', 'median req to first', 'max req to first', 'median s to first', 'max s to first', 'median req per run', 'median s per run', 'median req by phase (run)', 'misses and problems'].join(' | '),
    ...rows.map((r) => {
      const firsts = r.seeds.flatMap((s) => (s.first ? [s.first] : []));
      return [
        r.case.name,
        r.case.oracles.join(','),
        `${firsts.length}/${r.seeds.length}`,
        whole(median(firsts.map((f) => f.requests))),
        whole(firsts.length === 0 ? Number.NaN : Math.max(...firsts.map((f) => f.requests))),
        secs(median(firsts.map((f) => f.seconds))),
        secs(firsts.length === 0 ? Number.NaN : Math.max(...firsts.map((f) => f.seconds))),
        whole(median(r.seeds.map((s) => s.requests))),
        secs(median(r.seeds.map((s) => s.seconds))),
        phaseMedians(r.seeds),
        notes(r.seeds),
      ].join(' | ');
    }),
  ];
}

/**
 * Summary lines: the median cost of a confirmed finding, for the staging rows, the zoo rows and
 * all rows — the median of the rows' medians, and the median over every seed that found one.
 */
export function costSummary(rows: readonly CostRow[]): string[] {
  const groups: [string, readonly CostRow[]][] = [
    ['staging', rows.filter((r) => r.case.group === 'staging')],
    ['zoo', rows.filter((r) => r.case.group === 'zoo')],
    ['all rows', rows],
  ];
  return groups
    .filter(([, list]) => list.length > 0)
    .map(([label, list]) => {
      const firsts = list.flatMap((r) => r.seeds.flatMap((s) => (s.first ? [s.first] : [])));
      const seeds = list.reduce((n, r) => n + r.seeds.length, 0);
      const rowMedians = list.map((r) => r.seeds.flatMap((s) => (s.first ? [s.first] : []))).filter((f) => f.length > 0);
      const medReq = median(rowMedians.map((f) => median(f.map((x) => x.requests))));
      const medSec = median(rowMedians.map((f) => median(f.map((x) => x.seconds))));
      const allFull = list.filter((r) => r.seeds.every((s) => s.first !== undefined)).length;
      return (
        `median cost of a confirmed finding, ${label} (${list.length} rows, found on ${firsts.length}/${seeds} seeds, ${allFull}/${list.length} rows on every seed): ` +
        `${whole(medReq)} requests, ${secs(medSec)} s (median of row medians); ` +
        `${whole(median(firsts.map((f) => f.requests)))} requests, ${secs(median(firsts.map((f) => f.seconds)))} s (median over found seeds)`
      );
    });
}

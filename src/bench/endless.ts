import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, cliNodeFlags } from './cli-node-flags.js';

export interface EndlessOptions {
  model: string;
  variant: string;
  /** `--runs` of the check: a huge number, or `inf`. */
  runs: string;
  /** How long the run searches (`--duration`), in seconds. */
  seconds: number;
  /** `--workers` of the check (default 1). */
  workers?: number;
}

export interface EndlessFigures {
  /** Resident memory (MB) sampled once a second, from the first sample to the last before the process ended. */
  rssMb: number[];
  cases: number;
  findings: number;
  status: string;
  exit: number | null;
}

/** The resident set of process `pid` in MB (Linux: /proc), or undefined once it has ended. */
function residentMb(pid: number): number | undefined {
  try {
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return rss === undefined ? undefined : Number(rss) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * A model-mode `bookfuzz check` with a huge `--runs` for `seconds` (its `--duration`), started
 * as the CLI starts (`cli-node-flags.ts`), its resident memory sampled every second. Memory that
 * does not grow with the run's length is a flat line: the first sample after start-up about the
 * peak and the last.
 */
export async function endlessRss(options: EndlessOptions): Promise<EndlessFigures> {
  const corpus = mkdtempSync(join(tmpdir(), 'bookfuzz-bench-endless-'));
  const args = ['check', options.model, '--variant', options.variant, '--runs', options.runs, '--duration', `${options.seconds}s`, '--seed', '1', '--corpus', corpus, '--json'];
  if (options.workers !== undefined) args.push('--workers', String(options.workers));
  const child = spawn(process.execPath, [...cliNodeFlags(), bin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const rssMb: number[] = [];
  const timer = setInterval(() => {
    const mb = child.pid === undefined ? undefined : residentMb(child.pid);
    if (mb !== undefined) rssMb.push(mb);
  }, 1000);
  const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  rmSync(corpus, { recursive: true, force: true });
  const document = JSON.parse(stdout) as { status: string; stats: { cases: number }; findings: unknown[] };
  return { rssMb, cases: document.stats.cases, findings: document.findings.length, status: document.status, exit };
}

/** The table's header and one row per run. */
export function endlessTable(rows: readonly { options: EndlessOptions; figures: EndlessFigures }[]): string[] {
  const header = ['model', 'variant', '--runs', 's', 'cases', 'findings', 'status', 'RSS first MB', 'peak MB', 'last MB', 'every 10 s (MB)'].join(' | ');
  return [
    header,
    ...rows.map(({ options, figures }) => {
      const mb = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(0));
      const series = figures.rssMb.filter((_, i) => i % 10 === 0).map((x) => x.toFixed(0)).join(' ');
      return [
        options.model,
        options.variant,
        options.runs,
        options.seconds,
        figures.cases,
        figures.findings,
        `${figures.status} (exit ${figures.exit})`,
        mb(figures.rssMb[0]),
        mb(figures.rssMb.length > 0 ? Math.max(...figures.rssMb) : undefined),
        mb(figures.rssMb[figures.rssMb.length - 1]),
        series,
      ].join(' | ');
    }),
  ];
}

import { relative } from 'node:path';
import type { Shard } from '../../engine/chunks.js';
import { loadModel } from '../../model/load-model.js';
import { oracles } from '../../oracles/index.js';
import { consoleStyle, renderFinding, renderNotes, renderSummary } from '../../report/console.js';
import { writeReports, type ReportFormat } from '../../report/write-reports.js';
import { createLiveSite } from '../../http/create-live-site.js';
import { fuzzLive, type FuzzResult } from '../../live/fuzz-live.js';
import { exitCode, type Io } from '../io.js';
import { findingSink, shrunkLine } from '../finding-sink.js';
import { progressListener } from '../progress.js';
import { printLintWarnings } from './lint.js';
import { runLimits, type RunLimits } from '../run-limits.js';
import { toolVersion } from '../version.js';

export interface FuzzArgs {
  model: string;
  target?: string | undefined;
  staging: boolean;
  variant?: string | undefined;
  flaws?: string[] | undefined;
  allowHosts: string[];
  rps?: number | undefined;
  budget?: number | undefined;
  runs?: number | undefined;
  seed?: number | undefined;
  seedToken?: string | undefined;
  oracles?: string[] | undefined;
  confirmations: number;
  allowIrreversible?: boolean | undefined;
  /** Per-request timeout in milliseconds (default 10 000). */
  timeoutMs?: number | undefined;
  /** `timing` oracle: most samples per class, and the |t| threshold. */
  timingSamples?: number | undefined;
  timingThreshold?: number | undefined;
  json: boolean;
  corpus: string;
  reports?: ReportFormat[] | undefined;
  out: string;
  signal?: AbortSignal | undefined;
  workers?: number | undefined;
  /** `--parallel-worlds`: the target has parallel worlds, so one lane runs its twin sides at once. */
  parallelWorlds?: boolean | undefined;
  shard?: Shard | undefined;
  /** `--duration`, `--runs inf` and `--progress-interval`. */
  limits?: RunLimits | undefined;
}

/** `bookfuzz fuzz <model> --target URL | --staging`: live mode over HTTP. */
export async function fuzzCommand(io: Io, args: FuzzArgs): Promise<number> {
  // Refuse a host outside the allowlist first, before the model is even loaded.
  if (args.target !== undefined) await createLiveSite({ baseUrl: args.target, allowHosts: args.allowHosts }).close();
  const model = await loadModel(args.model, io.cwd, { allowIrreversible: args.allowIrreversible === true });
  // A flow spec's lint warnings on stderr before it runs, never fatal.
  await printLintWarnings(io, model.source);
  const style = consoleStyle(io.stdout, io.env);
  const limits = runLimits(args.limits);
  const save = findingSink(args.corpus, io.cwd);
  const progress = progressListener(io.stderr, limits.progress(args.json));
  let result: FuzzResult;
  try {
    result = await fuzzLive(model, oracles, {
      target: args.target,
      staging: args.staging,
      variant: args.variant,
      flaws: args.flaws,
      allowHosts: args.allowHosts,
      rps: args.rps,
      budget: args.budget,
      runs: args.runs,
      seed: args.seed,
      seedToken: args.seedToken,
      oracles: args.oracles,
      confirmations: args.confirmations,
      timeoutMs: args.timeoutMs,
      timingSamples: args.timingSamples,
      timingThreshold: args.timingThreshold,
      workers: args.workers,
      parallelWorlds: args.parallelWorlds,
      shard: args.shard,
      signal: args.signal,
      ...(limits.until ? { until: limits.until } : {}),
      onEvent: (event) => {
        progress.listener(event);
        if (event.type !== 'finding') return;
        // Saved the moment it is confirmed, and again (same file) once shrunk: nothing found is lost.
        const saved = save(event.finding);
        event.finding.replay = `bookfuzz replay ${saved.shown}${args.staging ? ' --staging' : ` --target ${args.target ?? ''}`}`;
        if (args.json) return;
        io.stdout.write(saved.again ? `${shrunkLine(event.finding, saved)}\n\n` : `${renderFinding(event.finding, style)}\n\n`);
      },
    });
  } finally {
    progress.stop();
  }
  const { document, gaveUp } = result;
  limits.annotate(document);
  if (args.json) io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else {
    io.stdout.write(`${renderNotes(document)}${renderSummary(document, style)}\n`);
  }
  if (args.reports && args.reports.length > 0) {
    const paths = writeReports([document], args.reports, args.out, { cwd: io.cwd, toolVersion });
    if (!args.json) io.stdout.write(`reports: ${paths.map((p) => relative(io.cwd, p) || p).join(', ')}\n`);
  }
  if (document.status === 'interrupted') return exitCode.interrupted;
  // The report above says what ran; the run itself could not go on.
  if (gaveUp) throw gaveUp;
  if (document.findings.length > 0) return exitCode.findings;
  // Not a pass: the run could not test what it was asked to (the summary says why).
  return document.status === 'inconclusive' ? exitCode.error : exitCode.clean;
}

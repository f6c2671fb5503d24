import { relative } from 'node:path';
import type { Shard } from '../../engine/chunks.js';
import { checkModel } from '../../engine/check.js';
import type { RunDocument } from '../../engine/run-document.js';
import { BookfuzzError } from '../../errors.js';
import { loadModel } from '../../model/load-model.js';
import type { Model } from '../../model/model.js';
import { oracles } from '../../oracles/index.js';
import { consoleStyle, renderFinding, renderNotes, renderSummary } from '../../report/console.js';
import { writeReports, type ReportFormat } from '../../report/write-reports.js';
import { exitCode, type Io } from '../io.js';
import { findingSink, shrunkLine } from '../finding-sink.js';
import { progressListener } from '../progress.js';
import { printLintWarnings } from './lint.js';
import { runLimits, type RunLimits } from '../run-limits.js';
import { toolVersion } from '../version.js';

export interface CheckArgs {
  models: string[];
  variant?: string | undefined;
  flaws?: string[] | undefined;
  runs?: number | undefined;
  seed?: number | undefined;
  oracles?: string[] | undefined;
  json: boolean;
  corpus: string;
  reports?: ReportFormat[] | undefined;
  out: string;
  signal?: AbortSignal | undefined;
  workers?: number | undefined;
  shard?: Shard | undefined;
  /** `--duration`, `--runs inf` and `--progress-interval`. */
  limits?: RunLimits | undefined;
}

/** `bookfuzz check [model]`: model mode, in process, no network. */
export async function checkCommand(io: Io, args: CheckArgs): Promise<number> {
  if (args.models.length === 0) {
    throw new BookfuzzError('BF_USAGE', 'name a model (bookfuzz check <model>) or list "models" in bookfuzz.config.json');
  }
  const style = consoleStyle(io.stdout, io.env);
  const documents: RunDocument[] = [];
  const limits = runLimits(args.limits);
  const save = findingSink(args.corpus, io.cwd);
  for (const name of args.models) {
    // Past --duration, the models not begun are not checked (the last document says so).
    if (args.signal?.aborted || limits.until?.aborted) break;
    const model = await loadModel(name, io.cwd);
    // A flow spec's lint warnings on stderr before it runs, never fatal.
    await printLintWarnings(io, model.source);
    await refuseSpecWithoutScreens(model, name);
    const progress = progressListener(io.stderr, limits.progress(args.json));
    try {
      const document = await checkModel(model, oracles, {
        variant: args.variant,
        flaws: args.flaws,
        runs: args.runs,
        seed: args.seed,
        oracles: args.oracles,
        signal: args.signal,
        ...(limits.until ? { until: limits.until } : {}),
        workers: args.workers,
        shard: args.shard,
        onEvent: (event) => {
          progress.listener(event);
          if (event.type !== 'finding') return;
          // Saved the moment it is confirmed, and again (same file) once shrunk: nothing found is lost.
          const saved = save(event.finding);
          event.finding.replay = `bookfuzz replay ${saved.shown.includes(' ') ? JSON.stringify(saved.shown) : saved.shown}`;
          if (args.json) return;
          io.stdout.write(saved.again ? `${shrunkLine(event.finding, saved)}\n\n` : `${renderFinding(event.finding, style)}\n\n`);
        },
      });
      limits.annotate(document);
      documents.push(document);
    } finally {
      progress.stop();
    }
  }
  const last = documents[documents.length - 1];
  if (last && limits.until?.aborted && documents.length < args.models.length) {
    last.notes = [...(last.notes ?? []), `not checked (--duration was over): ${args.models.slice(documents.length).join(', ')}`];
  }
  if (args.json) {
    const [only] = documents;
    io.stdout.write(`${JSON.stringify(documents.length === 1 && only ? only : { version: 1, tool: 'bookfuzz', runs: documents }, null, 2)}\n`);
  } else {
    for (const document of documents) {
      io.stdout.write(`${renderNotes(document)}${renderSummary(document, style)}\n`);
    }
  }
  if (args.reports && args.reports.length > 0) {
    const paths = writeReports(documents, args.reports, args.out, { cwd: io.cwd, toolVersion });
    if (!args.json) io.stdout.write(`reports: ${paths.map((p) => relative(io.cwd, p) || p).join(', ')}\n`);
  }
  if (args.signal?.aborted || documents.some((d) => d.status === 'interrupted')) {
    if (!args.json) io.stdout.write('interrupted: the findings and reports above cover what ran\n');
    return exitCode.interrupted;
  }
  return documents.some((d) => d.findings.length > 0) ? exitCode.findings : exitCode.clean;
}

/**
 * A flow spec without `screens` has no reference semantics to check in model mode (its simulator
 * only keeps the world), so `check` would pass on nothing: refused with exit 2 and a pointer to
 * `fuzz`.
 */
async function refuseSpecWithoutScreens(model: Model, name: string): Promise<void> {
  if (model.source === undefined || !/\.(ya?ml|json)$/i.test(model.source)) return;
  const { readSpecSource } = await import('../../flow-spec/spec-source.js');
  const value = readSpecSource(model.source).value;
  const screens = value !== null && typeof value === 'object' ? (value as { screens?: unknown }).screens : undefined;
  if (screens === undefined || screens === null) {
    throw new BookfuzzError('BF_USAGE', `model mode needs screens (or use fuzz): ${name} has no screens`);
  }
}

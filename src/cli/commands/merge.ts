import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { saveFinding } from '../../engine/corpus.js';
import { mergeRunDocuments } from '../../engine/merge.js';
import type { RunDocument } from '../../engine/run-document.js';
import { BookfuzzError } from '../../errors.js';
import { writeReports, type ReportFormat } from '../../report/write-reports.js';
import { consoleStyle, renderNotes, renderSummary } from '../../report/console.js';
import { neverOkActions, neverOkWarning } from '../../report/run-stats.js';
import { exitCode, type Io } from '../io.js';
import { toolVersion } from '../version.js';

export interface MergeArgs {
  reports: string[];
  out?: string | undefined;
  reports_formats: ReportFormat[];
  corpus?: string | undefined;
}

function readDocuments(file: string): RunDocument[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BookfuzzError('BF_USAGE', `not a bookfuzz JSON report: ${error instanceof Error ? error.message : String(error)}`, { where: file });
  }
  const record = value as { version?: unknown; tool?: unknown; runs?: unknown; findings?: unknown };
  if (record?.tool !== 'bookfuzz' || record.version !== 1) throw new BookfuzzError('BF_USAGE', 'not a bookfuzz JSON report (version 1)', { where: file });
  if (Array.isArray(record.runs)) return record.runs as RunDocument[];
  if (!Array.isArray(record.findings)) throw new BookfuzzError('BF_USAGE', 'a run document needs "findings"', { where: file });
  return [value as RunDocument];
}

/**
 * `bookfuzz merge <report.json>...`: shard reports into one report (and corpus), requests and
 * per-action statistics summed. With `--out`, prints each merged run's notes, outcomes and
 * statistics and its summary line; without, the merged JSON on stdout and, on stderr, the summary
 * of an inconclusive run and a warning for each action sent and never ok. Exits 1 with findings,
 * else 2 when a merged run is inconclusive (a shard could not test what it was asked), else 0.
 */
export async function mergeCommand(io: Io, args: MergeArgs): Promise<number> {
  const merged = mergeRunDocuments(args.reports.flatMap(readDocuments));
  if (args.corpus !== undefined) for (const document of merged) for (const finding of document.findings) saveFinding(args.corpus, finding);
  if (args.out !== undefined) {
    const paths = writeReports(merged, args.reports_formats, args.out, { cwd: io.cwd, toolVersion });
    io.stdout.write(`merged ${args.reports.length} reports: ${paths.map((p) => relative(io.cwd, p) || p).join(', ')}\n`);
    const style = consoleStyle(io.stdout, io.env);
    for (const document of merged) io.stdout.write(`${renderNotes(document, style)}${renderSummary(document, style)}\n`);
  } else {
    const [only] = merged;
    io.stdout.write(`${JSON.stringify(merged.length === 1 && only ? only : { version: 1, tool: 'bookfuzz', runs: merged }, null, 2)}\n`);
    // stdout is the JSON; an inconclusive merge is also said where a person sees it.
    const style = consoleStyle(io.stderr, io.env);
    for (const document of merged) {
      const warnings = neverOkActions(document.stats.actions).map((a) => `WARNING: ${document.model} (${document.variant}): ${neverOkWarning(a)}\n`);
      if (warnings.length > 0) io.stderr.write(warnings.join(''));
      if (document.status === 'inconclusive') io.stderr.write(`${renderSummary(document, style)}\n`);
    }
  }
  if (merged.some((d) => d.findings.length > 0)) return exitCode.findings;
  // A shard that could not test what it was asked makes the whole merge untested there: never a clean exit.
  return merged.some((d) => d.status === 'inconclusive') ? exitCode.error : exitCode.clean;
}

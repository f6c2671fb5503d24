import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { saveFinding } from '../../engine/corpus.js';
import { mergeRunDocuments } from '../../engine/merge.js';
import type { RunDocument } from '../../engine/run-document.js';
import { BookfuzzError } from '../../errors.js';
import { writeReports, type ReportFormat } from '../../report/write-reports.js';
import { renderNotes } from '../../report/console.js';
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

/** `bookfuzz merge <report.json>...`: shard reports into one report (and corpus). */
export async function mergeCommand(io: Io, args: MergeArgs): Promise<number> {
  const merged = mergeRunDocuments(args.reports.flatMap(readDocuments));
  if (args.corpus !== undefined) for (const document of merged) for (const finding of document.findings) saveFinding(args.corpus, finding);
  if (args.out !== undefined) {
    const paths = writeReports(merged, args.reports_formats, args.out, { cwd: io.cwd, toolVersion });
    io.stdout.write(`merged ${args.reports.length} reports: ${paths.map((p) => relative(io.cwd, p) || p).join(', ')}\n`);
    for (const document of merged) io.stdout.write(renderNotes(document));
  } else {
    const [only] = merged;
    io.stdout.write(`${JSON.stringify(merged.length === 1 && only ? only : { version: 1, tool: 'bookfuzz', runs: merged }, null, 2)}\n`);
  }
  return merged.some((d) => d.findings.length > 0) ? exitCode.findings : exitCode.clean;
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/corpus.js';
import type { RunDocument } from '../engine/run-document.js';
import { BookfuzzError } from '../errors.js';
import { oracles as allOracles } from '../oracles/index.js';
import type { Oracle } from '../oracles/oracle.js';
import { renderHtml } from './html.js';
import { renderJsonReport } from './json.js';
import { renderJunit } from './junit.js';
import { renderSarif } from './sarif.js';

export type ReportFormat = 'json' | 'junit' | 'sarif' | 'html';

/** Each format and the file it is written to. */
export const reportFiles: Readonly<Record<ReportFormat, string>> = {
  json: 'bookfuzz.json',
  junit: 'bookfuzz.junit.xml',
  sarif: 'bookfuzz.sarif',
  html: 'bookfuzz.html',
};

const known = Object.keys(reportFiles) as ReportFormat[];
const isFormat = (name: string): name is ReportFormat => (known as string[]).includes(name);

/**
 * Parse `--report json,sarif` into formats (trimmed, case-insensitive, duplicates dropped, order
 * kept). An unknown or empty list is a `BF_USAGE` error naming it and the known formats.
 *
 * @example
 * parseReportFormats('junit, sarif') // → ['junit', 'sarif']
 */
export function parseReportFormats(list: string): ReportFormat[] {
  const names = list.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part.length > 0);
  if (names.length === 0) throw new BookfuzzError('BF_USAGE', `name at least one report format (formats: ${known.join(', ')})`);
  const out: ReportFormat[] = [];
  for (const name of names) {
    if (!isFormat(name)) throw new BookfuzzError('BF_USAGE', `unknown report format "${name}" (formats: ${known.join(', ')})`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export interface WriteReportsOptions {
  /** Folder SARIF locations are made relative to (`%SRCROOT%`). */
  cwd: string;
  toolVersion: string;
  /** Oracles to describe (titles, help, severity). Default: every bookfuzz oracle. */
  oracles?: readonly Oracle[];
}

/**
 * Write one file per format into `outDir` (created if needed), each atomically (a temporary
 * file renamed into place), and return their paths in the order of `formats`. A file that
 * cannot be written is a `BF_IO` error naming it.
 */
export function writeReports(
  documents: readonly RunDocument[],
  formats: readonly ReportFormat[],
  outDir: string,
  options: WriteReportsOptions,
): string[] {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new BookfuzzError('BF_IO', `could not create the report folder: ${error instanceof Error ? error.message : String(error)}`, {
      where: outDir,
      cause: error,
    });
  }
  const oracles = options.oracles ?? allOracles;
  const render: Record<ReportFormat, () => string> = {
    json: () => renderJsonReport(documents),
    junit: () => renderJunit(documents, oracles),
    sarif: () => renderSarif(documents, oracles, { cwd: options.cwd, toolVersion: options.toolVersion }),
    html: () => renderHtml(documents, oracles),
  };
  return [...new Set(formats)].map((format) => {
    const path = join(outDir, reportFiles[format]);
    writeFileAtomic(path, render[format]());
    return path;
  });
}

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookfuzzError } from '../errors.js';
import { renderJson } from './json.js';
import { hostileDocument, testDocuments, type TestDocuments } from './test-documents.js';
import { parseReportFormats, writeReports } from './write-reports.js';

let docs: TestDocuments;
const temp = mkdtempSync(join(tmpdir(), 'bookfuzz-reports-'));
const options = { cwd: process.cwd(), toolVersion: '0.1.0' };
beforeAll(async () => {
  docs = await testDocuments();
}, 120_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function usageError(run: () => unknown): BookfuzzError {
  try {
    run();
  } catch (error) {
    if (error instanceof BookfuzzError) return error;
    throw error;
  }
  throw new Error('expected a BookfuzzError');
}

describe('parseReportFormats', () => {
  it('reads a comma list, trimmed, any case, without duplicates, in order', () => {
    expect(parseReportFormats('sarif, JUNIT,sarif,html,json')).toEqual(['sarif', 'junit', 'html', 'json']);
  });

  it('names an unknown format and lists the known ones (BF_USAGE)', () => {
    const error = usageError(() => parseReportFormats('json,pdf'));
    expect(error.code).toBe('BF_USAGE');
    expect(error.message).toContain('"pdf"');
    expect(error.message).toContain('json, junit, sarif, html');
    expect(usageError(() => parseReportFormats(' , ')).code).toBe('BF_USAGE');
  });
});

describe('writeReports', () => {
  it('writes exactly the requested files into a new folder and returns their paths', () => {
    const dir = join(temp, 'two', 'nested');
    const paths = writeReports([docs.vulnerable], ['sarif', 'json'], dir, options);
    expect(paths).toEqual([join(dir, 'bookfuzz.sarif'), join(dir, 'bookfuzz.json')]);
    expect(readdirSync(dir).sort()).toEqual(['bookfuzz.json', 'bookfuzz.sarif']);
    expect(readFileSync(join(dir, 'bookfuzz.json'), 'utf8')).toBe(renderJson(docs.vulnerable));
  });

  it('writes all four formats, and several runs as one JSON file with a runs list', () => {
    const dir = join(temp, 'all');
    const documents = [docs.vulnerable, docs.fixed, hostileDocument(docs.vulnerable)];
    const paths = writeReports(documents, parseReportFormats('json,junit,sarif,html'), dir, options);
    expect(paths).toHaveLength(4);
    expect(readdirSync(dir).sort()).toEqual(['bookfuzz.html', 'bookfuzz.json', 'bookfuzz.junit.xml', 'bookfuzz.sarif']);
    const json = JSON.parse(readFileSync(join(dir, 'bookfuzz.json'), 'utf8')) as { version: number; tool: string; runs: unknown[] };
    expect(json).toMatchObject({ version: 1, tool: 'bookfuzz' });
    expect(json.runs).toHaveLength(3);
    expect(readFileSync(join(dir, 'bookfuzz.junit.xml'), 'utf8')).toContain('<testsuites');
    expect(readFileSync(join(dir, 'bookfuzz.html'), 'utf8')).toContain('<!DOCTYPE html>');
  });

  it('gives BF_IO naming the folder when it cannot be created', () => {
    const file = join(temp, 'two', 'nested', 'bookfuzz.json');
    const error = usageError(() => writeReports([docs.fixed], ['json'], join(file, 'below-a-file'), options));
    expect(error.code).toBe('BF_IO');
    expect(error.where).toBe(join(file, 'below-a-file'));
  });
});

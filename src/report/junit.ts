import type { Finding } from '../engine/finding.js';
import type { RunDocument } from '../engine/run-document.js';
import type { Oracle } from '../oracles/oracle.js';
import { escapeMarkup } from './escape-markup.js';
import { findingReplay } from './finding-replay.js';
import { findingSummary } from './finding-summary.js';

/**
 * JUnit XML for CI: a `<testsuites>` with one `<testsuite name="bookfuzz.<model>.<variant>">`
 * per run document, one `<testcase classname="bookfuzz.<model>" name="<oracle id>">` per oracle
 * that ran, and one `<failure>` per finding of that oracle (summary and replay command).
 *
 * Counts follow the JUnit convention: `tests` counts test cases (oracles), `failures` counts
 * test cases with at least one finding, so `failures <= tests` even when an oracle found
 * several problems. Times are in seconds; a run's duration is not split between oracles, so
 * only suites carry a time. Pure: the same documents give the same text.
 */
export function renderJunit(documents: readonly RunDocument[], oracles: readonly Oracle[]): string {
  const suites = documents.map((document) => suite(document, oracles));
  const tests = suites.reduce((n, s) => n + s.tests, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  const time = seconds(documents.reduce((n, d) => n + d.stats.durationMs, 0));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bookfuzz" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${time}">`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

interface Suite {
  tests: number;
  failures: number;
  lines: string[];
}

function suite(document: RunDocument, oracles: readonly Oracle[]): Suite {
  // Every oracle that ran, plus (defensively) any oracle a finding names: a finding is never dropped.
  const ids = [...new Set([...document.oracles, ...document.findings.map((f) => f.oracle)])];
  const cases = ids.map((id) => testcase(document, id, oracles.find((o) => o.id === id)));
  const failures = cases.filter((c) => c.failed).length;
  const properties: [string, string][] = [
    ['mode', document.mode],
    ['model', document.model],
    ['variant', document.variant],
    ['flaws', document.flaws.join(',')],
    ['runs', String(document.runs)],
    ['seed', String(document.seed)],
    ['status', document.status],
    ['cases', String(document.stats.cases)],
    ['steps', String(document.stats.steps)],
  ];
  if (document.modelFile !== undefined) properties.push(['modelFile', document.modelFile]);
  const lines = [
    `  <testsuite ${attributes({
      name: `bookfuzz.${document.model}.${document.variant}`,
      tests: String(cases.length),
      failures: String(failures),
      errors: '0',
      skipped: '0',
      time: seconds(document.stats.durationMs),
    })}>`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property ${attributes({ name, value })}/>`),
    '    </properties>',
    ...cases.flatMap((c) => c.lines),
  ];
  if (document.status === 'interrupted') {
    lines.push(`    <system-out>${escapeMarkup('The run was interrupted: only the cases that ran were checked.')}</system-out>`);
  }
  lines.push('  </testsuite>');
  return { tests: cases.length, failures, lines };
}

function testcase(document: RunDocument, id: string, oracle: Oracle | undefined): { failed: boolean; lines: string[] } {
  const findings = document.findings.filter((f) => f.oracle === id);
  const open = `    <testcase ${attributes({ classname: `bookfuzz.${document.model}`, name: id })}`;
  if (findings.length === 0) return { failed: false, lines: [`${open}/>`] };
  return { failed: true, lines: [`${open}>`, ...findings.map((f) => failure(f, oracle)), '    </testcase>'] };
}

function failure(finding: Finding, oracle: Oracle | undefined): string {
  const replay = findingReplay(finding);
  const body = [
    findingSummary(finding),
    `replay: ${replay}`,
    `seed ${finding.seed}, path ${finding.path}, finding ${finding.id}`,
    ...(oracle ? [`oracle: ${oracle.title}`] : []),
  ].join('\n');
  const message = `${finding.message} — replay: ${replay}`;
  return `      <failure ${attributes({ message, type: `${finding.oracle}/${finding.severity}` })}>${escapeMarkup(body)}</failure>`;
}

/** Attribute list; line breaks are kept as character references (parsers fold raw ones to spaces). */
function attributes(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${escapeMarkup(value).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')}"`)
    .join(' ');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

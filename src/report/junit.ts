import type { Finding } from '../engine/finding.js';
import type { RequestOutcome, RunDocument } from '../engine/run-document.js';
import type { Oracle } from '../oracles/oracle.js';
import { escapeMarkup } from './escape-markup.js';
import { findingReplay } from './finding-replay.js';
import { findingSummary } from './finding-summary.js';
import { inconclusiveReason, okOutcomeLines, outcomeLine, phaseLabel, problemOutcomes } from './outcome-summary.js';
import { neverOkActions, neverOkWarning, requestParts, requestsLine } from './run-stats.js';

/**
 * JUnit XML for CI: a `<testsuites>` with one `<testsuite name="bookfuzz.<model>.<variant>">`
 * per run document, one `<testcase classname="bookfuzz.<model>" name="<oracle id>">` per oracle
 * that ran, and one `<failure>` per finding of that oracle (summary and replay command).
 *
 * Counts follow the JUnit convention: `tests` counts test cases (oracles), `failures` counts
 * test cases with at least one finding, so `failures <= tests` even when an oracle found
 * several problems. An inconclusive run (it could not test what it was asked) makes every
 * oracle without a finding an `<error>` carrying the reason, counted in `errors`: neither a
 * failure nor a pass. How the run's requests went (`outcomes`) are suite properties, and the
 * reason and outcomes are in the suite's `<system-out>`. A live run's statistics are suite
 * properties too (`requests.total`, `requests.<phase>`, `action.<name>.sent|ok|refused|failed`),
 * its requests line and a `WARNING:` per action never ok in `<system-out>`; each failure says
 * what it took to find (`found after …`). Times are in seconds; a run's duration
 * is not split between oracles, so only suites carry a time. Pure: the same documents give the
 * same text.
 */
export function renderJunit(documents: readonly RunDocument[], oracles: readonly Oracle[]): string {
  const suites = documents.map((document) => suite(document, oracles));
  const tests = suites.reduce((n, s) => n + s.tests, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  const errors = suites.reduce((n, s) => n + s.errors, 0);
  const time = seconds(documents.reduce((n, d) => n + d.stats.durationMs, 0));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bookfuzz" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="${time}">`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

interface Suite {
  tests: number;
  failures: number;
  errors: number;
  lines: string[];
}

function suite(document: RunDocument, oracles: readonly Oracle[]): Suite {
  // Every oracle that ran, plus (defensively) any oracle a finding names: a finding is never dropped.
  const ids = [...new Set([...document.oracles, ...document.findings.map((f) => f.oracle)])];
  const reason = inconclusiveReason(document);
  const cases = ids.map((id) => testcase(document, id, oracles.find((o) => o.id === id), reason));
  const failures = cases.filter((c) => c.result === 'failed').length;
  const errors = cases.filter((c) => c.result === 'error').length;
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
  if (reason !== undefined) properties.push(['reason', reason]);
  for (const outcome of document.outcomes ?? []) properties.push([`outcome.${outcome.phase}.${outcome.what}`, outcomeValue(outcome)]);
  properties.push(...statsProperties(document));
  const lines = [
    `  <testsuite ${attributes({
      name: `bookfuzz.${document.model}.${document.variant}`,
      tests: String(cases.length),
      failures: String(failures),
      errors: String(errors),
      skipped: '0',
      time: seconds(document.stats.durationMs),
    })}>`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property ${attributes({ name, value })}/>`),
    '    </properties>',
    ...cases.flatMap((c) => c.lines),
  ];
  const out = systemOut(document, reason);
  if (out.length > 0) lines.push(`    <system-out>${escapeMarkup(out.join('\n'))}</system-out>`);
  lines.push('  </testsuite>');
  return { tests: cases.length, failures, errors, lines };
}

/** What a person reading the CI log should know about the whole run: why it is inconclusive or interrupted, how its requests went. */
function systemOut(document: RunDocument, reason: string | undefined): string[] {
  const out: string[] = [];
  if (reason !== undefined) out.push(`INCONCLUSIVE: ${reason}`);
  if (document.status === 'interrupted') out.push('The run was interrupted: only the cases that ran were checked.');
  const outcomes = document.outcomes ?? [];
  const problems = problemOutcomes(outcomes);
  if (outcomes.length > 0) out.push(...okOutcomeLines(outcomes));
  if (problems.length > 0) out.push('requests that did not all go well:', ...problems.map((o) => `  ${phaseLabel[o.phase]}: ${outcomeLine(o)}`));
  if (document.stats.requests) out.push(requestsLine(document.stats.requests));
  out.push(...neverOkActions(document.stats.actions).map((a) => `WARNING: ${neverOkWarning(a)}`));
  return out;
}

/** A live run's statistics as suite properties: requests in all and by phase, each action's counts. */
function statsProperties(document: RunDocument): [string, string][] {
  const { requests, actions = [] } = document.stats;
  const properties: [string, string][] = [];
  if (requests) {
    properties.push(['requests.total', String(requests.total)]);
    for (const part of requestParts(requests)) properties.push([`requests.${part.phase}`, String(part.count)]);
  }
  for (const a of actions) {
    properties.push(
      [`action.${a.action}.sent`, String(a.sent)],
      [`action.${a.action}.ok`, String(a.ok)],
      [`action.${a.action}.refused`, String(a.refused)],
      [`action.${a.action}.failed`, String(a.failed)],
    );
  }
  return properties;
}

/** An outcome's counts as one property value: `sent 40, ok 2, refused 38, failed 0; last: answered 409 at /signup; at spec.yaml:15:9`. */
function outcomeValue(outcome: RequestOutcome): string {
  const parts = [`sent ${outcome.sent}, ok ${outcome.ok}, refused ${outcome.refused}, failed ${outcome.failed}`];
  if (outcome.last !== undefined) parts.push(`last: ${outcome.last}`);
  if (outcome.where !== undefined) parts.push(`at ${outcome.where}`);
  return parts.join('; ');
}

interface Testcase {
  result: 'passed' | 'failed' | 'error';
  lines: string[];
}

function testcase(document: RunDocument, id: string, oracle: Oracle | undefined, reason: string | undefined): Testcase {
  const findings = document.findings.filter((f) => f.oracle === id);
  const open = `    <testcase ${attributes({ classname: `bookfuzz.${document.model}`, name: id })}`;
  if (findings.length > 0) {
    return { result: 'failed', lines: [`${open}>`, ...findings.map((f) => failure(f, oracle)), '    </testcase>'] };
  }
  // Nothing found, but nothing much was tested either: an error, never a pass.
  if (reason !== undefined) {
    const body = `This oracle could not be tested: ${reason.replace(/\.$/, '')}. See the suite's properties and system-out for how each request went.`;
    const error = `      <error ${attributes({ message: `inconclusive: ${reason}`, type: 'inconclusive' })}>${escapeMarkup(body)}</error>`;
    return { result: 'error', lines: [`${open}>`, error, '    </testcase>'] };
  }
  return { result: 'passed', lines: [`${open}/>`] };
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

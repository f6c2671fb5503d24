import type { Finding } from '../engine/finding.js';
import type { RequestOutcome, RunDocument } from '../engine/run-document.js';
import type { Json, JsonObject } from '../model/json.js';
import { cutAround } from './cut-around.js';
import { inconclusiveReason, okOutcomeLines, problemOutcomes } from './outcome-summary.js';
import { formatCount, formatDuration, foundAfter, neverOk, neverOkWarning, requestsLine } from './run-stats.js';

export interface ConsoleStyle {
  color: boolean;
  /** Total width for the side-by-side view. */
  width: number;
}

/** Colours only on a terminal and never when NO_COLOR is set (https://no-color.org). */
export function consoleStyle(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): ConsoleStyle {
  const color = Boolean(stream.isTTY) && (env['NO_COLOR'] === undefined || env['NO_COLOR'] === '');
  return { color, width: Math.max(60, Math.min(stream.columns ?? 100, 160)) };
}

/** No colour, the usual width: for text that is not going to a terminal. */
const plain: ConsoleStyle = { color: false, width: 100 };

const paint = (style: ConsoleStyle, code: string, text: string): string => (style.color ? `\u001b[${code}m${text}\u001b[0m` : text);

/** A finding as a person reads it: what broke, the minimal steps, both observations at the first difference. */
export function renderFinding(finding: Finding, style: ConsoleStyle): string {
  const lines: string[] = [];
  const flaw = finding.flaw ? `  flaw: ${finding.flaw}` : '';
  lines.push(`${paint(style, '31;1', `✗ ${finding.oracle}`)}  ${finding.model} (${finding.variant})${flaw}  [${finding.id}]`);
  lines.push(`  ${finding.message}`);
  if (finding.found) lines.push(`  ${foundAfter(finding.found)}`);
  if (finding.worlds.differences.length > 0) {
    const shown = finding.worlds.differences.slice(0, 6).map((d) => `${d.path}: ${show(d.a)} → ${show(d.b)}`);
    lines.push(`  twin worlds differ only in ${finding.secret.name}: ${shown.join('; ')}`);
  }
  lines.push('  minimal steps:');
  finding.steps.forEach((step, i) => {
    const input = Object.keys(step.input).length > 0 ? ` ${JSON.stringify(step.input)}` : '';
    const typed = step.typed ? `  typed ${Object.entries(step.typed).map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
    const marker = i + 1 === finding.firstDifference.step ? paint(style, '33', '→') : ' ';
    lines.push(`   ${marker}${String(i + 1).padStart(2)}. ${step.actor} ${step.action}${input}${typed}`);
  });
  const index = finding.firstDifference.step - 1;
  lines.push(`  at step ${finding.firstDifference.step}, field "${finding.firstDifference.field}":`);
  const withoutExchanges = ({ exchanges: _, ...rest }: JsonObject): JsonObject => rest;
  lines.push(...sideBySide(withoutExchanges(finding.observations.a[index] ?? {}), withoutExchanges(finding.observations.b[index] ?? {}), style));
  const hops = finding.observations.a.flatMap((o) => (Array.isArray(o['exchanges']) ? o['exchanges'] : []));
  if (hops.length > 0) lines.push(`  HTTP: ${hops.length} exchanges recorded (redacted); curl script in the finding file`);
  lines.push(`  replay: ${finding.replay ?? `seed ${finding.seed}, path ${finding.path}`}`);
  return lines.join('\n');
}

/**
 * Two observations in two columns, differing lines marked (and coloured on a TTY). A differing
 * value too long for its column is cut around the difference (`cutAround`), never at the end;
 * when `field: value` does not fit, the field gets a line of its own above the two values.
 */
export function sideBySide(a: JsonObject, b: JsonObject, style: ConsoleStyle): string[] {
  const left = flatten(a);
  const right = flatten(b);
  const keys = [...new Set([...left.keys(), ...right.keys()])];
  const column = Math.floor((style.width - 8) / 2);
  const cell = (text: string) => (text.length > column ? `${text.slice(0, column - 1)}…` : text.padEnd(column));
  const pad = (text: string) => text + ' '.repeat(Math.max(0, column - Array.from(text).length));
  const out = [`    ${cell('world A')} │ ${cell('world B')}`];
  // Long observations (live pages): show the differing fields, and say how many equal ones were left out.
  const long = keys.length > 24;
  const equal = keys.filter((key) => left.get(key) === right.get(key)).length;
  for (const key of keys) {
    const lv = left.get(key);
    const rv = right.get(key);
    if (lv === rv) {
      if (long) continue;
      out.push(`    ${cell(`${key}: ${lv ?? ''}`)} │ ${cell(`${key}: ${rv ?? ''}`)}`);
      continue;
    }
    const l = lv === undefined ? '' : `${key}: ${lv}`;
    const r = rv === undefined ? '' : `${key}: ${rv}`;
    if (Array.from(l).length <= column && Array.from(r).length <= column) {
      out.push(paint(style, '33;1', `≠   ${pad(l)} │ ${pad(r)}`));
      continue;
    }
    const [name] = cutAround(key, key, style.width - 6);
    const [cl, cr] = cutAround(lv ?? '(absent)', rv ?? '(absent)', column);
    out.push(paint(style, '33;1', `≠   ${name}:`), paint(style, '33;1', `    ${pad(cl)} │ ${pad(cr)}`));
  }
  if (long && equal > 0) out.push(`    (${equal} equal fields not shown)`);
  return out;
}

/**
 * The run's notes (transport errors, a spent budget, idle lanes), a `note:` line each, then how
 * its set-up, log-in, extractor and cleanup requests went (`renderOutcomes`), then a live run's
 * statistics (`renderStats`: requests by phase, steps per action, a warning per action never
 * ok); '' when it has none of them (a model run without notes).
 */
export function renderNotes(document: RunDocument, style: ConsoleStyle = plain): string {
  const notes = (document.notes ?? []).map((note) => `note: ${note}\n`).join('');
  const lines = [...renderOutcomes(document.outcomes ?? [], style), ...renderStats(document, style)];
  return `${notes}${lines.map((line) => `${line}\n`).join('')}`;
}

/**
 * A live run's statistics: the requests it sent, in all and by phase; a compact table of how the
 * steps of each action went (`action sent ok refused failed`); and a `WARNING:` line for every
 * action that was sent and never once ok, since nothing behind it was tested. [] when the
 * document has no request or action statistics (model mode).
 *
 * @example
 * renderStats(document, style)
 * // → ['requests: 1,284 (calibration 96, search 640, …)', 'actions:', '  action  sent  ok  refused  failed', …,
 * //    'WARNING: book: 46 sent, 0 ok: check its inputs or okIf']
 */
export function renderStats(document: RunDocument, style: ConsoleStyle = plain): string[] {
  const { requests, actions = [] } = document.stats;
  const lines: string[] = [];
  if (requests) lines.push(requestsLine(requests));
  if (actions.length === 0) return lines;
  const heading = ['action', 'sent', 'ok', 'refused', 'failed'];
  const rows = actions.map((a) => [a.action, formatCount(a.sent), formatCount(a.ok), formatCount(a.refused), formatCount(a.failed)]);
  const widths = heading.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const nameWidth = Math.min(widths[0] ?? 6, Math.max(20, Math.floor(style.width / 2)));
  const cut = (text: string): string => (text.length > nameWidth ? `${text.slice(0, nameWidth - 1)}…` : text.padEnd(nameWidth));
  const line = (cells: readonly string[]): string => `  ${cut(cells[0] ?? '')}  ${cells.slice(1).map((c, i) => c.padStart(widths[i + 1] ?? 0)).join('  ')}`;
  lines.push('actions:', line(heading));
  actions.forEach((a, i) => lines.push(neverOk(a) ? paint(style, '33', line(rows[i] ?? [])) : line(rows[i] ?? [])));
  for (const a of actions.filter(neverOk)) lines.push(paint(style, '33;1', `WARNING: ${neverOkWarning(a)}`));
  return lines;
}

/**
 * How each kind of request went: outcomes that all went well summed into one line per phase
 * (`set-up: 120 requests, all ok`), those with a refusal or a failure as a small table (what,
 * sent, ok, refused, failed, last problem), each followed by where it is written.
 */
export function renderOutcomes(outcomes: readonly RequestOutcome[], style: ConsoleStyle = plain): string[] {
  const lines = okOutcomeLines(outcomes);
  const problems = problemOutcomes(outcomes);
  if (problems.length === 0) return lines;
  const heading = ['what', 'sent', 'ok', 'refused', 'failed', 'last problem'];
  const rows = problems.map((o) => [o.what, String(o.sent), String(o.ok), String(o.refused), String(o.failed), o.last ?? '']);
  const widths = heading.slice(0, 5).map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const whatWidth = Math.min(widths[0] ?? 4, Math.max(20, Math.floor(style.width / 2)));
  const cut = (text: string): string => (text.length > whatWidth ? `${text.slice(0, whatWidth - 1)}…` : text.padEnd(whatWidth));
  const line = (cells: readonly string[]): string =>
    `  ${cut(cells[0] ?? '')}  ${cells.slice(1, 5).map((c, i) => c.padStart(widths[i + 1] ?? 0)).join('  ')}  ${cells[5] ?? ''}`.trimEnd();
  lines.push('requests that did not all go well:', line(heading));
  problems.forEach((o, i) => {
    lines.push(paint(style, '33', line(rows[i] ?? [])));
    if (o.where !== undefined) lines.push(`      at ${o.where}`);
    // A long "what" is cut in the table; the whole of it follows when it was.
    if (o.what.length > whatWidth) lines.push(`      what: ${o.what}`);
  });
  return lines;
}

/**
 * The last line: counts a person can read at a glance. An inconclusive run says so first, with
 * its reason, so "no findings" is never read as a pass.
 */
export function renderSummary(document: RunDocument, style: ConsoleStyle): string {
  const n = document.findings.length;
  const reason = inconclusiveReason(document);
  const counts = n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'}`;
  const sent = document.stats.requests?.total;
  const requests = sent !== undefined ? `${formatCount(sent)} request${sent === 1 ? '' : 's'}, ` : '';
  const verdict =
    reason !== undefined
      ? `${paint(style, '31;1', `INCONCLUSIVE: ${reason}`)} — ${n === 0 ? 'no findings in what could be tested' : paint(style, '31;1', counts)}`
      : n === 0
        ? paint(style, '32;1', counts)
        : paint(style, '31;1', counts);
  return (
    `${verdict} — ${document.model} (${document.variant}), oracles ${document.oracles.join(', ')}, ` +
    `${formatCount(document.stats.cases)} cases, ${formatCount(document.stats.steps)} steps, ${requests}seed ${document.seed}, ${formatDuration(document.stats.durationMs)}`
  );
}

function flatten(value: Json, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out.set(prefix || '(empty)', Array.isArray(value) ? '[]' : '{}');
    for (const [k, v] of entries) flatten(v, prefix ? (Array.isArray(value) ? `${prefix}[${k}]` : `${prefix}.${k}`) : k, out);
  } else {
    out.set(prefix || '(value)', show(value));
  }
  return out;
}

function show(value: Json | undefined): string {
  return value === undefined ? '(absent)' : typeof value === 'string' ? value : JSON.stringify(value);
}

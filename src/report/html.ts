import type { Finding } from '../engine/finding.js';
import type { RunDocument } from '../engine/run-document.js';
import type { Json, JsonObject } from '../model/json.js';
import type { Oracle } from '../oracles/oracle.js';
import { escapeMarkup as e } from './escape-markup.js';
import { findingReplay } from './finding-replay.js';
import { flattenObservation, showJson } from './flatten.js';
import { hasProblem, inconclusiveReason, phaseLabel } from './outcome-summary.js';
import { formatCount, formatDuration, foundAfter, neverOk, neverOkWarning, requestParts } from './run-stats.js';

/**
 * One self-contained HTML page: inline CSS, no script, nothing loaded from anywhere (a
 * Content-Security-Policy of `default-src 'none'` says so to the browser too). A summary of the
 * runs and oracles, then every finding: its minimal steps, what the twin worlds differ in, and
 * the two observations of the first-difference step side by side with the differing fields
 * marked. An inconclusive run gets a banner with its reason at the top, and every run's notes and
 * request outcomes are shown under the runs table. "Run statistics" gives each run's cases, steps
 * and time and, live, its requests by phase (a table with a bar each) and how each action's steps
 * went, an action sent and never ok highlighted with a warning; each finding says what it took to
 * find. Every value from a document is escaped and
 * shown as text, never as a link.
 */
export function renderHtml(documents: readonly RunDocument[], oracles: readonly Oracle[]): string {
  const findings = documents.flatMap((d) => d.findings);
  const inconclusive = documents.filter((d) => d.status === 'inconclusive');
  const verdict = `${count(findings.length, 'finding')} in ${count(documents.length, 'run')}${
    inconclusive.length > 0 ? `, ${inconclusive.length} inconclusive` : ''
  }`;
  const title = `bookfuzz report — ${count(findings.length, 'finding')}${inconclusive.length > 0 ? ', INCONCLUSIVE' : ''}`;
  const verdictClass = findings.length > 0 || inconclusive.length > 0 ? 'bad' : 'good';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${e(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    `<header><h1>bookfuzz report</h1><p class="verdict ${verdictClass}">${e(verdict)}</p>${inconclusive.map(banner).join('')}</header>`,
    runsTable(documents),
    statsSection(documents),
    oraclesTable(documents, oracles),
    '<section><h2>Findings</h2>',
    findings.length === 0 ? '<p>No findings.</p>' : findings.map((f) => findingArticle(f, oracles)).join('\n'),
    '</section>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function runsTable(documents: readonly RunDocument[]): string {
  const rows = documents.map((d) =>
    row([
      d.model,
      d.variant,
      d.mode,
      d.flaws.join(', ') || '(none)',
      d.oracles.join(', '),
      String(d.stats.cases),
      String(d.stats.steps),
      String(d.seed),
      `${(d.stats.durationMs / 1000).toFixed(1)} s`,
      d.status,
      String(d.findings.length),
    ], d.findings.length > 0 || d.status === 'inconclusive' ? 'diff' : undefined),
  );
  const head = header(['model', 'variant', 'mode', 'flaws', 'oracles', 'cases', 'steps', 'seed', 'time', 'status', 'findings']);
  const details = documents.map((d) => runDetails(d, documents.length > 1)).join('');
  return `<section><h2>Runs</h2><table>${head}${rows.join('')}</table>${details}</section>`;
}

/** The banner of an inconclusive run: it could not test what it was asked, and why. */
function banner(document: RunDocument): string {
  const reason = inconclusiveReason(document) ?? '';
  return `<p class="banner" role="alert"><strong>INCONCLUSIVE</strong> ${e(`${document.model} (${document.variant}): ${reason}`)}</p>`;
}

/** A run's notes and how its set-up, log-in, extractor and cleanup requests went; '' when it has neither. */
function runDetails(document: RunDocument, named: boolean): string {
  const notes = document.notes ?? [];
  const outcomes = document.outcomes ?? [];
  if (notes.length === 0 && outcomes.length === 0) return '';
  const parts = [named ? `<h3>${e(`${document.model} (${document.variant})${document.shard ? ` shard ${document.shard}` : ''}`)}</h3>` : ''];
  if (notes.length > 0) parts.push(`<h4>Notes</h4><ul class="notes">${notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>`);
  if (outcomes.length > 0) {
    const rows = outcomes.map((o) =>
      row(
        [phaseLabel[o.phase], o.what, String(o.sent), String(o.ok), String(o.refused), String(o.failed), o.last ?? '', o.where ?? ''],
        hasProblem(o) ? 'diff' : undefined,
      ),
    );
    const head = header(['phase', 'what', 'sent', 'ok', 'refused', 'failed', 'last problem', 'where']);
    parts.push(`<h4>Requests (set-up, log-in, extractors, cleanup)</h4><table class="outcomes">${head}${rows.join('')}</table>`);
  }
  return parts.join('');
}

/** Each run's statistics: cases, steps and time; live, requests by phase and per-action outcomes. */
function statsSection(documents: readonly RunDocument[]): string {
  if (documents.length === 0) return '';
  const named = documents.length > 1;
  return `<section class="stats"><h2>Run statistics</h2>${documents.map((d) => runStats(d, named)).join('')}</section>`;
}

function runStats(document: RunDocument, named: boolean): string {
  const { cases, steps, durationMs, requests, actions = [] } = document.stats;
  const parts = [named ? `<h3>${e(`${document.model} (${document.variant})${document.shard ? ` shard ${document.shard}` : ''}`)}</h3>` : ''];
  const sent = requests ? `, ${count(requests.total, 'request')}` : document.mode === 'model' ? ', no requests (model mode)' : '';
  parts.push(`<p>${e(`${count(cases, 'case')}, ${count(steps, 'step')}${sent} in ${formatDuration(durationMs)}`)}</p>`);
  if (requests) {
    const rows = requestParts(requests).map((part) => {
      const share = requests.total > 0 ? (100 * part.count) / requests.total : 0;
      const bar = `<span class="bar" style="width:${share.toFixed(1)}%"></span>`;
      return `<tr><td>${e(part.label)}</td><td class="n">${e(formatCount(part.count))}</td><td class="n">${e(`${share.toFixed(0)} %`)}</td><td class="bar">${bar}</td></tr>`;
    });
    const total = `<tr class="total"><td>all</td><td class="n">${e(formatCount(requests.total))}</td><td class="n">100 %</td><td></td></tr>`;
    parts.push(`<h4>Requests by phase</h4><table class="phases">${header(['phase', 'requests', 'share', ''])}${rows.join('')}${total}</table>`);
  }
  if (actions.length > 0) {
    const never = actions.filter(neverOk);
    if (never.length > 0) parts.push(`<ul class="warnings">${never.map((a) => `<li><strong>WARNING</strong> ${e(neverOkWarning(a))}</li>`).join('')}</ul>`);
    const rows = actions.map((a) => row([a.action, formatCount(a.sent), formatCount(a.ok), formatCount(a.refused), formatCount(a.failed)], neverOk(a) ? 'never' : undefined));
    parts.push(`<h4>Steps by action</h4><table class="actions">${header(['action', 'sent', 'ok', 'refused', 'failed'])}${rows.join('')}</table>`);
  }
  return parts.join('');
}

function oraclesTable(documents: readonly RunDocument[], oracles: readonly Oracle[]): string {
  const ids = [...new Set(documents.flatMap((d) => [...d.oracles, ...d.findings.map((f) => f.oracle)]))];
  const rows = ids.map((id) => {
    const oracle = oracles.find((o) => o.id === id);
    const found = documents.reduce((n, d) => n + d.findings.filter((f) => f.oracle === id).length, 0);
    const ran = documents.filter((d) => d.oracles.includes(id)).map((d) => `${d.model} (${d.variant})`);
    return row([id, oracle?.title ?? '', oracle?.severity ?? '', ran.join(', '), String(found)], found > 0 ? 'diff' : undefined);
  });
  return `<section><h2>Oracles</h2><table>${header(['oracle', 'checks that', 'severity', 'ran on', 'findings'])}${rows.join('')}</table></section>`;
}

function findingArticle(finding: Finding, oracles: readonly Oracle[]): string {
  const oracle = oracles.find((o) => o.id === finding.oracle);
  const at = finding.firstDifference.step;
  const a = finding.observations.a[at - 1] ?? {};
  const b = finding.observations.b[at - 1] ?? {};
  const facts: [string, string][] = [
    ['oracle', oracle ? `${finding.oracle} — ${oracle.title}` : finding.oracle],
    ['severity', finding.severity],
    ['model', `${finding.model} (${finding.variant})`],
  ];
  if (finding.flaw !== undefined) facts.push(['flaw', finding.flaw]);
  facts.push(
    ['secret', `${finding.secret.name} ${showJson(finding.secret.variation)}`],
    ['seed', String(finding.seed)],
    ['path', finding.path],
    ['finding id', finding.id],
  );
  // What the oracle measured (a timing test's effect and interval, a canary's owner), one line per item.
  for (const [name, value] of Object.entries(finding.evidence ?? {})) facts.push([name, typeof value === 'string' ? value : showJson(value)]);
  const parts = [
    `<article id="finding-${e(finding.id)}">`,
    `<h3><span class="sev sev-${e(finding.severity)}">${e(finding.severity)}</span> ${e(finding.oracle)} <small>${e(
      `${finding.model} (${finding.variant}) · ${finding.id}`,
    )}</small></h3>`,
    `<p class="message">${e(finding.message)}</p>`,
    ...(finding.found ? [`<p class="found">${e(foundAfter(finding.found))}</p>`] : []),
    `<dl>${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`,
    `<p class="replay">replay: <code>${e(findingReplay(finding))}</code></p>`,
    '<h4>Minimal steps</h4>',
    stepsTable(finding),
    `<h4>Twin worlds differ only in secret “${e(finding.secret.name)}”</h4>`,
    worldsTable(finding),
    `<h4>Observations at step ${at}, first difference in <code>${e(finding.firstDifference.field)}</code></h4>`,
    sideBySide(a, b),
    exchanges(a, b),
  ];
  if (finding.observations.a.length > 1 || finding.observations.b.length > 1) {
    parts.push('<details><summary>Observations at every step</summary>');
    const n = Math.max(finding.observations.a.length, finding.observations.b.length);
    for (let i = 0; i < n; i++) {
      const step = finding.steps[i];
      const oa = finding.observations.a[i] ?? {};
      const ob = finding.observations.b[i] ?? {};
      parts.push(`<h5>Step ${i + 1}${step ? `: ${e(step.actor)} ${e(step.action)}` : ''}</h5>`, sideBySide(oa, ob), exchanges(oa, ob));
    }
    parts.push('</details>');
  }
  parts.push('</article>');
  return parts.join('\n');
}

function stepsTable(finding: Finding): string {
  const rows = finding.steps.map((step, i) => {
    const typed = step.typed ? Object.entries(step.typed).map(([k, v]) => `${k}=${v}`).join(' ') : '';
    const input = Object.keys(step.input).length > 0 ? JSON.stringify(step.input) : '';
    const marked = i + 1 === finding.firstDifference.step;
    return row([`${marked ? '→ ' : ''}${i + 1}`, step.actor, step.action, input, typed], marked ? 'diff' : undefined);
  });
  return `<table>${header(['#', 'actor', 'action', 'input', 'typed'])}${rows.join('')}</table>`;
}

function worldsTable(finding: Finding): string {
  if (finding.worlds.differences.length === 0) return '<p>The twin worlds are equal.</p>';
  const rows = finding.worlds.differences.map((d) => row([d.path, showJson(d.a), showJson(d.b)], 'diff'));
  return `<table class="pair">${header(['field', 'world A', 'world B'])}${rows.join('')}</table>`;
}

/** Two observations field by field; differing rows are marked `≠` and highlighted. HTTP exchanges are shown apart. */
function sideBySide(a: JsonObject, b: JsonObject): string {
  const left = flattenObservation(withoutExchanges(a));
  const right = flattenObservation(withoutExchanges(b));
  const keys = [...new Set([...left.keys(), ...right.keys()])];
  const rows = keys.map((key) => {
    const differs = left.get(key) !== right.get(key);
    return row([`${differs ? '≠ ' : ''}${key}`, left.get(key) ?? '(absent)', right.get(key) ?? '(absent)'], differs ? 'diff' : undefined);
  });
  return `<table class="pair">${header(['field', 'world A', 'world B'])}${rows.join('')}</table>`;
}

/** Live mode: the requests and responses behind an observation, when the observation carries them. */
function exchanges(a: JsonObject, b: JsonObject): string {
  const ea = a['exchanges'];
  const eb = b['exchanges'];
  if (!Array.isArray(ea) && !Array.isArray(eb)) return '';
  const cell = (value: Json | undefined) => (Array.isArray(value) ? `<pre>${e(JSON.stringify(value, null, 2))}</pre>` : '(none)');
  return (
    '<table class="pair exchanges"><tr><th>HTTP exchanges, world A</th><th>HTTP exchanges, world B</th></tr>' +
    `<tr><td>${cell(ea)}</td><td>${cell(eb)}</td></tr></table>`
  );
}

function withoutExchanges(observation: JsonObject): JsonObject {
  if (!('exchanges' in observation)) return observation;
  const { exchanges: _omitted, ...rest } = observation;
  return rest;
}

const header = (cells: readonly string[]): string => `<tr>${cells.map((c) => `<th>${e(c)}</th>`).join('')}</tr>`;
const row = (cells: readonly string[], className?: string): string =>
  `<tr${className ? ` class="${className}"` : ''}>${cells.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`;
const count = (n: number, noun: string): string => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

const css = [
  'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:78rem;padding:0 1rem;color:#1b1f24;background:#fff}',
  'h1{margin:0}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}h3 small{font-weight:normal;color:#57606a}',
  'table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere;white-space:pre-wrap}',
  'th{background:#f6f8fa}tr.diff td{background:#fff3b0;font-weight:600}table.pair td{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}',
  'table.pair th:first-child{width:28%}pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}',
  'article{border:1px solid #d0d7de;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem}dt{color:#57606a}dd{margin:0;overflow-wrap:anywhere}',
  '.message{font-size:15px;font-weight:600}.replay code{background:#f6f8fa;padding:.15rem .35rem;border-radius:4px}',
  '.sev{display:inline-block;border-radius:4px;padding:0 .4rem;color:#fff;font-size:12px;vertical-align:middle}',
  '.sev-high{background:#cf222e}.sev-medium{background:#bc4c00}.sev-low{background:#6e7781}',
  '.verdict.bad{color:#cf222e;font-weight:600}.verdict.good{color:#1a7f37;font-weight:600}',
  '.banner{border:2px solid #cf222e;background:#ffebe9;color:#82071e;border-radius:6px;padding:.5rem .75rem;font-size:15px;overflow-wrap:anywhere}',
  'tr.never td{background:#ffebe9;color:#82071e;font-weight:600}.warnings{color:#82071e}td.n{text-align:right}tr.total td{font-weight:600}',
  'table.phases{width:auto;min-width:32rem}td.bar{width:16rem}span.bar{display:block;height:.8rem;background:#0969da;border-radius:2px}',
  '.found{color:#57606a}',
  '@media print{details{display:block}}',
].join('\n');

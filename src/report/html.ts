import type { Finding } from '../engine/finding.js';
import type { RunDocument } from '../engine/run-document.js';
import type { Json, JsonObject } from '../model/json.js';
import type { Oracle } from '../oracles/oracle.js';
import { escapeMarkup as e } from './escape-markup.js';
import { findingReplay } from './finding-replay.js';
import { flattenObservation, showJson } from './flatten.js';
import { hasProblem, inconclusiveReason, phaseLabel } from './outcome-summary.js';
import { diffRegion } from './diff-region.js';
import { findingDiagram } from './finding-diagram.js';
import { lineDiff } from './line-diff.js';
import { markDifference } from './mark-difference.js';
import { observedPages, pagePreview } from './page-preview.js';
import { formatCount, formatDuration, foundAfter, neverOk, neverOkWarning, requestParts } from './run-stats.js';

/**
 * One self-contained HTML page: inline CSS, no script, nothing loaded from anywhere (a
 * Content-Security-Policy of `default-src 'none'` says so to the browser too). Every finding
 * first, each opening with its evidence: the region of the first-difference step's
 * observations that differs (each differing field with its differing part marked, three equal
 * fields of context around it, the other fields folded in `<details>`); in live mode the two
 * HTML answers as pages side by side (rebuilt from the observed skeleton, each in an iframe with
 * `sandbox=""` and `srcdoc`, so nothing in it runs or loads) and the two JSON bodies as a
 * highlighted line diff; then what it took to find, its facts, the replay command, the minimal
 * steps, drawn too as the twins' paths screen by screen (an inline SVG, the step where they
 * part highlighted with both screens side by side), and what the twin worlds differ in. Then the
 * runs table (cells as wide as their words), an inconclusive run's banner being at the top,
 * every run's notes and request outcomes, "Run statistics" (cases, steps, time; live, requests by phase and each action's steps, an action
 * sent and never ok highlighted with a warning) and the oracles. Every value from a document is
 * escaped and shown as text, never as a link.
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
    '<section><h2>Findings</h2>',
    findings.length === 0 ? '<p>No findings.</p>' : findings.map((f) => findingArticle(f, oracles)).join('\n'),
    '</section>',
    runsTable(documents),
    statsSection(documents),
    oraclesTable(documents, oracles),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function runsTable(documents: readonly RunDocument[]): string {
  // A list cell breaks between its items, never inside a name (`second-dose-unverified`).
  const list = (items: readonly string[]): string => items.map((item) => `<span class="item">${e(item)}</span>`).join(', ');
  const rows = documents.map((d) =>
    rowHtml([
      e(d.model),
      e(d.variant),
      e(d.mode),
      d.flaws.length > 0 ? list(d.flaws) : '(none)',
      list(d.oracles),
      String(d.stats.cases),
      String(d.stats.steps),
      String(d.seed),
      `${(d.stats.durationMs / 1000).toFixed(1)} s`,
      e(d.status),
      String(d.findings.length),
    ], d.findings.length > 0 || d.status === 'inconclusive' ? 'diff' : undefined),
  );
  const head = header(['model', 'variant', 'mode', 'flaws', 'oracles', 'cases', 'steps', 'seed', 'time', 'status', 'findings']);
  const details = documents.map((d) => runDetails(d, documents.length > 1)).join('');
  return `<section><h2>Runs</h2><table class="runs">${head}${rows.join('')}</table>${details}</section>`;
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
    `<h4>Observations at step ${at}, first difference in <code>${e(finding.firstDifference.field)}</code></h4>`,
    differingRegion(a, b, finding.firstDifference.field),
    pagesSideBySide(a, b),
    jsonDiffs(a, b),
    exchanges(a, b),
    ...(finding.found ? [`<p class="found">${e(foundAfter(finding.found))}</p>`] : []),
    `<dl>${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`,
    `<p class="replay">replay: <code>${e(findingReplay(finding))}</code></p>`,
    pathsSection(finding),
    '<h4>Minimal steps</h4>',
    stepsTable(finding),
    `<h4>Twin worlds differ only in secret “${e(finding.secret.name)}”</h4>`,
    worldsTable(finding),
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

/** The twins' paths drawn (an inline SVG), the step where they part highlighted; '' for a finding without steps. */
function pathsSection(finding: Finding): string {
  const drawing = findingDiagram(finding);
  return drawing === '' ? '' : `<h4>The twins' paths, screen by screen</h4>${drawing}`;
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

/**
 * The region of two observations that differs: every differing field (its differing part marked)
 * with a few equal fields of context around it, the equal fields between and around folded in
 * `<details>`. The row of `first` (the first difference) has the class `first`.
 */
function differingRegion(a: JsonObject, b: JsonObject, first: string): string {
  const left = flattenObservation(withoutExchanges(a));
  const right = flattenObservation(withoutExchanges(b));
  const keys = [...new Set([...left.keys(), ...right.keys()])];
  const differs = keys.map((key) => left.get(key) !== right.get(key));
  const line = (i: number): string => {
    const key = keys[i] ?? '';
    const l = left.get(key) ?? '(absent)';
    const r = right.get(key) ?? '(absent)';
    if (!differs[i]) return row([key, l, r]);
    const [ml, mr] = markDifference(l, r);
    return `<tr class="diff${key === first ? ' first' : ''}"><td>${e(`≠ ${key}`)}</td><td>${ml}</td><td>${mr}</td></tr>`;
  };
  const body = diffRegion(differs, CONTEXT_LINES).map((segment) => {
    if (segment.kind === 'shown') return segment.rows.map(line).join('');
    const from = keys[segment.rows[0] ?? 0] ?? '';
    const to = keys[segment.rows.at(-1) ?? 0] ?? '';
    const span = segment.rows.length === 1 ? from : `${from} … ${to}`;
    return (
      `<tr class="folded"><td colspan="3"><details><summary>${e(`${count(segment.rows.length, 'equal field')}: ${span}`)}</summary>` +
      `<table class="pair">${segment.rows.map(line).join('')}</table></details></td></tr>`
    );
  });
  return `<table class="pair region">${header(['field', 'world A', 'world B'])}${body.join('')}</table>`;
}

/** Equal fields shown around each difference before the rest is folded. */
const CONTEXT_LINES = 3;

/**
 * Live mode: each response that is an HTML page in both worlds and differs, as the two pages
 * side by side, each in an iframe that may do nothing (`sandbox=""`: no script, no form, no
 * navigation; its own Content-Security-Policy allows nothing but its style).
 */
function pagesSideBySide(a: JsonObject, b: JsonObject): string {
  const pa = observedPages(a);
  const pb = observedPages(b);
  const out: string[] = [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const left = pa[i];
    const right = pb[i];
    if (left === undefined || right === undefined || JSON.stringify(left) === JSON.stringify(right)) continue;
    const frame = (world: string, page: typeof left, other: typeof left): string =>
      `<figure><figcaption>${e(`world ${world}, response ${i + 1}: ${page.title}`)}</figcaption>` +
      `<iframe sandbox="" title="${e(`world ${world}, response ${i + 1}`)}" srcdoc="${e(pagePreview(page, other))}"></iframe></figure>`;
    out.push(`<div class="pages">${frame('A', left, right)}${frame('B', right, left)}</div>`);
  }
  if (out.length === 0) return '';
  return `<h4>The pages as a visitor reads them (rebuilt from the observed skeleton; differing text marked)</h4>${out.join('')}`;
}

/** Live mode: each response whose body is JSON in both worlds and differs, as a line diff of the two, pretty-printed. */
function jsonDiffs(a: JsonObject, b: JsonObject): string {
  const ja = jsonBodies(a);
  const jb = jsonBodies(b);
  const out: string[] = [];
  for (let i = 0; i < Math.max(ja.length, jb.length); i++) {
    const left = ja[i];
    const right = jb[i];
    if (left === undefined || right === undefined) continue;
    const textA = JSON.stringify(left, null, 2);
    const textB = JSON.stringify(right, null, 2);
    if (textA === textB) continue;
    const lines = lineDiff(textA.split('\n'), textB.split('\n')).map((d) =>
      d.kind === 'same' ? `<span>  ${e(d.text)}</span>` : `<span class="${d.kind === 'a' ? 'del' : 'ins'}">${d.kind === 'a' ? '- ' : '+ '}${e(d.text)}</span>`,
    );
    out.push(`<p class="legend">${e(`response ${i + 1}: - world A, + world B`)}</p><pre class="json-diff">${lines.join('')}</pre>`);
  }
  return out.length === 0 ? '' : `<h4>JSON bodies</h4>${out.join('')}`;
}

/** The JSON values of the responses of an observation, by response index (undefined where the body is not JSON). */
function jsonBodies(observation: JsonObject): (Json | undefined)[] {
  const responses = observation['responses'];
  if (!Array.isArray(responses)) return [];
  return responses.map((r) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) return undefined;
    const body = r['body'];
    if (body === null || typeof body !== 'object' || Array.isArray(body) || body['type'] !== 'json') return undefined;
    return body['value'];
  });
}

/** Live mode: the requests and responses behind an observation, when the observation carries them. */
function exchanges(a: JsonObject, b: JsonObject): string {
  const ea = a['exchanges'];
  const eb = b['exchanges'];
  if (!Array.isArray(ea) && !Array.isArray(eb)) return '';
  const cell = (value: Json | undefined) => (Array.isArray(value) ? `<pre>${e(JSON.stringify(value, null, 2))}</pre>` : '(none)');
  const n = (value: Json | undefined): number => (Array.isArray(value) ? value.length : 0);
  // Folded: the evidence is the observation above; the exchanges are for replaying it by hand.
  return (
    `<details class="exchanges"><summary>${e(`HTTP exchanges (world A ${n(ea)}, world B ${n(eb)})`)}</summary>` +
    '<table class="pair exchanges"><tr><th>HTTP exchanges, world A</th><th>HTTP exchanges, world B</th></tr>' +
    `<tr><td>${cell(ea)}</td><td>${cell(eb)}</td></tr></table></details>`
  );
}

function withoutExchanges(observation: JsonObject): JsonObject {
  if (!('exchanges' in observation)) return observation;
  const { exchanges: _omitted, ...rest } = observation;
  return rest;
}

const header = (cells: readonly string[]): string => `<tr>${cells.map((c) => `<th>${e(c)}</th>`).join('')}</tr>`;
/** A row of cells already in HTML (escaped by the caller). */
const rowHtml = (cells: readonly string[], className?: string): string =>
  `<tr${className ? ` class="${className}"` : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
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
  'table.runs{width:auto}table.runs th,table.runs td{overflow-wrap:normal;white-space:nowrap}table.runs td:nth-child(4),table.runs td:nth-child(5){white-space:normal;min-width:10rem}table.runs .item{white-space:nowrap}',
  'mark{background:#ffd33d;color:inherit;border-radius:2px}tr.folded td{background:#f6f8fa;font-family:inherit;font-weight:normal}tr.folded summary{cursor:pointer;color:#57606a}',
  'tr.first td{outline:2px solid #bf8700}table.region{table-layout:fixed}',
  '.pages{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.pages figure{margin:0}.pages figcaption{color:#57606a;font-size:13px;overflow-wrap:anywhere}',
  '.pages iframe{width:100%;height:22rem;border:1px solid #d0d7de;border-radius:4px;background:#fff}',
  'pre.json-diff{background:#f6f8fa;padding:.5rem;border-radius:4px;font-size:13px}pre.json-diff span{display:block}.del{background:#ffebe9;color:#82071e}.ins{background:#dafbe1;color:#116329}.legend{margin:.25rem 0;color:#57606a}',
  'figure.paths{margin:.5rem 0;overflow-x:auto}figure.paths svg{max-width:100%;height:auto;display:block}figure.paths figcaption{color:#57606a;font-size:13px;margin-top:.25rem}',
  '@media print{details{display:block}}',
].join('\n');

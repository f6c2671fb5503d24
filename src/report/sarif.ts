import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Invocation, Location, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from '../engine/finding.js';
import type { RunDocument } from '../engine/run-document.js';
import type { Oracle, Severity } from '../oracles/oracle.js';
import { findingReplay } from './finding-replay.js';
import { findingSummary } from './finding-summary.js';
import { inconclusiveReason } from './outcome-summary.js';
import { neverOkActions, neverOkWarning } from './run-stats.js';

export interface SarifOptions {
  /** Model files inside this folder are given relative to `%SRCROOT%` (the checkout in CI). */
  cwd: string;
  toolVersion: string;
}

const level: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note' };
/** GitHub code scanning ranks security results by this (CVSS-like, as a string). */
const securitySeverity: Record<Severity, string> = { high: '8.0', medium: '5.0', low: '3.0' };

/**
 * SARIF 2.1.0 for code-scanning tools: one run whose driver `bookfuzz` has one rule per oracle
 * that ran (in any document) and one result per finding, located at the model's file and
 * fingerprinted by the finding id (stable across runs, so a platform tracks it as one alert).
 * The run's `properties.bookfuzz` carries each document's status, its reason, outcomes and
 * statistics (`stats`: cases, steps, duration and, live, `requests` by phase and per-action
 * `actions`); each result's properties carry what it took to find (`found`). An inconclusive or
 * interrupted document makes the invocation unsuccessful, and an inconclusive one adds a tool
 * execution notification (level `error`) with its reason; an action sent and never ok adds one of
 * level `warning`.
 */
export function renderSarif(documents: readonly RunDocument[], oracles: readonly Oracle[], options: SarifOptions): string {
  const ruleIds = [...new Set(documents.flatMap((d) => [...d.oracles, ...d.findings.map((f) => f.oracle)]))];
  const rules = ruleIds.map((id) => rule(id, oracles.find((o) => o.id === id)));
  const results = documents.flatMap((document) =>
    document.findings.map((finding) => result(finding, document, ruleIds.indexOf(finding.oracle), options.cwd)),
  );
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'bookfuzz', version: options.toolVersion, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: directoryUri(options.cwd) } },
        invocations: [invocation(documents)],
        results,
        properties: {
          bookfuzz: documents.map((d) => ({
            mode: d.mode,
            model: d.model,
            variant: d.variant,
            flaws: d.flaws,
            oracles: d.oracles,
            runs: d.runs,
            seed: d.seed,
            status: d.status,
            ...(d.reason !== undefined ? { reason: d.reason } : {}),
            stats: d.stats,
            ...(d.notes !== undefined ? { notes: d.notes } : {}),
            ...(d.outcomes !== undefined ? { outcomes: d.outcomes } : {}),
          })),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** Whether the tool did what it was asked, and if not, why (an inconclusive run's reason as an error notification). */
function invocation(documents: readonly RunDocument[]): Invocation {
  const notifications: Notification[] = documents.flatMap((d) => {
    const reason = inconclusiveReason(d);
    const properties = { model: d.model, variant: d.variant, seed: d.seed, ...(d.target !== undefined ? { target: d.target } : {}) };
    const out: Notification[] = [];
    if (reason !== undefined) {
      out.push({ level: 'error', message: { text: `INCONCLUSIVE: ${d.model} (${d.variant}): ${reason}` }, descriptor: { id: 'inconclusive' }, properties });
    }
    for (const action of neverOkActions(d.stats.actions)) {
      out.push({
        level: 'warning',
        message: { text: `${d.model} (${d.variant}): ${neverOkWarning(action)}` },
        descriptor: { id: 'action-never-ok' },
        properties: { ...properties, action: action.action },
      });
    }
    return out;
  });
  const out: Invocation = { executionSuccessful: documents.every((d) => d.status !== 'interrupted' && d.status !== 'inconclusive') };
  if (notifications.length > 0) out.toolExecutionNotifications = notifications;
  return out;
}

function rule(id: string, oracle: Oracle | undefined): ReportingDescriptor {
  if (!oracle) return { id, shortDescription: { text: id } };
  return {
    id,
    name: camel(id),
    shortDescription: { text: oracle.title },
    fullDescription: { text: firstSentence(oracle.help) },
    help: { text: oracle.help },
    defaultConfiguration: { level: level[oracle.severity] },
    properties: { tags: ['security'], 'security-severity': securitySeverity[oracle.severity], scope: oracle.scope },
  };
}

function result(finding: Finding, document: RunDocument, ruleIndex: number, cwd: string): Result {
  const out: Result = {
    ruleId: finding.oracle,
    level: level[finding.severity],
    message: { text: findingSummary(finding) },
    locations: [location(document, cwd)],
    partialFingerprints: { 'bookfuzzFinding/v1': finding.id },
    properties: {
      findingId: finding.id,
      model: finding.model,
      variant: finding.variant,
      flaws: finding.flaws,
      ...(finding.flaw !== undefined ? { flaw: finding.flaw } : {}),
      secret: finding.secret.name,
      seed: finding.seed,
      path: finding.path,
      firstDifference: { step: finding.firstDifference.step, field: finding.firstDifference.field },
      ...(finding.evidence !== undefined ? { evidence: finding.evidence } : {}),
      ...(finding.found !== undefined ? { found: finding.found } : {}),
      replay: findingReplay(finding),
      'security-severity': securitySeverity[finding.severity],
    },
  };
  if (ruleIndex >= 0) out.ruleIndex = ruleIndex;
  return out;
}

/** The model file: relative to `%SRCROOT%` when inside `cwd`, an absolute `file:` URI otherwise; the model's name as a logical location. */
function location(document: RunDocument, cwd: string): Location {
  const logicalLocations = [{ name: document.model, kind: 'module' }];
  if (document.modelFile === undefined) return { logicalLocations };
  const file = resolve(cwd, document.modelFile);
  const local = relative(resolve(cwd), file);
  const inside = local !== '' && !local.startsWith('..') && !isAbsolute(local);
  const artifactLocation = inside
    ? { uri: local.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' }
    : { uri: pathToFileURL(file).href };
  return { physicalLocation: { artifactLocation, region: { startLine: 1 } }, logicalLocations };
}

/** SARIF wants base URIs that end in a slash. */
function directoryUri(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** What the oracle checks: the first sentence of its help (the rest says how to fix it). */
function firstSentence(text: string): string {
  return text.split(/(?<=[.!?])\s+(?=[A-Z])/)[0] ?? text;
}

const camel = (id: string): string => id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Log } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { oracles } from '../oracles/index.js';
import { renderSarif } from './sarif.js';
import { findingReplay } from './finding-replay.js';
import {
  hostileDocument,
  hostileName,
  inconclusiveDocument,
  liveActions,
  liveRequests,
  liveStatsDocument,
  setupFailureReason,
  testDocuments,
  type TestDocuments,
} from './test-documents.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The published OASIS schema, kept beside the repo on this team's machines (TOOLCHAIN.md). */
const schemaPath = fileURLToPath(new URL('../../../shared/schemas/sarif-schema-2.1.0.json', import.meta.url));
const haveSchema = existsSync(schemaPath);
const skipNote = haveSchema ? '' : ` (SKIPPED: no SARIF 2.1.0 schema at ${schemaPath})`;
if (!haveSchema) console.warn(`sarif.test.ts: schema validation skipped: ${schemaPath} is absent`);

const options = { cwd: repoRoot, toolVersion: '0.1.0' };
const render = (documents: Parameters<typeof renderSarif>[0], cwd = repoRoot): Log =>
  JSON.parse(renderSarif(documents, oracles, { ...options, cwd })) as Log;

let docs: TestDocuments;
beforeAll(async () => {
  docs = await testDocuments();
}, 120_000);

describe('renderSarif', () => {
  it.skipIf(!haveSchema)(`validates against the SARIF 2.1.0 JSON schema${skipNote}`, () => {
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
    const hostileInconclusive = inconclusiveDocument(hostileDocument(docs.vulnerable));
    hostileInconclusive.reason = hostileName;
    const cases = [
      [docs.vulnerable],
      [docs.fixed],
      [docs.vulnerable, docs.fixed],
      [hostileDocument(docs.vulnerable)],
      [],
      [inconclusiveDocument(docs.fixed)],
      [inconclusiveDocument(docs.vulnerable), docs.fixed],
      [hostileInconclusive],
      [liveStatsDocument(docs.vulnerable), inconclusiveDocument(liveStatsDocument(docs.fixed))],
    ];
    for (const documents of cases) {
      for (const cwd of [repoRoot, '/nowhere/else']) {
        const valid = validate(render(documents, cwd));
        expect(valid ? '' : ajv.errorsText(validate.errors)).toBe('');
      }
    }
    const broken = render([docs.vulnerable]) as unknown as { runs: { results: { level: string }[] }[] };
    const first = broken.runs[0]?.results[0];
    if (first) first.level = 'fatal';
    expect(validate(broken)).toBe(false);
  });

  it('has one rule per oracle that ran and one result per finding, with ruleId = oracle id', () => {
    const log = render([docs.vulnerable]);
    const run = log.runs[0];
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run?.tool.driver.name).toBe('bookfuzz');
    expect(run?.tool.driver.version).toBe('0.1.0');
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(docs.vulnerable.oracles);
    for (const rule of rules) {
      const oracle = oracles.find((o) => o.id === rule.id);
      expect(rule.shortDescription?.text).toBe(oracle?.title);
      expect(rule.help?.text).toBe(oracle?.help);
      expect(rule.fullDescription?.text.length).toBeGreaterThan(10);
      expect(rule.defaultConfiguration?.level).toBe({ high: 'error', medium: 'warning', low: 'note' }[oracle?.severity ?? 'low']);
    }
    const results = run?.results ?? [];
    expect(results).toHaveLength(docs.vulnerable.findings.length);
    docs.vulnerable.findings.forEach((finding, i) => {
      const result = results[i];
      expect(result?.ruleId).toBe(finding.oracle);
      expect(rules[result?.ruleIndex ?? -1]?.id).toBe(finding.oracle);
      expect(result?.level).toBe(finding.severity === 'high' ? 'error' : finding.severity === 'medium' ? 'warning' : 'note');
      expect(result?.message.text).toContain(finding.message);
      for (const step of finding.steps) expect(result?.message.text).toContain(`${step.actor} ${step.action}`);
      expect(result?.partialFingerprints).toEqual({ 'bookfuzzFinding/v1': finding.id });
      expect(result?.properties).toMatchObject({
        model: finding.model,
        variant: finding.variant,
        seed: finding.seed,
        path: finding.path,
        replay: findingReplay(finding),
      });
      if (finding.flaw) expect(result?.properties?.['flaw']).toBe(finding.flaw);
      const artifact = result?.locations?.[0]?.physicalLocation?.artifactLocation;
      expect(artifact).toEqual({ uri: 'models/nhs-covid-booking/index.ts', uriBaseId: '%SRCROOT%' });
    });
    expect(run?.originalUriBaseIds?.['%SRCROOT%']?.uri).toMatch(/^file:\/\/.*\/$/);
  });

  it('points at the model file by absolute file URI when it is outside cwd', () => {
    const artifact = render([docs.vulnerable], '/nowhere/else').runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation;
    expect(artifact?.uri).toMatch(/^file:\/\/\/.*\/models\/nhs-covid-booking\/index\.ts$/);
    expect(artifact?.uriBaseId).toBeUndefined();
  });

  it('gives no results for a clean run, but still describes the oracles that ran', () => {
    const run = render([docs.fixed]).runs[0];
    expect(run?.results).toEqual([]);
    expect(run?.tool.driver.rules?.map((r) => r.id)).toEqual(docs.fixed.oracles);
  });

  it('marks an inconclusive run: unsuccessful execution, an error notification with the reason, status, reason and outcomes in properties', () => {
    const document = inconclusiveDocument(docs.fixed);
    const run = render([docs.vulnerable, document]).runs[0];
    const invocation = run?.invocations?.[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications).toHaveLength(1);
    const notification = invocation?.toolExecutionNotifications?.[0];
    expect(notification?.level).toBe('error');
    expect(notification?.message.text).toBe(`INCONCLUSIVE: nhs-covid-booking (fixed): ${setupFailureReason}`);
    expect(notification?.properties).toMatchObject({ model: 'nhs-covid-booking', variant: 'fixed', seed: document.seed, target: document.target });
    const runs = run?.properties?.['bookfuzz'] as Record<string, unknown>[];
    expect(runs[0]?.['status']).toBe(docs.vulnerable.status);
    expect(runs[0]).not.toHaveProperty('reason');
    expect(runs[0]).not.toHaveProperty('outcomes');
    expect(runs[1]).toMatchObject({ status: 'inconclusive', reason: setupFailureReason, outcomes: document.outcomes, notes: document.notes });
    // The findings of the other document are still results.
    expect(run?.results).toHaveLength(docs.vulnerable.findings.length);
  });

  it('carries a live run\'s requests and action statistics in the run properties, what each result took to find, and a warning per action never ok', () => {
    const document = liveStatsDocument(docs.vulnerable);
    const run = render([document, docs.fixed]).runs[0];
    const runs = run?.properties?.['bookfuzz'] as { stats: Record<string, unknown> }[];
    expect(runs[0]?.stats).toMatchObject({ requests: liveRequests, actions: liveActions });
    expect(runs[1]?.stats).not.toHaveProperty('requests');
    expect(runs[1]?.stats).not.toHaveProperty('actions');
    document.findings.forEach((finding, i) => {
      expect(run?.results?.[i]?.properties?.['found']).toEqual(finding.found);
      expect(run?.results?.[i]?.message.text).toContain('found after ');
    });
    expect(run?.results?.[0]?.message.text).toContain('found after 12.4 s, 820 requests, 35 cases');
    const invocation = run?.invocations?.[0];
    // A warning is no failure of the tool: the run still executed successfully.
    expect(invocation?.executionSuccessful).toBe(true);
    expect(invocation?.toolExecutionNotifications?.map((n) => [n.level, n.descriptor?.id, n.properties?.['action'], n.message.text])).toEqual([
      ['warning', 'action-never-ok', 'book', 'nhs-covid-booking (vulnerable): book: 46 sent, 0 ok: check its inputs or okIf'],
      ['warning', 'action-never-ok', 'cancel', expect.stringContaining('cancel: 12 sent, 0 ok, 12 failed')],
    ]);
  });

  it('says a finished run executed successfully, with no notifications', () => {
    const invocation = render([docs.vulnerable, docs.fixed]).runs[0]?.invocations?.[0];
    expect(invocation?.executionSuccessful).toBe(true);
    expect(invocation?.toolExecutionNotifications).toBeUndefined();
  });

  it('is pure: the same documents give the same text', () => {
    expect(renderSarif([docs.vulnerable], oracles, options)).toBe(renderSarif([docs.vulnerable], oracles, options));
  });
});

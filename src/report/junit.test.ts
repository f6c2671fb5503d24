import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunDocument } from '../engine/run-document.js';
import { oracles } from '../oracles/index.js';
import { findingReplay } from './finding-replay.js';
import { renderJunit } from './junit.js';
import {
  forbiddenCharacters,
  hostileDocument,
  hostileName,
  inconclusiveDocument,
  liveActions,
  liveStatsDocument,
  setupFailureReason,
  testDocuments,
  type TestDocuments,
} from './test-documents.js';

interface Failure {
  '@_message': string;
  '@_type': string;
  '#text': string;
}
interface Testcase {
  '@_classname': string;
  '@_name': string;
  failure?: Failure[];
  error?: Failure[];
}
interface Testsuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_time': string;
  properties: { property: { '@_name': string; '@_value': string }[] };
  testcase: Testcase[];
  'system-out'?: string;
}
interface Parsed {
  testsuites: { '@_tests': string; '@_failures': string; '@_errors': string; testsuite: Testsuite[] };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'property'].includes(name),
});

function parse(xml: string): Parsed {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as Parsed;
}

let docs: TestDocuments;
beforeAll(async () => {
  docs = await testDocuments();
}, 120_000);

const oraclesWithFindings = (d: RunDocument) => new Set(d.findings.map((f) => f.oracle)).size;

describe('renderJunit', () => {
  it('has one suite per document, one test case per oracle that ran and a failure per finding', () => {
    const { testsuites } = parse(renderJunit([docs.vulnerable, docs.fixed], oracles));
    const tests = docs.vulnerable.oracles.length + docs.fixed.oracles.length;
    expect(testsuites['@_tests']).toBe(String(tests));
    expect(testsuites['@_failures']).toBe(String(oraclesWithFindings(docs.vulnerable)));
    expect(testsuites.testsuite.map((s) => s['@_name'])).toEqual(['bookfuzz.nhs-covid-booking.vulnerable', 'bookfuzz.nhs-covid-booking.fixed']);

    const [vulnerable, fixed] = testsuites.testsuite;
    expect(vulnerable?.['@_tests']).toBe(String(docs.vulnerable.oracles.length));
    expect(vulnerable?.['@_failures']).toBe(String(oraclesWithFindings(docs.vulnerable)));
    expect(Number(vulnerable?.['@_time'])).toBeCloseTo(docs.vulnerable.stats.durationMs / 1000, 2);
    expect(vulnerable?.testcase.map((c) => c['@_name'])).toEqual(docs.vulnerable.oracles);
    for (const testcase of vulnerable?.testcase ?? []) {
      expect(testcase['@_classname']).toBe('bookfuzz.nhs-covid-booking');
      const findings = docs.vulnerable.findings.filter((f) => f.oracle === testcase['@_name']);
      expect(testcase.failure ?? []).toHaveLength(findings.length);
      findings.forEach((finding, i) => {
        const failure = testcase.failure?.[i];
        expect(failure?.['@_message']).toContain(finding.message);
        expect(failure?.['@_message']).toContain(findingReplay(finding));
        expect(failure?.['#text']).toContain(`replay: ${findingReplay(finding)}`);
        expect(failure?.['#text']).toContain(`first difference at step ${finding.firstDifference.step}`);
        for (const step of finding.steps) expect(failure?.['#text']).toContain(`${step.actor} ${step.action}`);
      });
    }
    expect(fixed?.['@_failures']).toBe('0');
    expect(fixed?.testcase.every((c) => c.failure === undefined)).toBe(true);
  });

  it('uses the replay command the CLI filled in, when there is one', () => {
    const saved = structuredClone(docs.vulnerable);
    for (const f of saved.findings) f.replay = `bookfuzz replay /tmp/corpus/${f.model}/${f.oracle}-${f.id}.json`;
    const messages = parse(renderJunit([saved], oracles)).testsuites.testsuite[0]?.testcase.flatMap((c) => c.failure ?? []) ?? [];
    expect(messages).toHaveLength(saved.findings.length);
    for (const [i, f] of saved.findings.entries()) expect(messages[i]?.['@_message']).toContain(f.replay);
  });

  it('reports a clean run as passing tests', () => {
    const { testsuites } = parse(renderJunit([docs.fixed], oracles));
    expect(testsuites['@_tests']).toBe(String(docs.fixed.oracles.length));
    expect(testsuites['@_failures']).toBe('0');
  });

  it('makes every oracle of an inconclusive run an error with the reason, neither a failure nor a pass', () => {
    const document = inconclusiveDocument(docs.fixed);
    const { testsuites } = parse(renderJunit([document, docs.fixed], oracles));
    expect(testsuites['@_errors']).toBe(String(document.oracles.length));
    expect(testsuites['@_failures']).toBe('0');
    const [suite, clean] = testsuites.testsuite;
    expect(suite?.['@_errors']).toBe(String(document.oracles.length));
    expect(suite?.['@_failures']).toBe('0');
    expect(suite?.['@_tests']).toBe(String(document.oracles.length));
    for (const testcase of suite?.testcase ?? []) {
      expect(testcase.failure).toBeUndefined();
      expect(testcase.error).toHaveLength(1);
      expect(testcase.error?.[0]?.['@_type']).toBe('inconclusive');
      expect(testcase.error?.[0]?.['@_message']).toBe(`inconclusive: ${setupFailureReason}`);
      expect(testcase.error?.[0]?.['#text']).toContain(setupFailureReason);
    }
    expect(clean?.['@_errors']).toBe('0');
    expect(clean?.testcase.every((c) => c.error === undefined && c.failure === undefined)).toBe(true);
  });

  it('keeps findings of an inconclusive run as failures; the oracles without one are errors', () => {
    const document = inconclusiveDocument(docs.vulnerable);
    const suite = parse(renderJunit([document], oracles)).testsuites.testsuite[0];
    const found = oraclesWithFindings(document);
    expect(suite?.['@_failures']).toBe(String(found));
    expect(suite?.['@_errors']).toBe(String(document.oracles.length - found));
    for (const testcase of suite?.testcase ?? []) {
      const hasFindings = document.findings.some((f) => f.oracle === testcase['@_name']);
      expect(testcase.failure !== undefined).toBe(hasFindings);
      expect(testcase.error !== undefined).toBe(!hasFindings);
    }
  });

  it('carries the status, reason and every request outcome as suite properties, and says them in system-out', () => {
    const document = inconclusiveDocument(docs.fixed);
    const suite = parse(renderJunit([document], oracles)).testsuites.testsuite[0];
    const properties = new Map(suite?.properties.property.map((p) => [p['@_name'], p['@_value']]));
    expect(properties.get('status')).toBe('inconclusive');
    expect(properties.get('reason')).toBe(setupFailureReason);
    expect(properties.get('outcome.setup.set-up of each patient: POST /signup')).toBe(
      'sent 40, ok 2, refused 38, failed 0; last: answered 409 at /signup; at site.flow.yaml:15:9 setup.flows.forEachPatient[0]',
    );
    expect(properties.get('outcome.login.log-in of patient')).toBe('sent 4, ok 4, refused 0, failed 0; at site.flow.yaml:30:5 login.patient');
    expect([...properties.keys()].filter((k) => k.startsWith('outcome.'))).toHaveLength(document.outcomes?.length ?? -1);
    const out = suite?.['system-out'] ?? '';
    expect(out).toContain(`INCONCLUSIVE: ${setupFailureReason}`);
    expect(out).toContain('log-in: 4 requests, all ok');
    expect(out).toContain('cleanup: cleanup of each patient: DELETE /patients/{id}: sent 2, ok 1, refused 0, failed 1; last: timed out after 10000 ms');
    // A clean run with no outcomes says nothing more than before.
    expect(parse(renderJunit([docs.fixed], oracles)).testsuites.testsuite[0]?.['system-out']).toBeUndefined();
  });

  it('carries a live run\'s requests and each action\'s counts as suite properties, its warnings in system-out, and what each failure took to find', () => {
    const document = liveStatsDocument(docs.vulnerable);
    const suite = parse(renderJunit([document], oracles)).testsuites.testsuite[0];
    const properties = new Map(suite?.properties.property.map((p) => [p['@_name'], p['@_value']]));
    expect(properties.get('requests.total')).toBe('1284');
    expect([...properties].filter(([k]) => k.startsWith('requests.') && k !== 'requests.total')).toEqual([
      ['requests.calibration', '96'],
      ['requests.search', '640'],
      ['requests.confirmation', '210'],
      ['requests.shrinking', '180'],
      ['requests.setup', '150'],
      ['requests.cleanup', '8'],
    ]);
    for (const a of liveActions) {
      expect([properties.get(`action.${a.action}.sent`), properties.get(`action.${a.action}.ok`), properties.get(`action.${a.action}.refused`), properties.get(`action.${a.action}.failed`)]).toEqual(
        [a.sent, a.ok, a.refused, a.failed].map(String),
      );
    }
    const out = suite?.['system-out'] ?? '';
    expect(out).toContain('requests: 1,284 (calibration 96, search 640, confirmation 210, shrinking 180, set-up 150, cleanup 8)');
    expect(out).toContain('WARNING: book: 46 sent, 0 ok: check its inputs or okIf');
    expect(out).toContain('WARNING: cancel: 12 sent, 0 ok, 12 failed');
    expect(out).not.toContain('WARNING: view-record');
    const failures = suite?.testcase.flatMap((c) => c.failure ?? []) ?? [];
    expect(failures).toHaveLength(document.findings.length);
    for (const failure of failures) expect(failure['#text']).toMatch(/\nfound after [\d.]+ s, [\d,]+ requests, \d+ cases(\n| \(not shrunk yet\)\n)/);
    const first = document.findings[0];
    const firstFailure = failures.find((f) => first !== undefined && f['#text'].includes(`finding ${first.id}`));
    expect(firstFailure?.['#text']).toContain('\nfound after 12.4 s, 820 requests, 35 cases\n');
    // A model run has no request or action properties.
    const model = new Set(parse(renderJunit([docs.fixed], oracles)).testsuites.testsuite[0]?.properties.property.map((p) => p['@_name']));
    expect([...model].some((k) => k.startsWith('requests.') || k.startsWith('action.'))).toBe(false);
  });

  it('escapes hostile text in the reason and outcomes', () => {
    const document = inconclusiveDocument(docs.fixed);
    document.reason = `${hostileName} ${forbiddenCharacters}]]>`;
    document.outcomes = [{ what: `log-in of ${hostileName}`, phase: 'login', sent: 1, ok: 0, refused: 1, failed: 0, last: `page <form action="${hostileName}">` }];
    const xml = renderJunit([document], oracles);
    expect(xml).not.toContain('<script');
    expect(xml).not.toContain('<form');
    for (const c of forbiddenCharacters) expect(xml).not.toContain(c);
    const suite = parse(xml).testsuites.testsuite[0];
    expect(suite?.testcase[0]?.error?.[0]?.['@_message']).toBe(`inconclusive: ${hostileName} ]]>`);
    expect(suite?.properties.property.find((p) => p['@_name'] === `outcome.login.log-in of ${hostileName}`)?.['@_value']).toContain(
      `last: page <form action="${hostileName}">`,
    );
  });

  it('escapes names with apostrophes, tags and non-ASCII, and drops characters XML 1.0 forbids', () => {
    const xml = renderJunit([hostileDocument(docs.vulnerable)], oracles);
    expect(xml).not.toContain('<script');
    for (const c of forbiddenCharacters) expect(xml).not.toContain(c);
    expect(xml).toContain('O&#39;Brien-&lt;script&gt;alert(&quot;Zoë&quot;)&lt;/script&gt;');
    const suite = parse(xml).testsuites.testsuite[0];
    expect(suite?.['@_name']).toBe(`bookfuzz.${hostileName}.v'<"&>`);
    expect(suite?.testcase[0]?.['@_classname']).toBe(`bookfuzz.${hostileName}`);
    expect(suite?.testcase.flatMap((c) => c.failure ?? [])).toHaveLength(1);
  });
});

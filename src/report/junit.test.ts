import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunDocument } from '../engine/run-document.js';
import { oracles } from '../oracles/index.js';
import { findingReplay } from './finding-replay.js';
import { renderJunit } from './junit.js';
import { forbiddenCharacters, hostileDocument, hostileName, testDocuments, type TestDocuments } from './test-documents.js';

interface Failure {
  '@_message': string;
  '@_type': string;
  '#text': string;
}
interface Testcase {
  '@_classname': string;
  '@_name': string;
  failure?: Failure[];
}
interface Testsuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_time': string;
  testcase: Testcase[];
}
interface Parsed {
  testsuites: { '@_tests': string; '@_failures': string; testsuite: Testsuite[] };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'property'].includes(name),
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

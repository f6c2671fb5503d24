import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../engine/finding.js';
import { requestPhases, type ActionStats, type RequestOutcome, type RequestPhase, type RunDocument, type RunStats } from '../engine/run-document.js';
import { renderJson, renderJsonReport } from './json.js';
import { hostileDocument, inconclusiveDocument, liveStatsDocument, testDocuments, type TestDocuments } from './test-documents.js';

interface ObjectSchema {
  $id: string;
  $defs: Record<string, { properties: Record<string, unknown>; required: string[] }>;
}
const schema = JSON.parse(readFileSync(new URL('./run-document.schema.json', import.meta.url), 'utf8')) as ObjectSchema;
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);
const validateRuns = ajv.getSchema(`${schema.$id}#/$defs/runs`);

const problems = (value: unknown): string => (validate(value) ? '' : ajv.errorsText(validate.errors));

let docs: TestDocuments;
beforeAll(async () => {
  docs = await testDocuments();
}, 120_000);

describe('renderJson', () => {
  it('prints the document as pretty JSON ending in a newline, as --json does', () => {
    const text = renderJson(docs.vulnerable);
    expect(text).toBe(`${JSON.stringify(docs.vulnerable, null, 2)}\n`);
    expect(JSON.parse(text)).toEqual(docs.vulnerable);
  });

  it('gives documents that validate against run-document.schema.json, with and without findings', () => {
    expect(docs.vulnerable.findings.length).toBeGreaterThan(0);
    expect(docs.fixed.findings).toHaveLength(0);
    for (const document of [docs.vulnerable, docs.fixed, hostileDocument(docs.vulnerable)]) {
      expect(problems(JSON.parse(renderJson(document)))).toBe('');
    }
    const saved = structuredClone(docs.vulnerable);
    for (const finding of saved.findings) finding.replay = `bookfuzz replay corpora/${finding.model}/${finding.oracle}-${finding.id}.json`;
    expect(problems(saved)).toBe('');
    const irreversible = structuredClone(saved) as unknown as { findings: Record<string, unknown>[] };
    const first = irreversible.findings[0];
    if (first) first['irreversible'] = { step: 2, action: 'confirm' };
    expect(problems(irreversible)).toBe('');
    if (first) first['irreversible'] = { step: 0, action: 'confirm' };
    expect(validate(irreversible)).toBe(false);
  });

  it('validates an inconclusive run with its reason and request outcomes, and rejects broken ones', () => {
    const inconclusive = inconclusiveDocument(docs.fixed);
    expect(problems(JSON.parse(renderJson(inconclusive)))).toBe('');
    expect(problems(inconclusiveDocument(docs.vulnerable))).toBe('');
    const broken = (change: (d: RunDocument, o: Record<string, unknown>) => void): unknown => {
      const d = structuredClone(inconclusive);
      change(d, (d.outcomes?.[1] ?? {}) as unknown as Record<string, unknown>);
      return d;
    };
    expect(validate(broken((d) => delete d.reason))).toBe(false);
    expect(ajv.errorsText(validate.errors)).toContain('reason');
    expect(validate(broken((d) => (d.reason = '')))).toBe(false);
    expect(validate(broken((_, o) => (o['phase'] = 'seed')))).toBe(false);
    expect(validate(broken((_, o) => (o['refused'] = -1)))).toBe(false);
    expect(validate(broken((_, o) => (o['refused'] = 1.5)))).toBe(false);
    expect(validate(broken((_, o) => delete o['failed']))).toBe(false);
    expect(validate(broken((_, o) => (o['extra'] = 'x')))).toBe(false);
    // A reason on another status is allowed (a run that passed may still say something), outcomes on a model run too.
    expect(validate(broken((d) => (d.status = 'passed')))).toBe(true);
  });

  it('validates a live run\'s request and action statistics and what each finding took, and rejects broken ones', () => {
    const live = liveStatsDocument(docs.vulnerable);
    expect(problems(JSON.parse(renderJson(live)))).toBe('');
    expect(problems(liveStatsDocument(docs.fixed))).toBe('');
    // Every phase may be counted; none need be.
    const everyPhase = structuredClone(live);
    everyPhase.stats.requests = { total: 8, byPhase: Object.fromEntries(requestPhases.map((p) => [p, 1])) };
    expect(problems(everyPhase)).toBe('');
    everyPhase.stats.requests = { total: 0, byPhase: {} };
    expect(problems(everyPhase)).toBe('');
    const broken = (change: (stats: Record<string, unknown>, finding: Record<string, unknown>) => void): unknown => {
      const d = structuredClone(live);
      change(d.stats as unknown as Record<string, unknown>, (d.findings[0] ?? {}) as unknown as Record<string, unknown>);
      return d;
    };
    const requests = (stats: Record<string, unknown>) => stats['requests'] as Record<string, unknown>;
    const byPhase = (stats: Record<string, unknown>) => requests(stats)['byPhase'] as Record<string, unknown>;
    const action = (stats: Record<string, unknown>) => (stats['actions'] as Record<string, unknown>[])[0] ?? {};
    const found = (finding: Record<string, unknown>) => finding['found'] as Record<string, unknown>;
    expect(validate(broken((s) => (byPhase(s)['seeding'] = 3)))).toBe(false);
    expect(ajv.errorsText(validate.errors)).toContain('byPhase');
    expect(validate(broken((s) => (byPhase(s)['search'] = -1)))).toBe(false);
    expect(validate(broken((s) => (byPhase(s)['search'] = 2.5)))).toBe(false);
    expect(validate(broken((s) => delete requests(s)['total']))).toBe(false);
    expect(validate(broken((s) => delete requests(s)['byPhase']))).toBe(false);
    expect(validate(broken((s) => (requests(s)['extra'] = 1)))).toBe(false);
    expect(validate(broken((s) => (action(s)['action'] = '')))).toBe(false);
    expect(validate(broken((s) => delete action(s)['refused']))).toBe(false);
    expect(validate(broken((s) => (action(s)['ok'] = -1)))).toBe(false);
    expect(validate(broken((s) => (action(s)['blocked'] = 1)))).toBe(false);
    expect(validate(broken((s) => (s['actions'] = {})))).toBe(false);
    expect(validate(broken((_, f) => delete found(f)['shrunk']))).toBe(false);
    expect(validate(broken((_, f) => (found(f)['shrunk'] = 'yes')))).toBe(false);
    expect(validate(broken((_, f) => (found(f)['ms'] = -5)))).toBe(false);
    expect(validate(broken((_, f) => (found(f)['cases'] = 1.5)))).toBe(false);
    expect(validate(broken((_, f) => (found(f)['at'] = 'now')))).toBe(false);
    // Model mode: a finding's measure without requests is whole.
    expect(validate(broken((_, f) => delete found(f)['requests']))).toBe(true);
  });

  it('rejects broken documents', () => {
    const broken = (change: (d: Record<string, unknown>, f: Record<string, unknown>) => void): unknown => {
      const d = structuredClone(docs.vulnerable) as unknown as Record<string, unknown>;
      const f = (d['findings'] as Record<string, unknown>[])[0] ?? {};
      change(d, f);
      return d;
    };
    expect(validate(broken((d) => delete d['findings']))).toBe(false);
    expect(ajv.errorsText(validate.errors)).toContain('findings');
    expect(validate(broken((d) => (d['version'] = 2)))).toBe(false);
    expect(validate(broken((d) => (d['status'] = 'ok')))).toBe(false);
    expect(validate(broken((d) => (d['extra'] = true)))).toBe(false);
    expect(validate(broken((_, f) => (f['severity'] = 'critical')))).toBe(false);
    expect(validate(broken((_, f) => delete f['counterexample']))).toBe(false);
    expect(validate(broken((_, f) => (f['firstDifference'] = { step: 0, field: 'screen' })))).toBe(false);
    expect(validate(broken((_, f) => (f['steps'] = [{ actor: 'visitor', action: 'x', input: {}, typed: { n: 1 } }])))).toBe(false);
  });

  it('renders several runs as { version: 1, tool, runs } and one run as the document itself', () => {
    expect(renderJsonReport([docs.fixed])).toBe(renderJson(docs.fixed));
    const both = JSON.parse(renderJsonReport([docs.vulnerable, docs.fixed])) as { version: number; runs: RunDocument[] };
    expect(both.version).toBe(1);
    expect(both.runs).toHaveLength(2);
    expect(validateRuns?.(both)).toBe(true);
    expect(validateRuns?.(JSON.parse(renderJsonReport([])))).toBe(true);
    expect(validate(both)).toBe(false);
  });
});

// The schema follows the TypeScript types: these records fail to compile when a field of
// RunDocument or Finding is added, removed or changes between optional and required, and the
// test fails when the schema does not say the same.
type Presence<T> = { [K in keyof T]-?: object extends Pick<T, K> ? 'optional' : 'required' };
const runDocumentFields: Presence<RunDocument> = {
  version: 'required',
  tool: 'required',
  mode: 'required',
  model: 'required',
  modelFile: 'optional',
  variant: 'required',
  flaws: 'required',
  oracles: 'required',
  runs: 'required',
  seed: 'required',
  status: 'required',
  stats: 'required',
  findings: 'required',
  target: 'optional',
  shard: 'optional',
  notes: 'optional',
  reason: 'optional',
  outcomes: 'optional',
};
const findingFields: Presence<Finding> = {
  id: 'required',
  model: 'required',
  modelFile: 'optional',
  variant: 'required',
  flaws: 'required',
  oracle: 'required',
  severity: 'required',
  flaw: 'optional',
  evidence: 'optional',
  message: 'required',
  secret: 'required',
  steps: 'required',
  observations: 'required',
  firstDifference: 'required',
  worlds: 'required',
  seed: 'required',
  path: 'required',
  excluded: 'required',
  counterexample: 'required',
  replay: 'optional',
  curl: 'optional',
  key: 'optional',
  chunk: 'optional',
  irreversible: 'optional',
  found: 'optional',
};

const requestOutcomeFields: Presence<RequestOutcome> = {
  what: 'required',
  phase: 'required',
  where: 'optional',
  sent: 'required',
  ok: 'required',
  refused: 'required',
  failed: 'required',
  last: 'optional',
};

const runStatsFields: Presence<RunStats> = {
  cases: 'required',
  steps: 'required',
  durationMs: 'required',
  requests: 'optional',
  actions: 'optional',
};

const requestCountsFields: Presence<NonNullable<RunStats['requests']>> = {
  total: 'required',
  byPhase: 'required',
};

const actionStatsFields: Presence<ActionStats> = {
  action: 'required',
  sent: 'required',
  ok: 'required',
  refused: 'required',
  failed: 'required',
};

const foundFields: Presence<NonNullable<Finding['found']>> = {
  ms: 'required',
  cases: 'required',
  requests: 'optional',
  shrunk: 'required',
};

describe('run-document.schema.json', () => {
  it.each([
    ['runDocument', runDocumentFields],
    ['finding', findingFields],
    ['requestOutcome', requestOutcomeFields],
    ['runStats', runStatsFields],
    ['requestCounts', requestCountsFields],
    ['actionStats', actionStatsFields],
    ['found', foundFields],
  ] as const)('names exactly the fields of the %s type, required exactly when the type requires them', (name, fields) => {
    const def = schema.$defs[name];
    expect(Object.keys(def?.properties ?? {}).sort()).toEqual(Object.keys(fields).sort());
    const required = Object.entries(fields).filter(([, presence]) => presence === 'required').map(([key]) => key);
    expect([...(def?.required ?? [])].sort()).toEqual(required.sort());
  });

  it('names exactly the statuses and phases of the types', () => {
    const statuses: Record<RunDocument['status'], true> = { passed: true, failed: true, interrupted: true, inconclusive: true };
    const phases: Record<RequestOutcome['phase'], true> = { setup: true, login: true, extract: true, cleanup: true };
    const enumOf = (def: string, field: string): unknown =>
      ((schema.$defs[def]?.properties[field] ?? {}) as { enum?: string[] }).enum?.slice().sort();
    expect(enumOf('runDocument', 'status')).toEqual(Object.keys(statuses).sort());
    expect(enumOf('requestOutcome', 'phase')).toEqual(Object.keys(phases).sort());
    // The request phases a run counts: exactly the keys byPhase may have.
    const requestPhaseSet: Record<RequestPhase, true> = {
      calibration: true,
      search: true,
      'noise-check': true,
      confirmation: true,
      shrinking: true,
      timing: true,
      setup: true,
      cleanup: true,
    };
    const byPhase = (schema.$defs['requestCounts']?.properties['byPhase'] ?? {}) as { properties?: Record<string, unknown> };
    expect(Object.keys(byPhase.properties ?? {}).sort()).toEqual(Object.keys(requestPhaseSet).sort());
    expect([...requestPhases].sort()).toEqual(Object.keys(requestPhaseSet).sort());
  });
});

import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { checkModel } from '../engine/check.js';
import { isBookfuzzError, type BookfuzzError } from '../errors.js';
import { oracles } from '../oracles/index.js';
import { loadSpecModel } from './load-spec-model.js';
import { fuzzLive } from './spec-test-support.js';

const minimal = `name: tiny
title: Tiny
description: A tiny flow.
session: { cookie: nhs_session }
identities: { count: 1 }
secrets:
  status: { field: doses, values: [0, 1], hiddenFrom: [visitor] }
actors:
  visitor: { description: someone }
actions:
  open:
    actors: [visitor]
    target: patient
    requests:
      - path: /nhs-covid-booking/
        extract: { csrf: { css: "input[name=_csrf]", attr: value } }
      - method: POST
        path: /nhs-covid-booking/identity
        form: { _csrf: "{{extract.csrf}}", nhsNumber: "{{victim.nhsNumber}}" }
`;

async function failure(text: string, file = '/specs/tiny.yaml'): Promise<BookfuzzError> {
  try {
    await loadSpecModel(file, { text });
  } catch (error) {
    if (isBookfuzzError(error)) return error;
    throw error;
  }
  throw new Error('expected the spec to be refused');
}

describe('loadSpecModel: one clear error with file and line', () => {
  it('loads a minimal spec', async () => {
    const model = await loadSpecModel('/specs/tiny.yaml', { text: minimal });
    expect(model.name).toBe('tiny');
    expect(model.http?.setupMethod).toBe('seeding-endpoint');
  });

  it('bad YAML', async () => {
    const error = await failure('name: tiny\ntitle: [unclosed\n');
    expect(error.code).toBe('BF_MODEL_INVALID');
    expect(error.message).toMatch(/not valid YAML/);
    expect(error.where).toMatch(/^\/specs\/tiny\.yaml:\d+:\d+$/);
  });

  it('unknown key', async () => {
    const error = await failure(minimal.replace('  open:\n', '  open:\n    mutate: true\n'));
    expect(error.message).toBe('unknown key "mutate" in actions.open');
    expect(error.where).toBe('/specs/tiny.yaml:12:5 actions.open.mutate');
  });

  it('wrong type', async () => {
    const error = await failure(minimal.replace('identities: { count: 1 }', 'identities: { count: many }'));
    expect(error.where).toMatch(/^\/specs\/tiny\.yaml:5:\d+ identities\.count/);
  });

  it('a template naming a field that does not exist', async () => {
    const error = await failure(minimal.replace('{{victim.nhsNumber}}', '{{victim.nhsNumbr}}'));
    expect(error.message).toMatch(/names a field that does not exist: victim\.nhsNumbr/);
    expect(error.message).toMatch(/nhsNumber/);
    expect(error.where).toBe('/specs/tiny.yaml:19:44 actions.open.requests[1].form.nhsNumber');
  });

  it('an extractor naming something never defined', async () => {
    const error = await failure(minimal.replace('{{extract.csrf}}', '{{extract.token}}'));
    expect(error.message).toMatch(/"\{\{extract\.token\}\}" names a field that does not exist: extract\.token \(fields of extract: csrf\)/);
    expect(error.where).toMatch(/^\/specs\/tiny\.yaml:19:17 actions\.open\.requests\[1\]\.form\._csrf$/);
  });

  it('a condition naming an unknown actor field, an unknown actor', async () => {
    expect((await failure(minimal.replace('hiddenFrom: [visitor]', 'hiddenFrom: [vistor]'))).message).toMatch(/actor "vistor" does not exist/);
  });

  it('an extractor that never matches at run time', async () => {
    const model = await loadSpecModel('/specs/tiny.yaml', { text: minimal.replace('input[name=_csrf]', 'input[name=csrf-token]') });
    const error = await fuzzLive(model, { runs: 5 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBookfuzzError(error)).toBe(true);
    const e = error as BookfuzzError;
    expect(e.code).toBe('BF_MODEL_INVALID');
    expect(e.message).toMatch(/extractor "csrf" of step "open" never matched/);
    expect(e.where).toBe('/specs/tiny.yaml:16:20 actions.open.requests[0].extract.csrf');
  });
});

describe('model mode: screens', () => {
  const spec = fileURLToPath(new URL('../../models/nhs-covid-booking/spec.yaml', import.meta.url));
  it('finds the status-dependent screen with no site', async () => {
    const model = await loadSpecModel(spec);
    const run = await checkModel(model, oracles, { runs: 200, seed: 3, flaws: ['status-dependent-screen'], oracles: ['indistinguishable'] });
    expect(run.mode).toBe('model');
    const finding = run.findings[0];
    expect(finding?.message).toMatch(/visitor can tell the worlds apart after "submit-identity": field "screen"/);
  });
  it('the fixed flow is clean', async () => {
    const model = await loadSpecModel(spec, { allowIrreversible: true });
    const run = await checkModel(model, oracles, { runs: 300, seed: 3, variant: 'fixed' });
    expect(run.findings).toEqual([]);
  });
});

describe('model mode: sessions a step ends', () => {
  const spec = fileURLToPath(new URL('../../models/referral-smartcard/spec.yaml', import.meta.url));
  it('finds a session that outlives log-out or card removal, with no site, and nothing on the fixed flow', async () => {
    const model = await loadSpecModel(spec);
    const vulnerable = await checkModel(model, oracles, { runs: 300, seed: 1, variant: 'vulnerable', oracles: ['session-dies'] });
    expect(vulnerable.findings.map((f) => f.flaw).sort()).toEqual(['card-removal-ignored', 'logout-ignored']);
    const fixed = await checkModel(model, oracles, { runs: 1000, seed: 1, variant: 'fixed' });
    expect(fixed.findings).toEqual([]);
  });
});

/**
 * The portal fixture (no seeding or reset endpoint, sign-up through the site's own form with the
 * date in three fields, ids the site assigns, a log-in that answers 200 when it refuses), fuzzed
 * through the spec a user wrote from its journeys: the IDOR is found, the fixed site stays clean
 * with every set-up and log-in accepted, and a log-in that never works is said, not passed.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { oracles } from '../oracles/index.js';
import { fuzzLive } from '../live/fuzz-live.js';
import { startPortalSite, type PortalSite } from './fixtures/portal-site.js';
import { loadSpecModel } from './load-spec-model.js';

const specFile = fileURLToPath(new URL('./fixtures/portal.yaml', import.meta.url));
const sites: PortalSite[] = [];
let vulnerable: PortalSite;
let fixed: PortalSite;

beforeAll(async () => {
  vulnerable = await startPortalSite('vulnerable', { duplicateDelayMs: 300 });
  fixed = await startPortalSite('fixed', { duplicateDelayMs: 300 });
  sites.push(vulnerable, fixed);
});
afterAll(async () => {
  for (const site of sites) await site.close();
});

describe('a spec on a site without reset, with ids the site assigns', () => {
  it('finds the appointment page any patient can open, on the site as built (vulnerable)', async () => {
    const model = await loadSpecModel(specFile);
    const { document } = await fuzzLive(model, oracles, { target: vulnerable.url, runs: 30, seed: 7, oracles: ['no-canary-leak'] });
    expect(document.findings.map((f) => `${f.oracle} ${f.steps[f.firstDifference.step - 1]?.action}`)).toEqual(['no-canary-leak view-appointment']);
    // The set-up worked: every sign-up, log-in and booking was accepted.
    for (const outcome of document.outcomes ?? []) if (outcome.phase !== 'extract') expect(outcome, outcome.what).toMatchObject({ refused: 0, failed: 0 });
  }, 120_000);

  it('reports nothing on the fixed site, and says every set-up and log-in was accepted', async () => {
    const model = await loadSpecModel(specFile);
    const { document } = await fuzzLive(model, oracles, { target: fixed.url, runs: 30, seed: 7, oracles: ['no-canary-leak', 'indistinguishable'] });
    expect(document.findings).toEqual([]);
    expect(document.status).toBe('passed');
    const setup = (document.outcomes ?? []).filter((o) => o.phase === 'setup');
    expect(setup.length).toBeGreaterThan(0);
    for (const outcome of setup) expect(outcome, outcome.what).toMatchObject({ refused: 0, failed: 0 });
    expect((document.outcomes ?? []).find((o) => o.phase === 'login')).toMatchObject({ what: 'log-in of patient', refused: 0 });
  }, 180_000);

  it('a log-in that never works makes the run inconclusive, with the page the site sent back', async () => {
    const text = readFileSync(specFile, 'utf8').replace(/( {10}password: )"\{\{self\.password\}\}"/, '$1"not-the-password"');
    expect(text).toContain('"not-the-password"');
    const model = await loadSpecModel(specFile, { text });
    const { document } = await fuzzLive(model, oracles, { target: fixed.url, runs: 5, seed: 7, oracles: ['no-canary-leak'] });
    expect(document.status).toBe('inconclusive');
    expect(document.reason).toMatch(/^log-in of patient never worked \(\d+ tries; last: answered 200 at \/login .*\): nothing behind it was tested/);
  }, 120_000);

  it('without a per-run e-mail, the site refuses the second sign-up of a person: counted, and the run is inconclusive', async () => {
    const text = readFileSync(specFile, 'utf8').replaceAll('"{{run.id}}.{{patient.email}}"', '"{{patient.email}}"').replaceAll('"{{run.id}}.{{self.email}}"', '"{{self.email}}"');
    const model = await loadSpecModel(specFile, { text });
    const site = await startPortalSite('fixed', { duplicateDelayMs: 50 });
    sites.push(site);
    const { document } = await fuzzLive(model, oracles, { target: site.url, runs: 5, seed: 7, oracles: ['no-canary-leak'] });
    expect(document.status).toBe('inconclusive');
    expect(document.reason).toMatch(/set-up of p\d: POST \/signup answered 409 at \/signup/);
    const signup = (document.outcomes ?? []).find((o) => o.what === 'set-up of each patient: POST /signup');
    expect(signup?.refused).toBeGreaterThan(0);
  }, 120_000);
});

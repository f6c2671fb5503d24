import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAccessPatientPassword, recordAccessProxyPassword } from './credentials.js';
import { defaultRecordAccessWorld } from './default-worlds.js';
import { startStagingSite } from './start-staging-site.js';
import { stagingFlaws } from './staging-flaws.js';
import { seed, startSiteSet, stateOf, TestBrowser, type SiteSet } from './test-browser.js';
import type { RecordAccessWorld } from './world-types.js';

const MODEL = 'record-access';
const P = `/${MODEL}`;
const TOKEN = 'record-test-token';
let sites: SiteSet;

beforeAll(async () => {
  sites = await startSiteSet(startStagingSite, stagingFlaws[MODEL] ?? [], TOKEN);
});
afterAll(() => sites.close());

/**
 * Access granted 2025-01-01. e1 (2024, before access), e2 (2025, online, test result), e3
 * (2025, redacted, medication), e4 (2025, online, consultation). The proxy may see test results
 * only, and no appointments.
 */
function testWorld(): RecordAccessWorld {
  const world = defaultRecordAccessWorld();
  world.entries.push({ id: 'e4', date: '2025-04-01', type: 'consultation', redacted: false, text: 'Sprained left ankle, advised rest and ice [E4]' });
  world.proxy.scope = { appointments: false, recordTypes: ['test-result'] };
  return world;
}

const text = (world: RecordAccessWorld, id: string): string => world.entries.find((e) => e.id === id)?.text ?? '?';

async function logIn(site: { url: string }, as: 'patient' | 'proxy', world = testWorld()): Promise<{ browser: TestBrowser; world: RecordAccessWorld }> {
  await seed(site.url, TOKEN, MODEL, world);
  const browser = new TestBrowser(site.url);
  const credentials =
    as === 'patient'
      ? { username: world.patient.identity.nhsNumber, password: recordAccessPatientPassword(world.patient.identity) }
      : { username: world.proxy.id, password: recordAccessProxyPassword(world.proxy.id, world.patient.identity.nhsNumber) };
  const home = await browser.submit(`${P}/login`, `${P}/login`, credentials);
  expect(home.path).toBe(`${P}/home`);
  return { browser, world };
}

describe('record-access, fixed', () => {
  it('the patient logs in, sees only online entries and appointments, turns the login off, and cannot log in again', async () => {
    const site = sites.fixed;
    const { browser, world } = await logIn(site, 'patient');
    const record = await browser.get(`${P}/record`);
    expect(record.body).toContain(text(world, 'e2'));
    expect(record.body).toContain(text(world, 'e4'));
    expect(record.body).not.toContain(text(world, 'e1'));
    expect(record.body).not.toContain(text(world, 'e3'));
    expect((await browser.get(`${P}/appointments`)).body).toContain(world.appointments[0]?.detail ?? '?');
    const off = await browser.submit(`${P}/settings`, `${P}/settings/disable-login`, {});
    expect(off.path).toBe(`${P}/login-disabled`);
    const state = await stateOf<{ world: RecordAccessWorld; audit: { event: string }[] }>(site.url, TOKEN, MODEL);
    expect(state.world.patient.loginDisabled).toBe(true);
    expect(state.audit.map((e) => e.event)).toEqual(['login-disabled']);
    const again = await browser.submit(`${P}/login`, `${P}/login`, {
      username: world.patient.identity.nhsNumber,
      password: recordAccessPatientPassword(world.patient.identity),
    });
    expect(again.path).toBe(`${P}/login?error=disabled`);
  });

  it('the proxy sees only the granted entry types, and a 403 page for the appointments', async () => {
    const { browser, world } = await logIn(sites.fixed, 'proxy');
    const record = await browser.get(`${P}/record`);
    expect(record.body).toContain(text(world, 'e2'));
    expect(record.body).not.toContain(text(world, 'e4'));
    const appointments = await browser.get(`${P}/appointments`);
    expect(appointments.status).toBe(403);
    expect(appointments.body).not.toContain(world.appointments[0]?.detail ?? '?');
    expect((await browser.get(`${P}/settings`)).status).toBe(403);
    const out = await browser.submit(`${P}/home`, `${P}/logout`, {});
    expect(out.path).toBe(`${P}/login`);
  });

  it('refuses a wrong password', async () => {
    const world = testWorld();
    await seed(sites.fixed.url, TOKEN, MODEL, world);
    const browser = new TestBrowser(sites.fixed.url);
    const page = await browser.submit(`${P}/login`, `${P}/login`, { username: world.patient.identity.nhsNumber, password: 'guess' });
    expect(page.path).toBe(`${P}/login?error=credentials`);
  });
});

describe('record-access flaws', () => {
  async function patientRecord(site: { url: string }) {
    const { browser, world } = await logIn(site, 'patient');
    return { body: (await browser.get(`${P}/record`)).body, world };
  }

  it('retrospective-entries: an entry from before access was granted is shown; fixed: not', async () => {
    const flawed = await patientRecord(sites.flawed('retrospective-entries'));
    expect(flawed.body).toContain(text(flawed.world, 'e1'));
    expect(flawed.body).not.toContain(text(flawed.world, 'e3'));
    const fixed = await patientRecord(sites.fixed);
    expect(fixed.body).not.toContain(text(fixed.world, 'e1'));
  });

  it('redaction-ignored: a redacted entry is shown; fixed: not', async () => {
    const flawed = await patientRecord(sites.flawed('redaction-ignored'));
    expect(flawed.body).toContain(text(flawed.world, 'e3'));
    expect(flawed.body).not.toContain(text(flawed.world, 'e1'));
    const fixed = await patientRecord(sites.fixed);
    expect(fixed.body).not.toContain(text(fixed.world, 'e3'));
  });

  async function afterDisable(site: { url: string }) {
    const { browser, world } = await logIn(site, 'patient');
    const saved = browser.saveCookies();
    await browser.submit(`${P}/settings`, `${P}/settings/disable-login`, {});
    browser.restoreCookies(saved);
    return { page: await browser.get(`${P}/record`), world };
  }

  it('disabled-login-works: the open session still shows the record after the login was turned off; fixed: logged out', async () => {
    const flawed = await afterDisable(sites.flawed('disabled-login-works'));
    expect(flawed.page.status).toBe(200);
    expect(flawed.page.body).toContain(text(flawed.world, 'e2'));
    const fixed = await afterDisable(sites.fixed);
    expect(fixed.page.redirects).toEqual([`${P}/login?error=session-ended`]);
    expect(fixed.page.body).not.toContain(text(fixed.world, 'e2'));
  });

  async function proxyPages(site: { url: string }) {
    const { browser, world } = await logIn(site, 'proxy');
    return { record: await browser.get(`${P}/record`), appointments: await browser.get(`${P}/appointments`), world };
  }

  it('proxy-overreach: the proxy sees every entry type and the appointments; fixed: only the grant', async () => {
    const flawed = await proxyPages(sites.flawed('proxy-overreach'));
    expect(flawed.record.body).toContain(text(flawed.world, 'e4'));
    expect(flawed.appointments.status).toBe(200);
    expect(flawed.appointments.body).toContain(flawed.world.appointments[0]?.detail ?? '?');
    const fixed = await proxyPages(sites.fixed);
    expect(fixed.record.body).not.toContain(text(fixed.world, 'e4'));
    expect(fixed.appointments.status).toBe(403);
  });
});

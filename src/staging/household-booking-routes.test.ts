import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHouseholdWorld, householdSlots } from './default-worlds.js';
import { startStagingSite } from './start-staging-site.js';
import { stagingFlaws } from './staging-flaws.js';
import { seed, startSiteSet, stateOf, TestBrowser, type SiteSet } from './test-browser.js';
import type { HouseholdWorld } from './world-types.js';

const MODEL = 'household-booking';
const API = `/${MODEL}/api`;
const TOKEN = 'household-test-token';
let sites: SiteSet;

beforeAll(async () => {
  sites = await startSiteSet(startStagingSite, stagingFlaws[MODEL] ?? [], TOKEN);
});
afterAll(() => sites.close());

interface Json {
  [key: string]: unknown;
}

/** Seeds the demo world (r1 owns a1, r2 owns a2, …) and logs r1 in; returns the browser, token and CSRF token. */
async function asRegistrant(site: { url: string }): Promise<{ browser: TestBrowser; token: string; csrf: string; world: HouseholdWorld }> {
  const world = defaultHouseholdWorld();
  await seed(site.url, TOKEN, MODEL, world);
  const r1 = world.registrants[0]?.identity;
  if (!r1) throw new Error('no registrant');
  const browser = new TestBrowser(site.url);
  const login = await browser.request('POST', `${API}/login`, { json: { nhi: r1.nhi.toLowerCase(), dateOfBirth: r1.dateOfBirth } });
  expect(login.status).toBe(200);
  const body = JSON.parse(login.body) as { token: string; csrfToken: string; user: Json };
  expect(body.user).toEqual({ id: 'r1', role: 'registrant' });
  return { browser, token: body.token, csrf: body.csrfToken, world };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('household-booking, fixed', () => {
  it('a registrant logs in, reads their own details, moves and cancels their own appointment, logs out', async () => {
    const site = sites.fixed;
    const { browser, token, csrf, world } = await asRegistrant(site);
    expect(browser.cookie('hb_session')).toBe(token);
    const me = JSON.parse((await browser.get(`${API}/me`)).body) as { registrant: Json; appointments: Json[] };
    expect(me.registrant['nhi']).toBe(world.registrants[0]?.identity.nhi);
    expect(me.appointments.map((a) => a['id'])).toEqual(['a1']);
    expect((await browser.get(`${API}/registrants/r1`)).status).toBe(200);

    // Cookie-authenticated writes need the CSRF header; bearer ones do not.
    expect((await browser.request('PATCH', `${API}/appointments/a1`, { json: { slot: 2 } })).status).toBe(403);
    const moved = await browser.request('PATCH', `${API}/appointments/a1`, { json: { slot: 2 }, headers: { 'x-csrf-token': csrf } });
    expect(moved.status).toBe(200);
    expect((JSON.parse(moved.body) as { appointment: Json }).appointment).toEqual({ id: 'a1', slot: householdSlots[2], status: 'booked' });
    const anon = new TestBrowser(site.url);
    const cancelled = await anon.request('DELETE', `${API}/appointments/a1`, { headers: bearer(token) });
    expect(cancelled.status).toBe(200);
    expect((await anon.request('DELETE', `${API}/appointments/a1`, { headers: bearer(token) })).status).toBe(409);

    const state = await stateOf<{ world: HouseholdWorld; audit: Json[] }>(site.url, TOKEN, MODEL);
    expect(state.world.appointments[0]).toEqual({ id: 'a1', registrant: 'r1', slot: householdSlots[2], status: 'cancelled' });
    expect(state.audit.map((e) => e['event'])).toEqual(['appointment-moved', 'appointment-cancelled']);

    expect((await browser.request('POST', `${API}/logout`, { headers: { 'x-csrf-token': csrf } })).status).toBe(200);
    expect((await anon.get(`${API}/me`, { headers: bearer(token) })).status).toBe(401);
    expect((await browser.get(`${API}/me`)).status).toBe(401);
  });

  it('a vaccinator logs in with e-mail and staff id and records a dose', async () => {
    const site = sites.fixed;
    const world = defaultHouseholdWorld();
    await seed(site.url, TOKEN, MODEL, world);
    const browser = new TestBrowser(site.url);
    const login = JSON.parse((await browser.request('POST', `${API}/login`, { json: { email: 'mere.tautahi@vaccinators.example.org', staffId: 's1' } })).body) as {
      token: string;
      user: Json;
    };
    expect(login.user).toEqual({ id: 's1', role: 'vaccinator' });
    const dose = await browser.request('POST', `${API}/doses`, { json: { registrantId: 'r2' }, headers: bearer(login.token) });
    expect(dose.status).toBe(201);
    expect((await browser.get(`${API}/registrants/r3`, { headers: bearer(login.token) })).status).toBe(200);
    const state = await stateOf<{ world: HouseholdWorld }>(site.url, TOKEN, MODEL);
    expect(state.world.doseRecords).toEqual([{ registrant: 'r2', recordedBy: 's1' }]);
    expect(state.world.registrants[1]?.doses).toBe((world.registrants[1]?.doses ?? 0) + 1);
  });

  it('refuses wrong credentials and calls without a session', async () => {
    const browser = new TestBrowser(sites.fixed.url);
    expect((await browser.request('POST', `${API}/login`, { json: { nhi: 'ZZZ0000', dateOfBirth: '2000-01-01' } })).status).toBe(401);
    expect((await browser.get(`${API}/registrants/r1`)).status).toBe(401);
  });
});

describe('household-booking flaws', () => {
  async function viewVictim(site: { url: string }) {
    const { token, world } = await asRegistrant(site);
    const page = await new TestBrowser(site.url).get(`${API}/registrants/r2`, { headers: bearer(token) });
    return { page, victim: world.registrants[1]?.identity };
  }

  it("idor-view: another registrant's NHI is served; fixed: 404", async () => {
    const flawed = await viewVictim(sites.flawed('idor-view'));
    expect(flawed.page.status).toBe(200);
    expect(flawed.page.body).toContain(flawed.victim?.nhi);
    const fixed = await viewVictim(sites.fixed);
    expect(fixed.page.status).toBe(404);
    expect(fixed.page.body).not.toContain(fixed.victim?.nhi);
  });

  async function claimVaccinator(site: { url: string }) {
    const { token } = await asRegistrant(site);
    const page = await new TestBrowser(site.url).request('POST', `${API}/doses`, { json: { registrantId: 'r2', role: 'vaccinator' }, headers: bearer(token) });
    const state = await stateOf<{ world: HouseholdWorld }>(site.url, TOKEN, MODEL);
    return { page, records: state.world.doseRecords };
  }

  it('client-role: a registrant who sends role "vaccinator" records a dose; fixed: 403', async () => {
    const flawed = await claimVaccinator(sites.flawed('client-role'));
    expect(flawed.page.status).toBe(201);
    expect(flawed.records).toEqual([{ registrant: 'r2', recordedBy: 'r1' }]);
    const fixed = await claimVaccinator(sites.fixed);
    expect(fixed.page.status).toBe(403);
    expect(fixed.records).toEqual([]);
  });

  async function moveVictims(site: { url: string }) {
    const { token, world } = await asRegistrant(site);
    const browser = new TestBrowser(site.url);
    const moved = await browser.request('PATCH', `${API}/appointments/a2`, { json: { slot: householdSlots[0] }, headers: bearer(token) });
    const cancelled = await browser.request('DELETE', `${API}/appointments/a3`, { headers: bearer(token) });
    const state = await stateOf<{ world: HouseholdWorld }>(site.url, TOKEN, MODEL);
    return { moved, cancelled, before: world.appointments, after: state.world.appointments };
  }

  it("idor-modify: a registrant moves and cancels other people's appointments; fixed: 404 and nothing changes", async () => {
    const flawed = await moveVictims(sites.flawed('idor-modify'));
    expect([flawed.moved.status, flawed.cancelled.status]).toEqual([200, 200]);
    expect(flawed.after[1]?.slot).toBe(householdSlots[0]);
    expect(flawed.after[2]?.status).toBe('cancelled');
    const fixed = await moveVictims(sites.fixed);
    expect([fixed.moved.status, fixed.cancelled.status]).toEqual([404, 404]);
    expect(fixed.after).toEqual(fixed.before);
  });
});

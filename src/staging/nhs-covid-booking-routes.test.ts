import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultNhsCovidWorld } from './default-worlds.js';
import { startStagingSite } from './start-staging-site.js';
import { stagingFlaws } from './staging-flaws.js';
import { seed, startSiteSet, stateOf, TestBrowser, type SiteSet } from './test-browser.js';
import type { NhsCovidWorld } from './world-types.js';

const MODEL = 'nhs-covid-booking';
const P = `/${MODEL}`;
const TOKEN = 'nhs-test-token';
let sites: SiteSet;

beforeAll(async () => {
  sites = await startSiteSet(startStagingSite, stagingFlaws[MODEL] ?? [], TOKEN);
});
afterAll(() => sites.close());

/** p1 has 0 doses, p2 one, p3 two. */
async function seeded(site: { url: string }): Promise<NhsCovidWorld> {
  const world = defaultNhsCovidWorld();
  await seed(site.url, TOKEN, MODEL, world);
  return world;
}

const nhsNumberOf = (world: NhsCovidWorld, i: number): string => world.patients[i]?.identity.nhsNumber ?? '';

async function lastCode(site: { url: string }): Promise<string> {
  const { outbox } = await stateOf<{ outbox: { code: string }[] }>(site.url, TOKEN, MODEL);
  return outbox.at(-1)?.code ?? '';
}

describe('nhs-covid-booking, fixed', () => {
  it('books a first dose: identity, security code, slot, confirm, sign out', async () => {
    const site = sites.fixed;
    const world = await seeded(site);
    const browser = new TestBrowser(site.url);
    const start = await browser.get(`${P}/`);
    expect(start.status).toBe(200);
    expect(browser.cookie('nhs_session')).toBeDefined();
    const verify = await browser.submit(`${P}/`, `${P}/identity`, { nhsNumber: nhsNumberOf(world, 0).replace(/(\d{3})(\d{3})/, '$1 $2 ') });
    expect(verify.redirects).toEqual([`${P}/verify`]);
    expect(verify.body).toContain('We have sent a security code');
    const wrong = await browser.submit(`${P}/verify`, `${P}/verify`, { code: 'nope' });
    expect(wrong.path).toBe(`${P}/verify?error=wrong-code`);
    const mine = await browser.submit(`${P}/verify`, `${P}/verify`, { code: await lastCode(site) });
    expect(mine.path).toBe(`${P}/your-vaccinations`);
    expect(mine.body).toContain('Doses recorded: <strong>0</strong>');
    const check = await browser.submit(`${P}/slots`, `${P}/slots`, { slot: '1' });
    expect(check.path).toBe(`${P}/check`);
    expect(check.body).toContain(world.slots[1] ?? '?');
    const confirmed = await browser.submit(`${P}/check`, `${P}/confirm`, {});
    expect(confirmed.redirects).toEqual([`${P}/bookings/BK1000`]);
    expect(confirmed.body).toContain('BK1000');
    const state = await stateOf<{ world: NhsCovidWorld }>(site.url, TOKEN, MODEL);
    expect(state.world.bookings).toEqual([{ reference: 'BK1000', patient: 'p1', slot: world.slots[1], dose: 1, bookedBy: 'patient' }]);
    const out = await browser.submit(`${P}/bookings/BK1000`, `${P}/sign-out`, {});
    expect(out.path).toBe(`${P}/signed-out`);
    expect(browser.cookie('nhs_session')).toBeUndefined();
    expect((await browser.get(`${P}/bookings/BK1000`)).status).toBe(404);
  });

  it('finds a person by name, date of birth and postcode', async () => {
    const site = sites.fixed;
    const world = await seeded(site);
    const p = world.patients[2]?.identity;
    if (!p) throw new Error('no patient');
    const browser = new TestBrowser(site.url);
    const page = await browser.submit(`${P}/`, `${P}/identity`, {
      givenName: p.givenName.toUpperCase(),
      familyName: p.familyName,
      dateOfBirth: p.dateOfBirth,
      postcode: p.postcode.replace(' ', '').toLowerCase(),
    });
    expect(page.path).toBe(`${P}/verify`);
    const missing = await browser.submit(`${P}/`, `${P}/identity`, { nhsNumber: '9990000000' });
    expect(missing.path).toBe(`${P}/?error=not-found`);
  });
});

describe('nhs-covid-booking flaws', () => {
  /** Where the browser lands after entering the NHS number of patient `i`. */
  async function landing(site: { url: string }, i: number): Promise<string[]> {
    const world = await seeded(site);
    const browser = new TestBrowser(site.url);
    const page = await browser.submit(`${P}/`, `${P}/identity`, { nhsNumber: nhsNumberOf(world, i) });
    return page.redirects;
  }

  it('status-dependent-screen: the redirect after the identity depends on the dose count; fixed: the same', async () => {
    const flawed = sites.flawed('status-dependent-screen');
    expect(await landing(flawed, 0)).toEqual([`${P}/screening`]);
    expect(await landing(flawed, 1)).toEqual([`${P}/booking-reference`]);
    expect(await landing(sites.fixed, 0)).toEqual([`${P}/verify`]);
    expect(await landing(sites.fixed, 1)).toEqual([`${P}/verify`]);
  });

  /** Enter patient `i`, skip the code, try to book slot 0. */
  async function bookWithoutCode(site: { url: string }, i: number) {
    const world = await seeded(site);
    const browser = new TestBrowser(site.url);
    await browser.submit(`${P}/`, `${P}/identity`, { nhsNumber: nhsNumberOf(world, i) });
    const slots = await browser.get(`${P}/slots`);
    const check = await browser.post(`${P}/slots`, { slot: '0', _csrf: /name="_csrf" value="([^"]+)"/.exec(slots.body)?.[1] ?? '' });
    const confirm = await browser.submit(`${P}/verify`, `${P}/confirm`, {});
    const { world: after } = await stateOf<{ world: NhsCovidWorld }>(site.url, TOKEN, MODEL);
    return { slots, check, confirm, bookings: after.bookings };
  }

  it('second-dose-unverified: a person with one dose can be booked without the code; fixed: sent to the code page', async () => {
    const flawed = await bookWithoutCode(sites.flawed('second-dose-unverified'), 1);
    expect(flawed.slots.status).toBe(200);
    expect(flawed.slots.body).toContain('Choose an appointment for dose 2');
    expect(flawed.check.path).toBe(`${P}/check`);
    expect(flawed.bookings).toEqual([expect.objectContaining({ patient: 'p2', dose: 2, bookedBy: 'unverified' })]);

    const zeroDoses = await bookWithoutCode(sites.flawed('second-dose-unverified'), 0);
    expect(zeroDoses.slots.path).toBe(`${P}/verify?error=verify-first`);
    expect(zeroDoses.bookings).toEqual([]);

    const fixed = await bookWithoutCode(sites.fixed, 1);
    expect(fixed.slots.redirects).toEqual([`${P}/verify?error=verify-first`]);
    expect(fixed.check.path).toBe(`${P}/verify?error=verify-first`);
    expect(fixed.bookings).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultReferralWorld } from './default-worlds.js';
import { startStagingSite } from './start-staging-site.js';
import { stagingFlaws } from './staging-flaws.js';
import { seed, startSiteSet, stateOf, TestBrowser, type SiteSet } from './test-browser.js';
import type { ReferralWorld } from './world-types.js';

const MODEL = 'referral-smartcard';
const P = `/${MODEL}`;
const TOKEN = 'referral-test-token';
let sites: SiteSet;

beforeAll(async () => {
  sites = await startSiteSet(startStagingSite, stagingFlaws[MODEL] ?? [], TOKEN);
});
afterAll(() => sites.close());

async function loggedIn(site: { url: string }): Promise<{ browser: TestBrowser; world: ReferralWorld }> {
  const world = defaultReferralWorld();
  await seed(site.url, TOKEN, MODEL, world);
  const browser = new TestBrowser(site.url);
  const home = await browser.submit(`${P}/login`, `${P}/login`, { cardSerial: world.gp.cardSerial, passcode: world.gp.passcode });
  expect(home.path).toBe(`${P}/home`);
  return { browser, world };
}

const ubrnOf = (world: ReferralWorld): string => world.patients[0]?.referral.ubrn ?? '?';

describe('referral-smartcard, fixed', () => {
  it('the GP logs in with card and passcode, opens the worklist and a record (audited), logs out', async () => {
    const site = sites.fixed;
    const { browser, world } = await loggedIn(site);
    expect(browser.cookie('rs_session')).toBeDefined();
    const worklist = await browser.get(`${P}/referrals`);
    expect(worklist.status).toBe(200);
    expect(worklist.body).toContain(ubrnOf(world));
    const record = await browser.get(`${P}/patients/p1`);
    expect(record.body).toContain(world.patients[0]?.entries[0]?.text ?? '?');
    expect((await browser.get(`${P}/patients/p9`)).status).toBe(404);
    const state = await stateOf<{ world: ReferralWorld }>(site.url, TOKEN, MODEL);
    expect(state.world.audit).toEqual([{ user: world.gp.id, patient: 'p1', event: 'record-view', time: '2026-03-02T09:00' }]);
    expect(state.world.sessions).toHaveLength(1);
    const saved = browser.saveCookies();
    const out = await browser.submit(`${P}/home`, `${P}/logout`, {});
    expect(out.path).toBe(`${P}/logged-out`);
    expect(browser.cookie('rs_session')).toBeUndefined();
    browser.restoreCookies(saved);
    const stale = await browser.get(`${P}/referrals`);
    expect(stale.redirects).toEqual([`${P}/login?error=session-ended`]);
    expect(stale.body).not.toContain(ubrnOf(world));
  });

  it('refuses a wrong passcode and a log-in without the card in the reader', async () => {
    const site = sites.fixed;
    const world = defaultReferralWorld();
    await seed(site.url, TOKEN, MODEL, world);
    const browser = new TestBrowser(site.url);
    const wrong = await browser.submit(`${P}/login`, `${P}/login`, { cardSerial: world.gp.cardSerial, passcode: '000000' });
    expect(wrong.path).toBe(`${P}/login?error=passcode`);
    await browser.post(`${P}/reader/remove`, { cardSerial: world.gp.cardSerial });
    const noCard = await browser.submit(`${P}/login`, `${P}/login`, { cardSerial: world.gp.cardSerial, passcode: world.gp.passcode });
    expect(noCard.path).toBe(`${P}/login?error=no-card`);
  });

  it('ends a session idle for the limit (clock moved on by the seeding endpoint)', async () => {
    const site = sites.fixed;
    const { browser, world } = await loggedIn(site);
    const advance = (minutes: number) =>
      fetch(new URL('/__bookfuzz/advance-clock', site.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bookfuzz-seed-token': TOKEN },
        body: JSON.stringify({ model: MODEL, minutes }),
      });
    expect((await advance(20)).status).toBe(200);
    expect((await browser.get(`${P}/referrals`)).status).toBe(200);
    await advance(45);
    const stale = await browser.get(`${P}/referrals`);
    expect(stale.path).toBe(`${P}/login?error=session-ended`);
    expect(stale.body).not.toContain(ubrnOf(world));
  });
});

describe('referral-smartcard flaws', () => {
  async function afterCardRemoval(site: { url: string }) {
    const { browser, world } = await loggedIn(site);
    await new TestBrowser(site.url).post(`${P}/reader/remove`, { cardSerial: world.gp.cardSerial });
    return { page: await browser.get(`${P}/referrals`), world };
  }

  it('card-removal-ignored: the cookie still opens the worklist after the card is pulled; fixed: back to log-in', async () => {
    const flawed = await afterCardRemoval(sites.flawed('card-removal-ignored'));
    expect(flawed.page.status).toBe(200);
    expect(flawed.page.body).toContain(ubrnOf(flawed.world));
    const fixed = await afterCardRemoval(sites.fixed);
    expect(fixed.page.redirects).toEqual([`${P}/login?error=session-ended`]);
    expect(fixed.page.body).not.toContain(ubrnOf(fixed.world));
  });

  async function afterLogout(site: { url: string }) {
    const { browser, world } = await loggedIn(site);
    const saved = browser.saveCookies();
    const out = await browser.submit(`${P}/home`, `${P}/logout`, {});
    browser.restoreCookies(saved);
    return { out, page: await browser.get(`${P}/referrals`), world };
  }

  it('logout-ignored: the old cookie still works after logout; fixed: back to log-in', async () => {
    const flawed = await afterLogout(sites.flawed('logout-ignored'));
    expect(flawed.out.path).toBe(`${P}/logged-out`);
    expect(flawed.page.status).toBe(200);
    expect(flawed.page.body).toContain(ubrnOf(flawed.world));
    const fixed = await afterLogout(sites.fixed);
    expect(fixed.out.path).toBe(`${P}/logged-out`);
    expect(fixed.page.redirects).toEqual([`${P}/login?error=session-ended`]);
    expect(fixed.page.body).not.toContain(ubrnOf(fixed.world));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealedEnvelopePasscode } from './credentials.js';
import { defaultSealedWorld } from './default-worlds.js';
import { startStagingSite } from './start-staging-site.js';
import { stagingFlaws } from './staging-flaws.js';
import { seed, startSiteSet, stateOf, TestBrowser, type SiteSet } from './test-browser.js';
import type { SealedWorld } from './world-types.js';

const MODEL = 'sealed-envelope';
const P = `/${MODEL}`;
const TOKEN = 'sealed-test-token';
let sites: SiteSet;

beforeAll(async () => {
  sites = await startSiteSet(startStagingSite, stagingFlaws[MODEL] ?? [], TOKEN);
});
afterAll(() => sites.close());

/** The clinician c1 has a relationship with p1, not with p2. */
async function loggedIn(site: { url: string }): Promise<{ browser: TestBrowser; world: SealedWorld }> {
  const world = defaultSealedWorld();
  await seed(site.url, TOKEN, MODEL, world);
  const browser = new TestBrowser(site.url);
  const home = await browser.submit(`${P}/login`, `${P}/login`, { staffId: world.clinician.id, passcode: sealedEnvelopePasscode(world.clinician.id) });
  expect(home.path).toBe(`${P}/home`);
  return { browser, world };
}

const nhs = (world: SealedWorld, i: number): string => world.patients[i]?.identity.nhsNumber ?? '?';
const entry = (world: SealedWorld, i: number): string => world.patients[i]?.entries[0]?.text ?? '?';
const open = (browser: TestBrowser, nhsNumber: string) => browser.submit(`${P}/home`, `${P}/search`, { nhsNumber });
const auditOf = async (site: { url: string }) => (await stateOf<{ world: SealedWorld }>(site.url, TOKEN, MODEL)).world.audit;

describe('sealed-envelope, fixed', () => {
  it('opens a related record (audited), breaks the glass on a sealed one with a reason (audited), logs out', async () => {
    const site = sites.fixed;
    const { browser, world } = await loggedIn(site);
    const mine = await open(browser, nhs(world, 0));
    expect(mine.redirects).toEqual([`${P}/records/p1`]);
    expect(mine.body).toContain(entry(world, 0));

    const sealed = await open(browser, nhs(world, 1));
    expect(sealed.status).toBe(403);
    expect(sealed.body).toContain('This record is sealed');
    expect(sealed.body).not.toContain(entry(world, 1));

    const noReason = await browser.submit(`${P}/records/p2/break-glass`, `${P}/records/p2/break-glass`, { reason: '' });
    expect(noReason.path).toBe(`${P}/records/p2/break-glass?error=reason`);
    const granted = await browser.submit(`${P}/records/p2/break-glass`, `${P}/records/p2/break-glass`, { reason: 'Safeguarding concern' });
    expect(granted.path).toBe(`${P}/records/p2/access-granted`);
    expect(granted.body).not.toContain(entry(world, 1));
    const opened = await browser.get(`${P}/records/p2`);
    expect(opened.status).toBe(200);
    expect(opened.body).toContain(entry(world, 1));

    const state = await stateOf<{ world: SealedWorld }>(site.url, TOKEN, MODEL);
    // Clock: log-in 09:01, search 09:02, search 09:03, break-glass without reason 09:04, with reason 09:05.
    expect(state.world.audit).toEqual([
      { actor: 'c1', patient: 'p1', event: 'record-view', time: '2026-03-02T09:02Z' },
      { actor: 'c1', patient: 'p2', event: 'break-glass', time: '2026-03-02T09:05Z', reason: 'Safeguarding concern' },
      { actor: 'c1', patient: 'p2', event: 'break-glass', time: '2026-03-02T09:05Z', reason: 'Safeguarding concern' },
    ]);
    expect(state.world.breakGlasses).toEqual([{ clinician: 'c1', patient: 'p2', time: '2026-03-02T09:05Z', reason: 'Safeguarding concern' }]);

    const out = await browser.submit(`${P}/home`, `${P}/logout`, {});
    expect(out.path).toBe(`${P}/login`);
    expect((await browser.get(`${P}/records/p1`)).path).toBe(`${P}/login?error=session-ended`);
    expect((await loggedIn(site)).browser.cookie('se_session')).toBeDefined();
  });

  it('refuses a wrong passcode; 404 for an unknown record', async () => {
    const site = sites.fixed;
    const { browser, world } = await loggedIn(site);
    expect((await browser.get(`${P}/records/p99`)).status).toBe(404);
    const other = new TestBrowser(site.url);
    const wrong = await other.submit(`${P}/login`, `${P}/login`, { staffId: world.clinician.id, passcode: 'nope' });
    expect(wrong.path).toBe(`${P}/login?error=credentials`);
  });
});

describe('sealed-envelope flaws', () => {
  it('warning-only: a sealed record is shown under a warning before any break-glass; fixed: a 403 sealed page', async () => {
    const flawedSite = sites.flawed('warning-only');
    const flawed = await loggedIn(flawedSite);
    const page = await open(flawed.browser, nhs(flawed.world, 1));
    expect(page.status).toBe(200);
    expect(page.body).toContain('You have no legitimate relationship with this patient.');
    expect(page.body).toContain(entry(flawed.world, 1));
    const fixed = await loggedIn(sites.fixed);
    const sealed = await open(fixed.browser, nhs(fixed.world, 1));
    expect(sealed.status).toBe(403);
    expect(sealed.body).not.toContain(entry(fixed.world, 1));
  });

  it('unaudited-access: record views and break-glasses write no audit entry; fixed: both audited', async () => {
    for (const [site, expected] of [
      [sites.flawed('unaudited-access'), 0],
      [sites.fixed, 3],
    ] as const) {
      const { browser, world } = await loggedIn(site);
      expect((await open(browser, nhs(world, 0))).body).toContain(entry(world, 0));
      await browser.submit(`${P}/records/p2/break-glass`, `${P}/records/p2/break-glass`, { reason: 'Emergency treatment, patient unconscious' });
      expect((await browser.get(`${P}/records/p2`)).body).toContain(entry(world, 1));
      expect(await auditOf(site)).toHaveLength(expected);
    }
  });
});

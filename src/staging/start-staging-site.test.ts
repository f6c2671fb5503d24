import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHouseholdWorld, defaultNhsCovidWorld } from './default-worlds.js';
import { startStagingSite, type StagingSite } from './start-staging-site.js';
import { stagingFlaws, stagingVariants } from './staging-flaws.js';
import { requestIdOf, seed, stateOf, TestBrowser } from './test-browser.js';

const TOKEN = 'site-test-token';
let open: StagingSite;
let closed: StagingSite;

beforeAll(async () => {
  open = await startStagingSite({ seedToken: TOKEN });
  closed = await startStagingSite({});
});
afterAll(async () => {
  await open.close();
  await closed.close();
});

describe('the staging site', () => {
  it('binds 127.0.0.1 on an ephemeral port and serves an index of the five models', async () => {
    expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(open.port).toBeGreaterThan(0);
    const page = await new TestBrowser(open.url).get('/');
    expect(page.status).toBe(200);
    for (const model of Object.keys(stagingFlaws)) expect(page.body).toContain(`/${model}/`);
  });

  it('puts a nonce and a generation time on every page, different between two loads', async () => {
    const browser = new TestBrowser(open.url);
    for (const path of ['/', '/nhs-covid-booking/', '/sealed-envelope/login', '/record-access/login', '/referral-smartcard/login', '/household-booking/']) {
      const a = await browser.get(path);
      const b = await browser.get(path);
      expect(requestIdOf(a.body), path).toMatch(/^[0-9a-f]{24}$/);
      expect(requestIdOf(a.body)).not.toBe(requestIdOf(b.body));
      expect(a.body).toMatch(/Page generated at <time datetime="[^"]+">\d\d:\d\d:\d\d<\/time>/);
      expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    }
    const api = await browser.get('/household-booking/api/slots');
    const [x, y] = [JSON.parse(api.body) as { meta: { requestId: string } }, JSON.parse((await browser.get('/household-booking/api/slots')).body) as { meta: { requestId: string } }];
    expect(x.meta.requestId).not.toBe(y.meta.requestId);
  });

  it('answers 404 pages for unknown paths and 405 for a wrong method', async () => {
    const browser = new TestBrowser(open.url);
    expect((await browser.get('/nope')).status).toBe(404);
    expect((await browser.get('/household-booking/api/nope')).headers.get('content-type')).toMatch(/json/);
    expect((await browser.request('DELETE', '/nhs-covid-booking/verify')).status).toBe(405);
  });

  it('has no seeding endpoint without a configured token (404), and refuses a wrong or missing token (403)', async () => {
    const body = JSON.stringify({ model: 'nhs-covid-booking', world: defaultNhsCovidWorld() });
    const post = (base: string, headers: Record<string, string>) =>
      fetch(new URL('/__bookfuzz/seed', base), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post(closed.url, { 'x-bookfuzz-seed-token': TOKEN })).status).toBe(404);
    expect((await fetch(new URL('/__bookfuzz/state?model=nhs-covid-booking', closed.url))).status).toBe(404);
    expect((await post(open.url, { 'x-bookfuzz-seed-token': 'wrong' })).status).toBe(403);
    expect((await post(open.url, {})).status).toBe(403);
    expect((await fetch(new URL('/__bookfuzz/state?model=nhs-covid-booking', open.url), { headers: { 'x-bookfuzz-seed-token': 'x' } })).status).toBe(403);
    expect((await post(open.url, { 'x-bookfuzz-seed-token': TOKEN })).status).toBe(200);
  });

  it('seeds a world and reads it back; refuses a world of the wrong shape or an unknown model', async () => {
    const world = defaultHouseholdWorld();
    world.today = '2026-04-01';
    await seed(open.url, TOKEN, 'household-booking', world);
    const state = await stateOf<{ world: { today: string }; audit: unknown[] }>(open.url, TOKEN, 'household-booking');
    expect(state.world.today).toBe('2026-04-01');
    expect(state.audit).toEqual([]);
    const bad = await fetch(new URL('/__bookfuzz/seed', open.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bookfuzz-seed-token': TOKEN },
      body: JSON.stringify({ model: 'household-booking', world: defaultNhsCovidWorld() }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid-world');
    const unknown = await fetch(new URL('/__bookfuzz/state?model=nope', open.url), { headers: { 'x-bookfuzz-seed-token': TOKEN } });
    expect(unknown.status).toBe(400);
  });

  it('keeps a parallel world per x-bookfuzz-world name: seeded apart, sessions apart, the name echoed; refused without a seed token', async () => {
    const post = (world: string | undefined, body: unknown, base = open.url) =>
      fetch(new URL('/__bookfuzz/seed', base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bookfuzz-seed-token': TOKEN, ...(world ? { 'x-bookfuzz-world': world } : {}) },
        body: JSON.stringify(body),
      });
    const today = async (world: string | undefined) => {
      const res = await fetch(new URL('/__bookfuzz/state?model=household-booking', open.url), {
        headers: { 'x-bookfuzz-seed-token': TOKEN, ...(world ? { 'x-bookfuzz-world': world } : {}) },
      });
      return ((await res.json()) as { world: { today: string } }).world.today;
    };
    const a = defaultHouseholdWorld();
    a.today = '2026-05-01';
    const b = defaultHouseholdWorld();
    b.today = '2026-06-01';
    const seededA = await post('lane-a', { model: 'household-booking', world: a });
    expect(await seededA.json()).toEqual({ seeded: 'household-booking', world: 'lane-a' });
    await post('lane-b', { model: 'household-booking', world: b });
    expect(await today('lane-a')).toBe('2026-05-01');
    expect(await today('lane-b')).toBe('2026-06-01');
    expect(await today(undefined)).not.toBe('2026-05-01');
    // A session opened in one world does not exist in another.
    const page = await fetch(new URL('/household-booking/', open.url), { headers: { 'x-bookfuzz-world': 'lane-a' } });
    expect(page.status).toBe(200);
    expect((await fetch(new URL('/nope', open.url), { headers: { 'x-bookfuzz-world': 'bad name!' } })).status).toBe(400);
    expect((await post('lane-a', { model: 'household-booking', world: a }, closed.url)).status).toBe(400);
  });

  it('drops the least recently used parallel world past its limit', async () => {
    const small = await startStagingSite({ seedToken: TOKEN, maxWorlds: 2 });
    try {
      const seedAt = (world: string, today: string) => {
        const w = defaultHouseholdWorld();
        w.today = today;
        return fetch(new URL('/__bookfuzz/seed', small.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-bookfuzz-seed-token': TOKEN, 'x-bookfuzz-world': world },
          body: JSON.stringify({ model: 'household-booking', world: w }),
        });
      };
      const todayOf = async (world: string) =>
        (
          (await (
            await fetch(new URL('/__bookfuzz/state?model=household-booking', small.url), { headers: { 'x-bookfuzz-seed-token': TOKEN, 'x-bookfuzz-world': world } })
          ).json()) as { world: { today: string } }
        ).world.today;
      await seedAt('w1', '2026-01-01');
      await seedAt('w2', '2026-01-02');
      expect(await todayOf('w1')).toBe('2026-01-01'); // w1 used last: w2 is now the oldest
      await seedAt('w3', '2026-01-03');
      expect(await todayOf('w1')).toBe('2026-01-01');
      expect(await todayOf('w2')).toBe(defaultHouseholdWorld().today); // dropped, back to the default world
    } finally {
      await small.close();
    }
  });

  it('escapes user data in pages', async () => {
    const world = defaultNhsCovidWorld();
    const p = world.patients[0];
    if (!p) throw new Error('no patient');
    p.identity.givenName = '<script>alert("x")</script>';
    p.identity.familyName = 'O\'Brien & <b>Sons</b>';
    await seed(open.url, TOKEN, 'nhs-covid-booking', world);
    const browser = new TestBrowser(open.url);
    await browser.submit('/nhs-covid-booking/', '/nhs-covid-booking/identity', { nhsNumber: p.identity.nhsNumber });
    const { outbox } = await stateOf<{ outbox: { code: string }[] }>(open.url, TOKEN, 'nhs-covid-booking');
    const page = await browser.submit('/nhs-covid-booking/verify', '/nhs-covid-booking/verify', { code: outbox.at(-1)?.code ?? '' });
    expect(page.path).toBe('/nhs-covid-booking/your-vaccinations');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(page.body).toContain('O&#39;Brien &#38; &#60;b&#62;Sons&#60;/b&#62;');
  });

  it('refuses a POST without the CSRF token (403)', async () => {
    const browser = new TestBrowser(open.url);
    await browser.get('/nhs-covid-booking/');
    const page = await browser.post('/nhs-covid-booking/identity', { nhsNumber: '9999999913' });
    expect(page.status).toBe(403);
  });

  it('knows every flaw, gives the variants, and refuses an unknown flaw', async () => {
    expect(stagingVariants('fixed')).toEqual([]);
    expect(stagingVariants('vulnerable')).toHaveLength(15);
    expect(new Set(stagingVariants('vulnerable')).size).toBe(15);
    await expect(startStagingSite({ flaws: ['no-such-flaw'] })).rejects.toThrow(/no flaw "no-such-flaw"/);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { escapeHtml, json, page, redirect, startZooSite, type ZooFixture, type ZooSite } from './zoo-site.js';

const identity = (n: number) => ({
  nhsNumber: `99900000${n}${n}`,
  nhi: `ZZZ00${n}${n}`,
  givenName: `Siân ${n}`,
  familyName: "O'Brien",
  dateOfBirth: '1980-01-0' + n,
  postcode: 'LS1 4AP',
  phone: '07700 900' + n + n + n,
  email: `p${n}@example.test`,
});

/** A tiny site: a page with a form, a log-in by NHS number (cookie or token), a record, log-out. */
const demo: ZooFixture = {
  name: 'framework-demo',
  channel: 'none',
  oracle: 'indistinguishable',
  description: 'test fixture',
  spec: '/dev/null',
  routes: [
    { method: 'GET', path: '/', handle: (c) => page('Start', `<h1>Start</h1><form method="post" action="/login">${c.csrfInput()}<input name="nhsNumber"></form>`) },
    {
      method: 'POST',
      path: '/login',
      handle: (c) => {
        const p = c.world.byNhsNumber(c.form['nhsNumber'] ?? '');
        if (!p) return page('Log in', '<p>Unknown</p>', { status: 401 });
        c.logIn(p.id, 'cookie');
        return redirect('/record');
      },
    },
    { method: 'POST', path: '/api/login', csrf: false, handle: (c) => json({ token: c.logIn(String((c.body as { id: string }).id), 'token') }) },
    { method: 'GET', path: '/record', handle: (c) => (c.patient ? page('Record', `<p>${escapeHtml(c.patient.identity.givenName)}</p>`) : redirect('/')) },
    { method: 'GET', path: '/api/me', handle: (c) => (c.patient ? json({ name: c.patient.identity.givenName }) : json({ error: 'log in' }, { status: 401 })) },
  ],
};

let site: ZooSite | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

/** A minimal browser: keeps cookies, does not follow redirects. */
function browser(base: string) {
  const jar = new Map<string, string>();
  return {
    jar,
    async send(path: string, init: RequestInit = {}) {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const answer = await fetch(base + path, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
      for (const line of answer.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const [name, value] = (pair ?? '').split('=');
        if (!name) continue;
        if (/Max-Age=0/.test(line)) jar.delete(name);
        else jar.set(name, value ?? '');
      }
      return { answer, body: await answer.text() };
    },
  };
}

const field = (body: string, re: RegExp) => re.exec(body)?.[1];

async function seed(base: string, patients: object[]) {
  const answer = await fetch(`${base}/__zoo/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ patients }) });
  expect(answer.status).toBe(200);
}

describe('zoo site noise layer', () => {
  it('two loads of the same page differ in every kind of noise while the content stays the same', async () => {
    site = await startZooSite(demo, 'fixed');
    await seed(site.url, [{ id: 'p1', identity: identity(1) }]);
    const b = browser(site.url);
    const first = await b.send('/');
    await new Promise((r) => setTimeout(r, 5));
    const second = await b.send('/');
    const h1 = first.answer.headers;
    const h2 = second.answer.headers;
    expect(h1.get('x-request-id')).not.toBe(h2.get('x-request-id'));
    expect(h1.get('etag')).not.toBe(h2.get('etag'));
    expect(h1.get('content-security-policy')).not.toBe(h2.get('content-security-policy'));
    expect(field(first.body, /Reference: (\S+)</)).toBe(h1.get('x-request-id'));
    expect(field(first.body, /<meta name="request-id" content="([^"]+)"/)).toBe(h1.get('x-request-id'));
    expect(field(first.body, /nonce="([^"]+)"/)).not.toBe(field(second.body, /nonce="([^"]+)"/));
    expect(Number(field(second.body, /Visitor number (\d+)/))).toBeGreaterThan(Number(field(first.body, /Visitor number (\d+)/)));
    expect(field(first.body, /generated at (\S+)</)).not.toBe(field(second.body, /generated at (\S+)</));
    expect(field(first.body, /Support code ([0-9a-f]{12})</)).not.toBe(field(second.body, /Support code ([0-9a-f]{12})</));
    expect(field(first.body, /name="_csrf" value="([^"]+)"/)).not.toBe(field(second.body, /name="_csrf" value="([^"]+)"/));
    const visit = (h: Headers) => h.getSetCookie().find((c) => c.startsWith('zoo_visit='));
    expect(visit(h1)).toBeDefined();
    expect(visit(h1)).not.toBe(visit(h2));
    expect(field(first.body, /<main>([\s\S]*?)<\/main>/)?.replace(/value="[^"]+"/, '')).toBe(field(second.body, /<main>([\s\S]*?)<\/main>/)?.replace(/value="[^"]+"/, ''));
    // Banner and news order are drawn per answer: over 30 loads both vary.
    const banners = new Set<string>();
    const orders = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const { body } = await b.send('/');
      banners.add(field(body, /class="banner">([^<]+)</) ?? '');
      orders.add(field(body, /<ul class="news">([\s\S]*?)<\/ul>/) ?? '');
    }
    expect(banners.size).toBeGreaterThan(1);
    expect(orders.size).toBeGreaterThan(1);
  });

  it('rotates the session cookie on every authenticated answer and keeps the old id valid for a while', async () => {
    site = await startZooSite(demo, 'fixed');
    await seed(site.url, [{ id: 'p1', identity: identity(1) }]);
    const b = browser(site.url);
    const start = await b.send('/');
    const csrf = field(start.body, /name="_csrf" value="([^"]+)"/) ?? '';
    const login = await b.send('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}&nhsNumber=${identity(1).nhsNumber}` });
    expect(login.answer.status).toBe(302);
    const first = b.jar.get('zoo_session');
    const record = await b.send('/record');
    expect(record.body).toContain('Siân 1');
    const second = b.jar.get('zoo_session');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const old = await fetch(`${site.url}/record`, { headers: { cookie: `zoo_session=${first}` }, redirect: 'manual' });
    expect(await old.text()).toContain('Siân 1');
  });

  it('refuses a form post without a valid CSRF token and accepts any of the last 20', async () => {
    site = await startZooSite(demo, 'fixed');
    await seed(site.url, [{ id: 'p1', identity: identity(1) }]);
    const b = browser(site.url);
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) tokens.push(field((await b.send('/')).body, /name="_csrf" value="([^"]+)"/) ?? '');
    const post = (token: string) => b.send('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${token}&nhsNumber=${identity(1).nhsNumber}` });
    expect((await post('forged')).answer.status).toBe(403);
    expect((await post(tokens[0] ?? '')).answer.status).toBe(302);
  });

  it('a seed replaces the world and ends every session', async () => {
    site = await startZooSite(demo, 'fixed');
    await seed(site.url, [{ id: 'p1', identity: identity(1) }]);
    const login = await fetch(`${site.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'p1' }) });
    const { token, requestId, visit, tip, links, generatedAt } = (await login.json()) as Record<string, unknown>;
    expect([requestId, visit, tip, links, generatedAt].every((v) => v !== undefined)).toBe(true);
    const me = await fetch(`${site.url}/api/me`, { headers: { authorization: `Bearer ${String(token)}` } });
    expect(((await me.json()) as { name: string }).name).toBe('Siân 1');
    await seed(site.url, [{ id: 'p2', identity: identity(2) }]);
    const after = await fetch(`${site.url}/api/me`, { headers: { authorization: `Bearer ${String(token)}` } });
    expect(after.status).toBe(401);
    const b = browser(site.url);
    const csrf = field((await b.send('/')).body, /name="_csrf" value="([^"]+)"/) ?? '';
    const old = await b.send('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}&nhsNumber=${identity(1).nhsNumber}` });
    expect(old.answer.status).toBe(401);
    expect(site.requests()).toBeGreaterThan(5);
  });

  it('refuses a seed that is not a list of patients', async () => {
    site = await startZooSite(demo, 'fixed');
    const answer = await fetch(`${site.url}/__zoo/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ patients: [{ name: 'x' }] }) });
    expect(answer.status).toBe(400);
  });
});

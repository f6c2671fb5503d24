import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isBookfuzzError, type BookfuzzError } from '../errors.js';
import type { Model } from '../model/model.js';
import { oracles } from '../oracles/index.js';
import { createLiveSite } from '../http/create-live-site.js';
import { fuzzLive as fuzzTarget } from '../live/fuzz-live.js';
import { startTestServer, type TestServer } from '../harness/test-server.js';
import { loadSpecModel } from './load-spec-model.js';
import { jarWithout } from './spec-binding.js';
import { fuzzLive } from './spec-test-support.js';
import type { SpecWorld } from './spec-world.js';

/**
 * Fixture sites for sessions as real sites carry them. The cookie site has a public start page
 * that answers 200 with the signed-out view and a new cookie to anyone without a live session,
 * and a private page; it rotates the session cookie on every answer served as a session, hands a
 * client id cookie to every browser without one, and clears a session cookie it no longer knows.
 * `survives` keeps the server-side session after log-out (only the browser's cookie is cleared).
 * The API site carries a bearer token; `survives` keeps the token usable.
 */
function cookieSite(survives: boolean) {
  const sessions = new Map<string, { name: string; nhs: string }>();
  const cookieOf = (req: IncomingMessage, name: string) => new RegExp(`(?:^|;\\s*)${name}=([^;]+)`).exec(req.headers.cookie ?? '')?.[1];
  const html = (res: ServerResponse, body: string) =>
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><body>${body}</body></html>`);
  return (req: IncomingMessage, res: ServerResponse, body: string) => {
    const form = new URLSearchParams(body);
    const sid = cookieOf(req, 'sid') ?? '';
    const session = sessions.get(sid);
    const cookies: string[] = [];
    if (cookieOf(req, 'client') === undefined) cookies.push(`client=${randomBytes(12).toString('hex')}; Path=/`);
    if (session) {
      const next = randomBytes(16).toString('hex');
      sessions.set(next, session);
      cookies.push(`sid=${next}; Path=/; HttpOnly`);
    } else if (sid !== '' && !sid.startsWith('anon')) cookies.push('sid=; Path=/; Max-Age=0');
    res.setHeader('set-cookie', cookies);
    switch (`${req.method} ${req.url}`) {
      case 'POST /login': {
        const id = randomBytes(16).toString('hex');
        sessions.set(id, { name: form.get('name') ?? '', nhs: form.get('nhs') ?? '' });
        return res.writeHead(303, { location: '/start', 'set-cookie': [...cookies.filter((c) => !c.startsWith('sid=')), `sid=${id}; Path=/; HttpOnly`] }).end();
      }
      case 'GET /start':
        if (session) return html(res, `<h1>Welcome back</h1><p>Signed in as ${session.name}</p><a href="/private">Your record</a>`);
        res.setHeader('set-cookie', [...cookies.filter((c) => !c.startsWith('sid=')), `sid=anon${randomBytes(8).toString('hex')}; Path=/; HttpOnly`]);
        return html(res, `<h1>Welcome</h1><p>You are signed out.</p><form method="post" action="/login"><input type="hidden" name="_csrf" value="${randomBytes(16).toString('hex')}"></form>`);
      case 'GET /private':
        if (session) return html(res, `<h1>Your record</h1><p>${session.name}, NHS number ${session.nhs}</p>`);
        return res.writeHead(303, { location: '/sign-in' }).end();
      case 'GET /sign-in':
        return html(res, '<h1>Sign in</h1>');
      case 'POST /logout':
        // Fixed: every id the session had dies with it. Surviving: only the browser forgets it.
        if (!survives) for (const [id, held] of sessions) if (held === session) sessions.delete(id);
        res.setHeader('set-cookie', [...cookies.filter((c) => !c.startsWith('sid=')), 'sid=; Path=/; Max-Age=0']);
        return html(res, '<h1>You have signed out</h1>');
      default:
        return res.writeHead(404).end();
    }
  };
}

function tokenSite(survives: boolean) {
  const tokens = new Map<string, { name: string }>();
  const json = (res: ServerResponse, status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  return (req: IncomingMessage, res: ServerResponse, body: string) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const holder = tokens.get(token);
    switch (`${req.method} ${req.url}`) {
      case 'POST /api/login': {
        const issued = randomBytes(24).toString('base64url');
        tokens.set(issued, { name: (JSON.parse(body) as { name: string }).name });
        return json(res, 200, { token: issued });
      }
      case 'GET /api/status':
        return json(res, 200, { service: 'up', clinics: 3 });
      case 'GET /api/me':
        return holder ? json(res, 200, { familyName: holder.name, appointments: 1 }) : json(res, 401, { error: 'sign in first' });
      case 'POST /api/logout':
        if (!survives) tokens.delete(token);
        return json(res, 200, { signedOut: true });
      default:
        return json(res, 404, { error: 'no such path' });
    }
  };
}

const identities = `identities: { count: 1, fields: { flag: { oneOf: [a, b] } } }
secrets:
  flag: { field: flag, values: [a, b], hiddenFrom: [patient] }
`;

const cookieSpec = (session = 'session: { cookie: sid }') => `name: cookie-fixture
title: Cookie sessions
description: A public start page, a private page, log-in and log-out.
${session}
${identities}
actors:
  patient:
    is: 0
    login:
      - { method: POST, path: /login, form: { nhs: "{{self.nhsNumber}}", name: "{{self.familyName}}" } }
actions:
  open-start: { actors: [patient], requests: [{ path: /start }] }
  open-private:
    actors: [patient]
    requests: [{ path: /private }]
    okIf: [{ status: 200, path: /private }]
  log-out:
    actors: [patient]
    requests: [{ method: POST, path: /logout, keepCookies: true }]
    ends: [{ actor: self, reason: logout }]
journeys:
  patient: [open-start, log-out, open-start, open-private]
maxSteps: 5
`;

const tokenSpec = (session = 'session: { extract: token }') => `name: token-fixture
title: Bearer sessions
description: A JSON API whose session is a bearer token taken at log-in.
${session}
${identities}
actors:
  patient:
    is: 0
    login:
      - { method: POST, path: /api/login, json: { name: "{{self.familyName}}" }, extract: { token: { json: /token } } }
actions:
  status:
    actors: [patient]
    requests: [{ path: /api/status, headers: { authorization: "Bearer {{extract.token}}" } }]
  me:
    actors: [patient]
    requests: [{ path: /api/me, headers: { authorization: "Bearer {{extract.token}}" } }]
  log-out:
    actors: [patient]
    requests: [{ method: POST, path: /api/logout, headers: { authorization: "Bearer {{extract.token}}" } }]
    ends: [{ actor: self, reason: logout }]
journeys:
  patient: [status, log-out, status, me]
maxSteps: 5
`;

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(handler: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const server = await startTestServer(handler);
  servers.push(server);
  return server;
}

const load = (text: string) => loadSpecModel('/specs/fixture.yaml', { text });
const sessionFindings = async (model: Model, url: string) =>
  (await fuzzLive(model, { url, runs: 25, seed: 5, oracles: ['session-dies'] })).findings.filter((f) => f.oracle === 'session-dies');

describe('session-dies decides "served" from evidence, never from a 2xx alone', () => {
  it('a public page that answers 200 with the signed-out view and a new cookie after log-out is no finding', async () => {
    const site = await serve(cookieSite(false));
    const model = await load(cookieSpec());
    expect(await sessionFindings(model, site.baseUrl)).toEqual([]);
    expect(model.http?.notes?.()).toEqual([]);

    // The step that the old rule (any 2xx) called served: judged on the anonymous answers instead.
    const binding = model.http;
    if (!binding) throw new Error('no binding');
    const live = createLiveSite({ baseUrl: site.baseUrl });
    const world = (await import('fast-check')).sample(model.world, { seed: 3, numRuns: 1 })[0] as SpecWorld;
    try {
      await binding.setup(world, live);
      await binding.perform({ actor: 'patient', action: 'open-start', input: {} }, live, world);
      const out = await binding.perform({ actor: 'patient', action: 'log-out', input: {} }, live, world);
      const after = await binding.perform({ actor: 'patient', action: 'open-start', input: {} }, live, world);
      expect(after.outcome).toBe('ok');
      expect(after.session).toBe(out.endedSessions?.[0]?.session);
      expect(after.anonymous?.observations).toHaveLength(2);
      expect(after.anonymous?.owner).toBe('p1');
    } finally {
      await live.close();
    }
  }, 60_000);

  it("a server-side session that survives log-out is found: the private page still shows the owner's name", async () => {
    const site = await serve(cookieSite(true));
    const findings = await sessionFindings(await load(cookieSpec()), site.baseUrl);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]?.message).toMatch(/was served with a session that ended at step \d+ \(logout\): the answer shows familyName of p1/);
  }, 60_000);

  it('a bearer token that survives log-out is found with session: { extract: token }', async () => {
    const site = await serve(tokenSite(true));
    const model = await load(tokenSpec());
    const findings = await sessionFindings(model, site.baseUrl);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]?.message).toMatch(/"me" by patient was served with a session that ended at step \d+ \(logout\): the answer shows familyName of p1/);
    expect(model.http?.notes?.()).toEqual([]);
  }, 60_000);

  it('a revoked bearer token is no finding, though the public status answers 200 to it; the anonymous client sends "Bearer " with nothing', async () => {
    const site = await serve(tokenSite(false));
    expect(await sessionFindings(await load(tokenSpec()), site.baseUrl)).toEqual([]);
    const bare = site.seen.filter((r) => r.url === '/api/status' && /^Bearer\s*$/.test(r.headers.authorization ?? ''));
    expect(bare.length).toBeGreaterThan(0);
  }, 60_000);
});

describe('the anonymous client is the browser without its session', () => {
  it('keeps every cookie of the jar but the session cookie', async () => {
    const site = await serve((_req, res) => res.writeHead(200, { 'set-cookie': ['sid=s1; Path=/', 'client=c1; Path=/', 'consent=yes; Path=/'] }).end('ok'));
    const live = createLiveSite({ baseUrl: site.baseUrl });
    try {
      const browser = live.actor('patient');
      await browser.request({ method: 'GET', path: '/' });
      const anonymous = live.actor('(anonymous-1)');
      anonymous.restoreCookies(jarWithout(browser.saveCookies(), 'sid') ?? '');
      expect([anonymous.cookie('sid'), anonymous.cookie('client'), anonymous.cookie('consent')]).toEqual([undefined, 'c1', 'yes']);
      expect(jarWithout('not a jar', 'sid')).toBeUndefined();
    } finally {
      await live.close();
    }
  });
});

describe('a declared session that is never seen is said, never passed silently', () => {
  it('a cookie no answer sets: the run notes say session-dies could not judge any step', async () => {
    const site = await serve(cookieSite(true));
    const model = await load(cookieSpec('session: { cookie: hb_session }'));
    expect(await sessionFindings(model, site.baseUrl)).toEqual([]);
    expect(model.http?.notes?.()).toEqual(['session cookie hb_session was never set: session-dies could not judge any step']);
  }, 60_000);

  it('a response header the site never sends, through fuzz-live into the run document', async () => {
    const site = await serve(tokenSite(true));
    const model = await load(tokenSpec('session: { header: x-session }'));
    const { document } = await fuzzTarget(model, oracles, { target: site.baseUrl, runs: 5, seed: 5, oracles: ['session-dies'], confirmations: 1 });
    expect(document.notes).toContain('session header x-session was never in an answer: session-dies could not judge any step');
  }, 60_000);

  it('a session extract no extractor sets is refused at load, with file, line and field', async () => {
    const error = await failure(tokenSpec('session: { extract: tokn }'));
    expect(error.code).toBe('BF_MODEL_INVALID');
    expect(error.message).toMatch(/session extract "tokn" is set by no extractor \(known: token\)/);
    expect(error.where).toMatch(/^\/specs\/fixture\.yaml:4:\d+ session\.extract$/);
  });

  it('a session must name exactly one of cookie, header, extract', async () => {
    const error = await failure(tokenSpec('session: { cookie: sid, extract: token }'));
    expect(error.message).toMatch(/exactly one of cookie, header, extract/);
    expect(error.where).toMatch(/fixture\.yaml:4:\d+ session$/);
  });
});

async function failure(text: string): Promise<BookfuzzError> {
  try {
    await load(text);
  } catch (error) {
    if (isBookfuzzError(error)) return error;
    throw error;
  }
  throw new Error('expected the spec to be refused');
}

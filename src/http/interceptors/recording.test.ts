import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveSite, type LiveSiteHandle } from '../create-live-site.js';
import { REDACTED, redactBody, redactHeaders } from '../redact.js';
import { startTestServer, type TestServer } from '../../harness/test-server.js';
import type { RecordedExchange } from '../types.js';
import { recording } from './recording.js';

describe('recording', () => {
  let server: TestServer | undefined;
  const sites: LiveSiteHandle[] = [];
  afterEach(async () => {
    await Promise.all(sites.splice(0).map((s) => s.close()));
    await server?.close();
    server = undefined;
  });

  it('records every request sent, with cookies, tokens and passwords redacted', async () => {
    server = await startTestServer((req, res) => {
      if (req.url === '/login') {
        res.writeHead(303, { location: '/home', 'set-cookie': ['sid=SESSION-SECRET-1; Path=/; HttpOnly', 'csrf=CSRF-SECRET-2; Path=/'] });
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'text/html', 'x-csrf-token': 'HEADER-SECRET-3' });
      res.end('<h1>Home</h1>');
    });
    const site = createLiveSite({ baseUrl: server.baseUrl, seedToken: 'SEED-SECRET-4' });
    sites.push(site);
    const actor = site.actor('patient');
    await actor.request({
      method: 'POST',
      path: '/login',
      form: { nhsNumber: '9990000018', password: 'PASSWORD-SECRET-5', _csrf: 'CSRF-SECRET-6', code: 'CODE-SECRET-7', postcode: 'SW1A 1AA' },
      headers: { authorization: 'Bearer AUTH-SECRET-8' },
    });
    await actor.request({ method: 'POST', path: '/__bookfuzz/seed', json: { token: 'JSON-SECRET-9', nested: { passcode: 'JSON-SECRET-10' }, family: 'Smith' } });

    const exchanges = site.exchanges();
    expect(exchanges.map((e) => `${e.actor} ${e.method} ${e.path} ${e.status}`)).toEqual([
      'patient POST /login 303',
      'patient GET /home 200',
      'patient POST /__bookfuzz/seed 200',
    ]);
    const text = JSON.stringify(exchanges);
    for (const secret of ['SESSION-SECRET-1', 'CSRF-SECRET-2', 'HEADER-SECRET-3', 'SEED-SECRET-4', 'PASSWORD-SECRET-5', 'CSRF-SECRET-6', 'CODE-SECRET-7', 'AUTH-SECRET-8', 'JSON-SECRET-9', 'JSON-SECRET-10']) {
      expect(text, secret).not.toContain(secret);
    }
    const [login, home, seed] = exchanges;
    expect(login?.requestBody).toBe(`nhsNumber=9990000018&password=${REDACTED}&_csrf=${REDACTED}&code=${REDACTED}&postcode=SW1A+1AA`);
    expect(login?.requestHeaders['authorization']).toBe(`Bearer ${REDACTED}`);
    expect(login?.responseHeaders['set-cookie']).toBe(`sid=${REDACTED}; Path=/; HttpOnly\ncsrf=${REDACTED}; Path=/`);
    expect(login?.redirects).toEqual([{ status: 303, from: '/login', location: '/home' }]);
    expect(home?.requestHeaders['cookie']).toBe(`sid=${REDACTED}; csrf=${REDACTED}`);
    expect(home?.responseHeaders['x-csrf-token']).toBe(REDACTED);
    expect(home?.bodyBytes).toBe('<h1>Home</h1>'.length);
    expect(seed?.requestHeaders['x-bookfuzz-seed-token']).toBe(REDACTED);
    expect(JSON.parse(seed?.requestBody ?? '')).toEqual({ token: REDACTED, nested: { passcode: REDACTED }, family: 'Smith' });

    // Taken as recorded: read or serialized, they are the same redacted exchanges, and the raw parts cannot be reached.
    const taken = site.takeExchanges();
    expect(taken.map((e) => e.redacted())).toEqual(exchanges);
    expect(JSON.parse(JSON.stringify(taken))).toEqual(JSON.parse(text));
    expect(taken.map((e) => [e.actor, e.timeMs >= 0])).toEqual([['patient', true], ['patient', true], ['patient', true]]);
    const visible = JSON.stringify(taken.map((e) => ({ ...e, fields: Object.keys(e) })));
    expect(visible).not.toContain('SECRET');
    expect(site.exchanges()).toEqual([]);
    expect(site.requestCount()).toBe(3);
  });

  it('redaction helpers keep names and attributes, never values', () => {
    expect(redactHeaders({ Cookie: 'a=1; b=2', 'X-Other': 'kept' })).toEqual({ cookie: `a=${REDACTED}; b=${REDACTED}`, 'x-other': 'kept' });
    expect(redactBody('a=1&csrfmiddlewaretoken=zz&authenticity_token=yy', 'application/x-www-form-urlencoded; charset=utf-8')).toBe(
      `a=1&csrfmiddlewaretoken=${REDACTED}&authenticity_token=${REDACTED}`,
    );
    expect(redactBody('[{"nonce":"n"}]', 'application/json')).toBe(`[{"nonce":"${REDACTED}"}]`);
    // Whole-key names, any case; a key written with escapes is still read as the key it is.
    expect(redactBody('{"world":{"PIN":"1234","Code":"9"}}', 'application/json')).toBe(`{"world":{"PIN":"${REDACTED}","Code":"${REDACTED}"}}`);
    expect(redactBody('{"\\u0074oken":"t"}', 'application/json')).toBe(`{"token":"${REDACTED}"}`);
    // Nothing secret: the body is kept byte for byte (not re-serialized).
    expect(redactBody('{ "world": {"codes": [1.50, "pinned"]} }', 'application/json')).toBe('{ "world": {"codes": [1.50, "pinned"]} }');
  });

  it('headers given as a generator reach the site and the record alike', async () => {
    server = await startTestServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`${req.headers['x-one']}|${req.headers['cookie']}`);
    });
    const kept: RecordedExchange[] = [];
    const agent = new Agent();
    try {
      const dispatcher = agent.compose(recording({ actor: 'patient', baseOrigin: new URL(server.baseUrl).origin, onExchange: (e) => kept.push(e) }));
      function* headers(): Generator<[string, string]> {
        yield ['x-one', '1'];
        yield ['cookie', 'sid=SESSION-SECRET'];
      }
      const answer = await dispatcher.request({ origin: new URL(server.baseUrl).origin, path: '/echo', method: 'GET', headers: headers() });
      expect(await answer.body.text()).toBe('1|sid=SESSION-SECRET');
      expect(kept.map((e) => e.redacted().requestHeaders)).toEqual([{ 'x-one': '1', cookie: `sid=${REDACTED}` }]);
    } finally {
      await agent.close();
    }
  });
});

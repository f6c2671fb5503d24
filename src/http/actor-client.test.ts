import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { CookieJar } from 'tough-cookie';
import { afterEach, describe, expect, it } from 'vitest';
import { BookfuzzError } from '../errors.js';
import { observeResponses } from '../observe/observe-responses.js';
import { createLiveSite, type LiveSiteHandle, type LiveSiteOptions } from './create-live-site.js';
import { startTestServer, type TestServer } from '../harness/test-server.js';

const servers: TestServer[] = [];
const sites: LiveSiteHandle[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handle: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const server = await startTestServer(handle);
  servers.push(server);
  return server;
}

function site(server: TestServer, options: Partial<LiveSiteOptions> = {}): LiveSiteHandle {
  const s = createLiveSite({ baseUrl: server.baseUrl, ...options });
  sites.push(s);
  return s;
}

async function failure(promise: Promise<unknown>): Promise<BookfuzzError> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof BookfuzzError)) throw new Error(`expected a BookfuzzError, got ${String(outcome)}`);
  return outcome;
}

function redirect(res: ServerResponse, status: number, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { location, ...headers });
  res.end();
}

describe('hostile or broken servers', () => {
  it('a server that answers too slowly gives BF_TRANSPORT (timeout)', async () => {
    const server = await serve((_req, res) => {
      setTimeout(() => res.end('late'), 2_000).unref();
    });
    const error = await failure(site(server, { timeoutMs: 300 }).actor('v').request({ method: 'GET', path: '/slow' }));
    expect(error.code).toBe('BF_TRANSPORT');
    expect(error.message).toMatch(/timeout/);
    expect(error.where).toBe('GET /slow');
  });

  it('a body that trickles past the deadline gives BF_TRANSPORT (timeout)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const error = await failure(site(server, { timeoutMs: 400 }).actor('v').request({ method: 'GET', path: '/drip' }));
    expect(error.code).toBe('BF_TRANSPORT');
    expect(error.message).toMatch(/timeout/);
  });

  it('a huge body is cut at the cap, truncated, and the rest is never read', async () => {
    let written = 0;
    let closedEarly = false;
    const total = 200 * 1024 * 1024;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        if (written < total) closedEarly = true;
      });
      pump();
    });
    const heapBefore = process.memoryUsage().heapUsed;
    const response = await site(server, { maxBodyBytes: 100_000 }).actor('v').request({ method: 'GET', path: '/huge' });
    expect(response.status).toBe(200);
    expect(response.truncated).toBe(true);
    expect(Buffer.byteLength(response.body)).toBe(100_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedEarly).toBe(true);
    expect(written).toBeLessThan(total / 10);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('a body exactly at the cap is not truncated', async () => {
    const server = await serve((_req, res) => res.end('a'.repeat(1000)));
    const response = await site(server, { maxBodyBytes: 1000 }).actor('v').request({ method: 'GET', path: '/' });
    expect(response.truncated).toBe(false);
    expect(response.body).toHaveLength(1000);
  });

  it('a cut never leaves half a character', async () => {
    const server = await serve((_req, res) => res.end('ééééé')); // 10 bytes
    const response = await site(server, { maxBodyBytes: 5 }).actor('v').request({ method: 'GET', path: '/' });
    expect(response.truncated).toBe(true);
    expect(response.body).toBe('éé');
  });

  it('invalid UTF-8 is decoded with replacement characters', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(Buffer.from([0x3c, 0x70, 0x3e, 0x48, 0x69, 0xff, 0xfe, 0xc3, 0x21]));
    });
    const response = await site(server).actor('v').request({ method: 'GET', path: '/bytes' });
    expect(response.body).toBe('<p>Hi\uFFFD\uFFFD\uFFFD!');
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('invalid HTML comes back as it is (observing it is the parser’s job)', async () => {
    const server = await serve((_req, res) => res.end('<html><body><p><b>unclosed <table><td>cell</div></span>'));
    const response = await site(server).actor('v').request({ method: 'GET', path: '/broken' });
    expect(response.status).toBe(200);
    expect(response.body).toContain('unclosed');
    const observation = JSON.stringify(observeResponses([response]));
    expect(observation).toContain('cell');
    expect(observation).toContain('"type":"html"');
  });

  it('a connection reset gives BF_TRANSPORT', async () => {
    const server = await serve((req) => req.socket.destroy());
    const error = await failure(site(server).actor('v').request({ method: 'POST', path: '/reset', form: { a: '1' } }));
    expect(error.code).toBe('BF_TRANSPORT');
    expect(error.where).toBe('POST /reset');
    expect(error.message).toMatch(/reset|closed/);
  });

  it('a malformed response gives BF_TRANSPORT', async () => {
    const server = await serve((req) => req.socket.end('NOT HTTP AT ALL\r\n\r\n'));
    const error = await failure(site(server).actor('v').request({ method: 'GET', path: '/garbage' }));
    expect(error.code).toBe('BF_TRANSPORT');
    expect(error.message).toMatch(/malformed|closed/);
  });

  it('a refused connection gives BF_TRANSPORT', async () => {
    const server = await startTestServer((_req, res) => res.end());
    await server.close();
    const s = createLiveSite({ baseUrl: server.baseUrl });
    sites.push(s);
    const error = await failure(s.actor('v').request({ method: 'GET', path: '/' }));
    expect(error.code).toBe('BF_TRANSPORT');
    expect(error.message).toMatch(/refused/);
  });

  it('a closed site gives BF_TRANSPORT, not an undici error', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const s = createLiveSite({ baseUrl: server.baseUrl });
    await s.close();
    const error = await failure(s.actor('v').request({ method: 'GET', path: '/' }));
    expect(error.code).toBe('BF_TRANSPORT');
  });
});

describe('requests', () => {
  it('sends form and JSON bodies with their content types, and measures time', async () => {
    const server = await serve((req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: req.headers['content-type'], body }));
    });
    const actor = site(server).actor('v');
    const form = await actor.request({ method: 'POST', path: '/f', form: { name: 'Zoë Ōkawa', nhs: '999 000 0018' } });
    expect(JSON.parse(form.body)).toEqual({ type: 'application/x-www-form-urlencoded', body: 'name=Zo%C3%AB+%C5%8Ckawa&nhs=999+000+0018' });
    const json = await actor.request({ method: 'PATCH', path: '/j', json: { dose: 2, ok: true } });
    expect(JSON.parse(json.body)).toEqual({ type: 'application/json', body: '{"dose":2,"ok":true}' });
    expect(json.timeMs).toBeGreaterThanOrEqual(0);
    await expect(actor.request({ method: 'POST', path: '/x', form: {}, json: {} })).rejects.toMatchObject({ code: 'BF_MODEL_INVALID' });
  });

  it('keeps at most `concurrency` requests in flight, and a cut body frees its slot', async () => {
    let inFlight = 0;
    let most = 0;
    const server = await serve((req, res) => {
      if (req.url === '/big') return void res.end('y'.repeat(10_000));
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 30);
    });
    const s = site(server, { concurrency: 2, maxBodyBytes: 100 });
    for (let i = 0; i < 6; i++) expect((await s.actor(`a${i % 2}`).request({ method: 'GET', path: '/big' })).truncated).toBe(true);
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.actor(`a${i % 3}`).request({ method: 'GET', path: `/w/${i}` })));
    expect(most).toBe(2);
  });

  it('sends the seeding token only on paths under /__bookfuzz/', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/__bookfuzz/seed') return redirect(res, 303, '/home');
      res.end('ok');
    });
    const s = site(server, { seedToken: 's3cr3t-seed' });
    await s.actor('setup').request({ method: 'POST', path: '/__bookfuzz/seed', json: { world: 1 }, headers: { 'X-Bookfuzz-Seed-Token': 'forged' } });
    await s.actor('v').request({ method: 'GET', path: '/__bookfuzzer/x', headers: { 'x-bookfuzz-seed-token': 'forged' } });
    expect(server.seen.map((r) => [r.url, r.headers['x-bookfuzz-seed-token']])).toEqual([
      ['/__bookfuzz/seed', 's3cr3t-seed'],
      ['/home', undefined],
      ['/__bookfuzzer/x', undefined],
    ]);
  });
});

describe('redirects and cookies', () => {
  async function bookingServer(): Promise<TestServer> {
    return serve((req, res, body) => {
      const cookie = req.headers.cookie ?? '';
      switch (req.url) {
        case '/login':
          return redirect(res, 303, '/account?tab=1', { 'set-cookie': `sid=${new URLSearchParams(body).get('user') ?? 'x'}-session; Path=/; HttpOnly` });
        case '/account?tab=1':
          return redirect(res, 302, '/account/home', { 'set-cookie': 'seen=1; Path=/account' });
        case '/account/home':
          return void res.end(`home; cookies: ${cookie}`);
        case '/logout':
          return redirect(res, 303, '/', { 'set-cookie': 'sid=; Path=/; Max-Age=0' });
        case '/keep':
          return redirect(res, 307, '/echo');
        case '/echo':
          return void res.end(`${req.method} ${body}`);
        case '/loop':
          return redirect(res, 302, '/loop');
        default:
          return void res.end(`page ${req.url}; cookies: ${cookie}`);
      }
    });
  }

  it('follows POST → 303 → 302 → 200 as GETs and records each hop', async () => {
    const server = await bookingServer();
    const response = await site(server).actor('alice').request({ method: 'POST', path: '/login', form: { user: 'alice' } });
    expect(response.status).toBe(200);
    expect(response.path).toBe('/account/home');
    expect(response.redirects).toEqual([
      { status: 303, from: '/login', location: '/account?tab=1' },
      { status: 302, from: '/account?tab=1', location: '/account/home' },
    ]);
    expect(response.setCookies).toEqual(['sid', 'seen']);
    // RFC 6265 order: the cookie with the longer path first.
    expect(response.body).toBe('home; cookies: seen=1; sid=alice-session');
    expect(server.seen.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual(['POST /login user=alice', 'GET /account?tab=1 ', 'GET /account/home ']);
    expect(server.seen[1]?.headers['content-type']).toBeUndefined();
  });

  it('keeps each followed hop\'s answer: headers, Set-Cookie lines and body, capped like a final body', async () => {
    const record = '<h1>Record of Tama Ngata</h1>'.repeat(10);
    const server = await serve((req, res) => {
      if (req.url === '/records/7') {
        // PHP's header('Location: …') without exit: the redirect still carries the record.
        res.writeHead(302, { location: '/login?next=records', 'set-cookie': ['seen=1; Path=/', 'sid=; Max-Age=0'], 'x-patient-status': 'registered', 'content-type': 'text/html' });
        return void res.end(record);
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<h1>Log in</h1>');
    });
    const response = await site(server, { maxBodyBytes: 100 }).actor('v').request({ method: 'GET', path: '/records/7' });
    expect(response.path).toBe('/login?next=records');
    expect(response.hops).toHaveLength(1);
    const hop = response.hops?.[0];
    expect(hop?.status).toBe(302);
    expect(hop?.headers['x-patient-status']).toBe('registered');
    expect(hop?.headers['set-cookie']).toBe('seen=1; Path=/\nsid=; Max-Age=0');
    expect(hop?.body).toBe(record.slice(0, 100));
    expect(hop?.truncated).toBe(true);
    expect(hop?.bodyBytes).toBe(100);
    expect(response.bodyBytes).toBe('<h1>Log in</h1>'.length);
    // The observation shows the hop's body and headers beside its redirect.
    const observed = JSON.stringify(observeResponses([response]));
    expect(observed).toContain('Record of Tama Ngata');
    expect(observed).toContain('"x-patient-status":"registered"');
  });

  it('307 keeps the method and body; followRedirects false records the hop and stops', async () => {
    const server = await bookingServer();
    const actor = site(server).actor('v');
    expect((await actor.request({ method: 'POST', path: '/keep', form: { a: 'b' } })).body).toBe('POST a=b');
    const stopped = await actor.request({ method: 'POST', path: '/login', form: { user: 'v' }, followRedirects: false });
    expect(stopped.status).toBe(303);
    expect(stopped.headers['location']).toBe('/account?tab=1');
    expect(stopped.redirects).toEqual([{ status: 303, from: '/login', location: '/account?tab=1' }]);
    // The redirect not followed is the answer itself: no hop answer is kept apart.
    expect(stopped.hops).toEqual([]);
  });

  it('stops a redirect loop after 10 redirects and returns the last answer', async () => {
    const server = await bookingServer();
    const response = await site(server).actor('v').request({ method: 'GET', path: '/loop' });
    expect(response.status).toBe(302);
    expect(response.redirects).toHaveLength(11);
    expect(server.seen).toHaveLength(11);
  });

  it('keeps cookies per actor: two actors never share them', async () => {
    const server = await bookingServer();
    const s = site(server);
    await s.actor('alice').request({ method: 'POST', path: '/login', form: { user: 'alice' } });
    await s.actor('bob').request({ method: 'POST', path: '/login', form: { user: 'bob' } });
    expect(s.actor('alice').cookie('sid')).toBe('alice-session');
    expect(s.actor('bob').cookie('sid')).toBe('bob-session');
    expect(s.actor('carol').cookie('sid')).toBeUndefined();
    expect((await s.actor('carol').request({ method: 'GET', path: '/x' })).body).toBe('page /x; cookies: ');
    expect((await s.actor('bob').request({ method: 'GET', path: '/x' })).body).toBe('page /x; cookies: sid=bob-session');
    expect(s.actor('alice')).toBe(s.actor('alice'));
  });

  it('a cookie read again and again still expires on time, and a path-scoped cookie goes only to its path', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/short') {
        // Expires in about a second (HTTP dates have whole seconds).
        res.setHeader('set-cookie', [`brief=1; Path=/; Expires=${new Date(Date.now() + 1_000).toUTCString()}`, 'scoped=2; Path=/account']);
        return void res.end('set');
      }
      res.end(`cookies: ${req.headers.cookie ?? ''}`);
    });
    const actor = site(server).actor('v');
    await actor.request({ method: 'GET', path: '/short' });
    expect(actor.cookie('brief')).toBe('1');
    expect((await actor.request({ method: 'GET', path: '/x' })).body).toBe('cookies: brief=1');
    expect((await actor.request({ method: 'GET', path: '/account/home' })).body).toBe('cookies: scoped=2; brief=1');
    expect((await actor.request({ method: 'GET', path: '/x?again=1' })).body).toBe('cookies: brief=1');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(actor.cookie('brief')).toBeUndefined();
    expect((await actor.request({ method: 'GET', path: '/x' })).body).toBe('cookies: ');
    expect((await actor.request({ method: 'GET', path: '/account/home' })).body).toBe('cookies: scoped=2');
  });

  it('sends every path the Cookie header tough-cookie itself would, whatever cookies and paths (property, fixed seed)', async () => {
    // The server sets whatever Set-Cookie lines the request's query lists, and echoes the Cookie header.
    const server = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const lines = url.searchParams.getAll('set');
      if (lines.length > 0) res.setHeader('set-cookie', lines);
      res.end(req.headers.cookie ?? '');
    });
    const paths = ['/', '/a', '/a/', '/a/b', '/ab', '/A', '/a/b/c'];
    const cookieLine = fc
      .record({ name: fc.constantFrom('s', 't', 'u'), value: fc.constantFrom('1', '2'), path: fc.option(fc.constantFrom(...paths), { nil: undefined }), secure: fc.boolean(), gone: fc.boolean() })
      .map(({ name, value, path, secure, gone }) => [`${name}=${value}`, ...(path ? [`Path=${path}`] : []), ...(secure ? ['Secure'] : []), ...(gone ? ['Max-Age=0'] : [])].join('; '));
    const step = fc.record({ set: fc.array(cookieLine, { maxLength: 3 }), path: fc.constantFrom(...paths, '/a/b?q=1', '/a/b/c/d') });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const actor = site(server).actor('v');
        const reference = new CookieJar(undefined, { allowSecureOnLocal: true, rejectPublicSuffixes: false });
        for (const { set, path } of steps) {
          const query = set.map((line) => `set=${encodeURIComponent(line)}`).join('&');
          const target = query === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${query}`;
          const url = new URL(target, server.baseUrl).href;
          const expected = reference.getCookieStringSync(url);
          expect((await actor.request({ method: 'GET', path: target, followRedirects: false })).body).toBe(expected);
          for (const line of set) reference.setCookieSync(line, url, { ignoreError: true });
        }
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it('saveCookies/restoreCookies replays an old session cookie after logout', async () => {
    const server = await bookingServer();
    const alice = site(server).actor('alice');
    await alice.request({ method: 'POST', path: '/login', form: { user: 'alice' } });
    const saved = alice.saveCookies();
    await alice.request({ method: 'POST', path: '/logout' });
    expect(alice.cookie('sid')).toBeUndefined();
    expect((await alice.request({ method: 'GET', path: '/x' })).body).toBe('page /x; cookies: ');
    alice.restoreCookies(saved);
    expect(alice.cookie('sid')).toBe('alice-session');
    expect((await alice.request({ method: 'GET', path: '/x' })).body).toBe('page /x; cookies: sid=alice-session');
    alice.clearCookies();
    expect(alice.cookie('sid')).toBeUndefined();
    expect(() => alice.restoreCookies('not a jar')).toThrow(BookfuzzError);
  });
});

import { Agent, buildConnector } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { BookfuzzError } from '../../errors.js';
import { createLiveSite, type LiveSiteHandle } from '../create-live-site.js';
import { startTestServer, type TestServer } from '../../harness/test-server.js';
import { allowlist } from './allowlist.js';
import { createHostAllowlist, isLoopbackHost } from './host-allowlist.js';

/** A connector that records every connection attempt and never lets one leave the machine. */
function recordingConnector(): { calls: string[]; connect: buildConnector.connector } {
  const calls: string[] = [];
  return {
    calls,
    connect: (options, callback) => {
      calls.push(options.hostname);
      callback(new Error(`test connector: no connection to ${options.hostname} is ever made`), null);
    },
  };
}

/** Real connections to loopback only; any other host is recorded and refused. */
function loopbackOnlyConnector(): { calls: string[]; connect: buildConnector.connector } {
  const calls: string[] = [];
  const real = buildConnector({});
  return {
    calls,
    connect: (options, callback) => {
      calls.push(options.hostname);
      if (!isLoopbackHost(options.hostname)) callback(new Error('test connector: not loopback'), null);
      else real(options, callback);
    },
  };
}

async function caught(promise: Promise<unknown>): Promise<BookfuzzError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BookfuzzError) return error;
    throw error;
  }
  throw new Error('expected a BookfuzzError');
}

describe('host allowlist', () => {
  it('knows loopback', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST.', '[::1]', '::1', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['192.0.2.1', '128.0.0.1', 'example.test', 'localhost.example.test', '::2', '10.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('reads WHATWG-normalized hosts, so odd spellings of other addresses stay refused', () => {
    const list = createHostAllowlist();
    expect(list.allows(new URL('http://127.1/'))).toBe(true);
    expect(list.allows(new URL('http://0x7f.0.0.1/'))).toBe(true);
    expect(list.allows(new URL('http://3221225985/'))).toBe(false); // 192.0.2.1
    expect(list.allows(new URL('http://example.test/'))).toBe(false);
  });

  it('allows listed hosts, with or without a port', () => {
    const list = createHostAllowlist(['Staging.Example.Test', '192.0.2.1:8443', 'https://other.example.test']);
    expect(list.allows(new URL('http://staging.example.test:8080/'))).toBe(true);
    expect(list.allows(new URL('https://192.0.2.1:8443/'))).toBe(true);
    expect(list.allows(new URL('https://192.0.2.1/'))).toBe(false);
    expect(list.allows(new URL('https://other.example.test/x'))).toBe(true);
    expect(list.allows(new URL('https://evil.example.test/'))).toBe(false);
  });

  it('decides an origin given as text as it decides the URL, in any order of asking, and refuses text that is no URL', () => {
    const origins = [
      'http://127.0.0.1:8080',
      'http://localhost',
      'HTTP://LOCALHOST.:3000',
      'http://[::1]:9',
      'http://staging.example.test:80',
      'http://staging.example.test',
      'https://192.0.2.1:8443',
      'https://192.0.2.1',
      'http://192.0.2.1:8443',
      'https://evil.example.test',
      'http://127.0.0.1.evil.test',
    ];
    const allowHosts = ['Staging.Example.Test', '192.0.2.1:8443'];
    const expected = origins.map((o) => createHostAllowlist(allowHosts).allows(new URL(o)));
    expect(expected).toEqual([true, true, true, true, true, true, true, false, true, false, false]);
    // One list asked again and again, text and URLs mixed, forwards then backwards: kept decisions never change an answer.
    const list = createHostAllowlist(allowHosts);
    for (const order of [origins, [...origins].reverse(), origins]) {
      for (const origin of order) {
        expect(list.allowsOrigin(origin), origin).toBe(expected[origins.indexOf(origin)]);
        expect(list.allows(new URL(origin)), origin).toBe(expected[origins.indexOf(origin)]);
      }
    }
    expect(list.allowsOrigin('not a url')).toBe(false);
    expect(list.allowsOrigin('')).toBe(false);
  });
});

describe('allowlist interceptor', () => {
  const sites: LiveSiteHandle[] = [];
  let server: TestServer | undefined;
  afterEach(async () => {
    await Promise.all(sites.splice(0).map((s) => s.close()));
    await server?.close();
    server = undefined;
  });

  it('refuses a non-loopback base URL at creation, naming the host and --allow-host', () => {
    const { calls, connect } = recordingConnector();
    let error: unknown;
    try {
      createLiveSite({ baseUrl: 'http://example.test/', connect });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BookfuzzError);
    const e = error as BookfuzzError;
    expect(e.code).toBe('BF_HOST_NOT_ALLOWED');
    expect(e.message).toContain('example.test');
    expect(e.message).toContain('--allow-host example.test');
    expect(calls).toEqual([]);
  });

  it('on its own, in front of a bare Agent, refuses before the connector is called', async () => {
    const { calls, connect } = recordingConnector();
    const agent = new Agent({ connect });
    const dispatcher = agent.compose(allowlist(createHostAllowlist()));
    try {
      const error = await caught(dispatcher.request({ origin: 'http://192.0.2.1', path: '/x', method: 'GET' }));
      expect(error.code).toBe('BF_HOST_NOT_ALLOWED');
      expect(error.message).toContain('192.0.2.1');
      expect(calls).toEqual([]);
      const passed = await caught(agent.compose(allowlist(createHostAllowlist(['192.0.2.1']))).request({ origin: 'http://192.0.2.1', path: '/x', method: 'GET' }).catch((e: unknown) => {
        throw e instanceof BookfuzzError ? e : new BookfuzzError('BF_TRANSPORT', String(e));
      }));
      expect(passed.code).toBe('BF_TRANSPORT');
      expect(calls).toEqual(['192.0.2.1']);
    } finally {
      await agent.close();
    }
  });

  it('refuses a request to another host before any connection is attempted', async () => {
    const { calls, connect } = recordingConnector();
    const site = createLiveSite({ baseUrl: 'http://127.0.0.1:9/', connect });
    sites.push(site);
    for (const target of ['http://192.0.2.1/bookings', 'http://example.test:8080/']) {
      const error = await caught(site.actor('visitor').request({ method: 'GET', path: target }));
      expect(error.code).toBe('BF_HOST_NOT_ALLOWED');
    }
    expect(calls).toEqual([]);
    expect(site.requestCount()).toBe(0);
    expect(site.exchanges()).toEqual([]);
  });

  it('lets an allowed host through the allowlist (the connector still keeps everything local)', async () => {
    const { calls, connect } = recordingConnector();
    const site = createLiveSite({ baseUrl: 'http://example.test/', allowHosts: ['example.test'], connect });
    sites.push(site);
    const error = await caught(site.actor('visitor').request({ method: 'GET', path: '/start' }));
    expect(error.code).toBe('BF_TRANSPORT');
    expect(error.where).toBe('GET /start');
    expect(calls).toEqual(['example.test']);
  });

  it('does not follow a redirect to a host that is not allowed: the redirect comes back as it is', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(302, { location: 'http://192.0.2.1/phish' });
      res.end();
    });
    const { calls, connect } = loopbackOnlyConnector();
    const site = createLiveSite({ baseUrl: server.baseUrl, connect });
    sites.push(site);
    const response = await site.actor('visitor').request({ method: 'GET', path: '/go' });
    expect(response.status).toBe(302);
    expect(response.redirects).toEqual([{ status: 302, from: '/go', location: 'http://192.0.2.1/phish' }]);
    expect(calls).toEqual(['127.0.0.1']);
  });
});

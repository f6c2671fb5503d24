import diagnostics from 'node:diagnostics_channel';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveSite } from '../create-live-site.js';
import { startTestServer, type TestServer } from '../../harness/test-server.js';
import { createInFlightLimit } from './concurrency.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('in-flight slots shared by several sites', () => {
  it('keeps the sites sharing a limit of 1 at one request in flight, in the order they asked', async () => {
    let inFlight = 0;
    let most = 0;
    const server = await startTestServer((req, res) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.end(req.url);
      }, 5);
    });
    servers.push(server);
    const inFlightLimit = createInFlightLimit(1);
    const [a, b] = ['a', 'b'].map(() => createLiveSite({ baseUrl: server.baseUrl, inFlight: inFlightLimit }));
    if (!a || !b) throw new Error('two sites');
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).actor('visitor').request({ method: 'GET', path: `/${i}` })),
    );
    expect(answers.map((answer) => answer.body)).toEqual(['/0', '/1', '/2', '/3', '/4', '/5']);
    expect(server.seen.map((r) => r.url)).toEqual(['/0', '/1', '/2', '/3', '/4', '/5']);
    expect(most).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('sends the request a freed slot goes to before the caller of the answer that freed it hears the end', async () => {
    const server = await startTestServer((req, res) => res.end(req.url));
    servers.push(server);
    const pool = new Agent();
    const events: string[] = [];
    const onSend = (message: unknown) => events.push(`sent ${(message as { request: { path: string } }).request.path}`);
    diagnostics.subscribe('undici:client:sendHeaders', onSend);
    try {
      // Two warm keep-alive connections in the pool, as a lane has after its first case.
      const warm = createLiveSite({ baseUrl: server.baseUrl, pool, concurrency: 2 });
      await Promise.all([warm.actor('x').request({ method: 'GET', path: '/warm-1' }), warm.actor('y').request({ method: 'GET', path: '/warm-2' })]);
      const slot = createInFlightLimit(1);
      const [a, b] = ['a', 'b'].map(() => createLiveSite({ baseUrl: server.baseUrl, pool, inFlight: slot }));
      if (!a || !b) throw new Error('two sites');
      events.length = 0;
      await Promise.all([
        a.actor('visitor').request({ method: 'GET', path: '/first' }).then(() => events.push('heard /first')),
        b.actor('visitor').request({ method: 'GET', path: '/second' }).then(() => events.push('heard /second')),
      ]);
      expect(events).toEqual(['sent /first', 'sent /second', 'heard /first', 'heard /second']);
    } finally {
      diagnostics.unsubscribe('undici:client:sendHeaders', onSend);
      await pool.close();
    }
  });

  it('refuses a limit that is not a whole number of at least 1', () => {
    expect(() => createInFlightLimit(0)).toThrow(/at least 1/);
    expect(() => createInFlightLimit(1.5)).toThrow(/at least 1/);
  });
});

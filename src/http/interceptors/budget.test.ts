import { afterEach, describe, expect, it } from 'vitest';
import { BookfuzzError } from '../../errors.js';
import { createLiveSite, type LiveSiteHandle } from '../create-live-site.js';
import { startTestServer, type TestServer } from '../../harness/test-server.js';
import { createRequestBudget } from './budget.js';

describe('request budget', () => {
  let server: TestServer | undefined;
  const sites: LiveSiteHandle[] = [];
  afterEach(async () => {
    await Promise.all(sites.splice(0).map((s) => s.close()));
    await server?.close();
    server = undefined;
  });

  it('with budget 5, the 6th request throws BF_BUDGET_EXHAUSTED and the server saw exactly 5', async () => {
    server = await startTestServer((_req, res) => res.end('ok'));
    const budget = createRequestBudget(5);
    const site = createLiveSite({ baseUrl: server.baseUrl, budget });
    sites.push(site);
    const actor = site.actor('visitor');
    for (let i = 0; i < 5; i++) expect((await actor.request({ method: 'GET', path: `/n/${i}` })).status).toBe(200);
    const error = await actor.request({ method: 'GET', path: '/n/5' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BookfuzzError);
    expect((error as BookfuzzError).code).toBe('BF_BUDGET_EXHAUSTED');
    expect((error as BookfuzzError).where).toBe('GET /n/5');
    expect(server.seen).toHaveLength(5);
    expect(site.requestCount()).toBe(5);
    expect(budget.remaining()).toBe(0);
  });

  it('is shared: two sites of one run spend one budget, and redirect hops count', async () => {
    server = await startTestServer((req, res) => {
      if (req.url === '/hop') {
        res.writeHead(303, { location: '/done' });
        res.end();
      } else res.end('ok');
    });
    const budget = createRequestBudget(3);
    const a = createLiveSite({ baseUrl: server.baseUrl, budget });
    const b = createLiveSite({ baseUrl: server.baseUrl, budget });
    sites.push(a, b);
    await a.actor('x').request({ method: 'GET', path: '/hop' });
    await b.actor('y').request({ method: 'GET', path: '/one' });
    await expect(b.actor('y').request({ method: 'GET', path: '/two' })).rejects.toMatchObject({ code: 'BF_BUDGET_EXHAUSTED' });
    expect(server.seen.map((r) => r.url)).toEqual(['/hop', '/done', '/one']);
  });
});

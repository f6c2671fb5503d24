import { afterEach, describe, expect, it } from 'vitest';
import { isBookfuzzError } from '../errors.js';
import { createLiveSite } from './create-live-site.js';
import { seedWorld } from './seed-world.js';
import { startTestServer, type TestServer } from '../harness/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A site with one world: it answers the seed but ignores x-bookfuzz-world. */
const oneWorldSite = () =>
  startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ seeded: 'nhs-covid-booking' }));
  });

describe('seedWorld', () => {
  it('sends the parallel world name with the seed and accepts a site that echoes it', async () => {
    server = await startTestServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ seeded: 'nhs-covid-booking', world: req.headers['x-bookfuzz-world'] }));
    });
    const site = createLiveSite({ baseUrl: server.baseUrl, seedToken: 't', world: 'lane-1' });
    await seedWorld(site, 'nhs-covid-booking', { patients: [] });
    expect(server.seen[0]?.headers['x-bookfuzz-world']).toBe('lane-1');
    expect(server.seen[0]?.headers['x-bookfuzz-seed-token']).toBe('t');
    await site.close();
  });

  it('refuses, with what to do, a site that keeps one world when the run has parallel lanes', async () => {
    server = await oneWorldSite();
    const site = createLiveSite({ baseUrl: server.baseUrl, seedToken: 't', world: 'lane-1' });
    const error: unknown = await seedWorld(site, 'nhs-covid-booking', {}).catch((e: unknown) => e);
    expect(isBookfuzzError(error) && error.code).toBe('BF_USAGE');
    expect(String((error as Error).message)).toMatch(/--workers 1/);
    await site.close();
  });

  it('seeds a site with one world when the run has one lane (no header sent)', async () => {
    server = await oneWorldSite();
    const site = createLiveSite({ baseUrl: server.baseUrl, seedToken: 't' });
    await seedWorld(site, 'nhs-covid-booking', {});
    expect(server.seen[0]?.headers['x-bookfuzz-world']).toBeUndefined();
    await site.close();
  });
});

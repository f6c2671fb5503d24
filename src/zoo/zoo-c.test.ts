import { describe, expect, it } from 'vitest';
import { listC } from './fixtures/list-c.js';
import { fuzzFixture, zooProblems } from './zoo-harness.js';

/** Runs per oracle: enough for the journeys of these small sites, a few seconds per mode. */
const runs = 40;

/**
 * Per test: shrinking a live finding and confirming noise candidates cost hundreds of live cases on
 * some of these sites (registration-redirect-cookie: minutes on a loaded machine); see the report.
 */
const timeout = 600_000;

/** One fixed seed per fixture (the order of list-c). */
const seeds: Readonly<Record<string, number>> = {
  'bearer-after-logout': 301,
  'cookie-session-after-logout': 302,
  'idor-json': 303,
  'idor-html': 304,
  'role-from-request': 305,
  'registration-redirect-cookie': 306,
  'idor-urlencoded-link': 307,
  'slot-count-shuffled': 308,
};

for (const fixture of listC) {
  const seed = seeds[fixture.name] ?? 300;
  describe(`leak zoo: ${fixture.name} (${fixture.channel})`, () => {
    it(`finds the flaw in vulnerable mode with ${fixture.oracle}`, async () => {
      const document = await fuzzFixture(fixture, 'vulnerable', { seed, runs });
      expect(zooProblems(fixture, 'vulnerable', document)).toEqual([]);
    }, timeout);
    it('reports nothing in fixed mode', async () => {
      const document = await fuzzFixture(fixture, 'fixed', { seed, runs });
      expect(zooProblems(fixture, 'fixed', document)).toEqual([]);
    }, timeout);
  });
}

it('list C names each fixture after its file and gives it a seed', () => {
  for (const fixture of listC) {
    expect(fixture.spec.endsWith(`/fixtures/${fixture.name}.yaml`)).toBe(true);
    expect(seeds[fixture.name]).toBeDefined();
  }
});

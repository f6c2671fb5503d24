/**
 * Zoo helper A's fixtures under bookfuzz: each vulnerable mode is found by the fixture's oracle,
 * each fixed mode stays clean, and no finding comes without a world difference. One fixed seed
 * per fixture; the same runs in both modes.
 */
import { describe, expect, it } from 'vitest';
import { listA } from './fixtures/list-a.js';
import { fuzzFixture, zooProblems } from './zoo-harness.js';

const runs = 30;
const timeout = 120_000;

for (const [i, fixture] of listA.entries()) {
  const seed = 101 + i;
  describe(`${fixture.name}: ${fixture.channel}`, () => {
    it(`vulnerable: found by ${fixture.oracle} (seed ${seed}, ${runs} runs)`, { timeout }, async () => {
      const run = await fuzzFixture(fixture, 'vulnerable', { seed, runs });
      expect(zooProblems(fixture, 'vulnerable', run)).toEqual([]);
    });
    it(`fixed: no finding (seed ${seed}, ${runs} runs)`, { timeout }, async () => {
      const run = await fuzzFixture(fixture, 'fixed', { seed, runs });
      expect(zooProblems(fixture, 'fixed', run)).toEqual([]);
    });
  });
}

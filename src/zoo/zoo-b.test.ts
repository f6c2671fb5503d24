import { describe, expect, it } from 'vitest';
import { listB } from './fixtures/list-b.js';
import { fuzzFixture, zooProblems } from './zoo-harness.js';

/** Runs per oracle: enough for the journeys of these small sites (0.4 to 11 s per run, 40 s for the file). */
const runs = 40;

/** One fixed seed per fixture (the order of list-b). */
const seeds: Readonly<Record<string, number>> = {
  'json-extra-key': 201,
  'json-value-type': 202,
  'hidden-input': 203,
  'html-attribute': 204,
  'element-count': 205,
  'visible-text': 206,
  'length-only': 207,
  'error-message': 208,
};

for (const fixture of listB) {
  const seed = seeds[fixture.name] ?? 200;
  describe(`leak zoo: ${fixture.name} (${fixture.channel})`, () => {
    it(`finds the leak in vulnerable mode with ${fixture.oracle}`, async () => {
      const document = await fuzzFixture(fixture, 'vulnerable', { seed, runs });
      expect(zooProblems(fixture, 'vulnerable', document)).toEqual([]);
    });
    it('reports nothing in fixed mode', async () => {
      const document = await fuzzFixture(fixture, 'fixed', { seed, runs });
      expect(zooProblems(fixture, 'fixed', document)).toEqual([]);
    });
  });
}

it('list B names each fixture after its file and gives it a seed', () => {
  for (const fixture of listB) {
    expect(fixture.spec.endsWith(`/fixtures/${fixture.name}.yaml`)).toBe(true);
    expect(seeds[fixture.name]).toBeDefined();
  }
});

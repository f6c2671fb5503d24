import { describe, expect, it } from 'vitest';
import type { RunDocument } from '../engine/run-document.js';
import { zooFixtures } from './fixtures/index.js';
import { fuzzFixture } from './zoo-harness.js';

/** What must be the same between runs with one seed: the findings, where they differ, and the steps that show them. */
function outcome(document: RunDocument): unknown {
  return document.findings.map((f) => ({ oracle: f.oracle, key: f.key, field: f.firstDifference.field, steps: f.steps.map((s) => [s.actor, s.action, s.input]), worlds: f.worlds.differences.map((d) => d.path) }));
}

describe('same seed, same results, on a site whose only randomness is noise', () => {
  // A noisy page (request ids, nonces, times, one of three banners, a shuffled list, a counter,
  // rotating cookies, per-render CSRF tokens) whose status code depends on the secret.
  const fixture = zooFixtures.find((f) => f.name === 'status-code');

  it('three runs with seed 5 give the same findings, with the same steps, three times', async () => {
    if (!fixture) throw new Error('the zoo has no status-code fixture');
    const runs: unknown[] = [];
    for (let i = 0; i < 3; i++) runs.push(outcome(await fuzzFixture(fixture, 'vulnerable', { seed: 5, runs: 30 })));
    expect(runs[0]).not.toEqual([]);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});

import { describe, expect, it } from 'vitest';
import type { TimingSample } from './oracle.js';
import { judgeTiming } from './timing.js';

const base = Array.from({ length: 40 }, (_, i) => 1 + (i % 7) * 0.05);
const slower = base.map((x) => x + 2);
const sample = (over: Partial<TimingSample>): TimingSample => ({
  step: 1,
  a: base,
  b: slower,
  nullA: base,
  nullB: [...base].reverse(),
  threshold: 4.5,
  cropQuantile: 0.95,
  minEffectMs: 0.2,
  ...over,
});

describe('judgeTiming (live verdicts)', () => {
  it('says leak when A and B differ and the null test does not', () => {
    const judgement = judgeTiming(sample({}));
    expect(judgement.verdict).toBe('leak');
    expect(judgement.test.effect.difference).toBeCloseTo(2, 6);
  });

  it('says inconclusive, never leak, when the null test fires or is missing', () => {
    expect(judgeTiming(sample({ nullB: slower })).verdict).toBe('inconclusive');
    expect(judgeTiming(sample({ nullA: [], nullB: [] })).verdict).toBe('inconclusive');
  });

  it('says no evidence when A and B agree', () => {
    expect(judgeTiming(sample({ b: [...base].reverse() })).verdict).toBe('no evidence');
  });
});

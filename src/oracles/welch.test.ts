import { describe, expect, it } from 'vitest';
import { compareTimes, crop, falsePositiveBound, medianDifference, medianStandardError, normalTwoSidedTail, quantile, welch } from './welch.js';

describe('welch helpers (hand-computed values)', () => {
  it('quantiles interpolate between order statistics', () => {
    expect(quantile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5], 0.9)).toBeCloseTo(4.6, 10);
  });

  it('crops both classes at one pooled quantile', () => {
    // pooled sorted [1 2 3 4 5 6 7 100]: 0.75 → rank 5.25 → 6.25
    expect(crop([1, 2, 3, 100], [4, 5, 6, 7], 0.75)).toEqual({ a: [1, 2, 3], b: [4, 5, 6], cut: 6.25 });
  });

  it("gives Welch's t and Welch–Satterthwaite degrees of freedom", () => {
    // means 3 and 6, variances 2.5 and 10, n = 5: se² = 0.5 + 2 = 2.5, t = 3/√2.5, df = 6.25 / (0.25/4 + 4/4)
    const r = welch([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(r.t).toBeCloseTo(1.8973665961, 9);
    expect(r.df).toBeCloseTo(5.8823529412, 9);
    expect(welch([1, 1, 1], [1, 1, 1]).t).toBe(0);
  });

  it('gives the difference of medians with a distribution-free interval', () => {
    // n = 5: ranks 1 and 5 bracket the median; se = (max − min) / 3.92
    expect(medianStandardError([1, 2, 3, 4, 5])).toBeCloseTo(4 / 3.92, 9);
    const d = medianDifference([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(d.difference).toBe(3);
    const se = Math.sqrt((4 / 3.92) ** 2 + (8 / 3.92) ** 2);
    expect(d.low).toBeCloseTo(3 - 1.96 * se, 9);
    expect(d.high).toBeCloseTo(3 + 1.96 * se, 9);
  });

  it('knows the normal tail the threshold promises', () => {
    expect(normalTwoSidedTail(1.96)).toBeCloseTo(0.05, 4);
    expect(normalTwoSidedTail(4.5)).toBeCloseTo(6.795e-6, 8);
    expect(falsePositiveBound(4.5, 6)).toBeLessThan(1e-4);
  });

  it('decides differ, same or undecided', () => {
    const base = Array.from({ length: 40 }, (_, i) => 10 + (i % 5) * 0.01);
    const options = { threshold: 4.5, cropQuantile: 1, minEffectMs: 0.2 };
    expect(compareTimes(base, base.map((x) => x + 2), options).decision).toBe('differ');
    expect(compareTimes(base, [...base].reverse(), options).decision).toBe('same');
    const wide = Array.from({ length: 10 }, (_, i) => 10 + (i % 2) * 5);
    expect(compareTimes(wide, [...wide].reverse().map((x) => x + 0.5), options).decision).toBe('undecided');
  });
});

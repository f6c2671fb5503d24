import { describe, expect, it } from 'vitest';
import { diffRegion } from './diff-region.js';

describe('diffRegion', () => {
  it('shows a difference at the end with its context before, and folds the rest', () => {
    const differs = Array.from({ length: 40 }, (_, i) => i === 38);
    expect(diffRegion(differs, 3)).toEqual([
      { kind: 'folded', rows: Array.from({ length: 35 }, (_, i) => i) },
      { kind: 'shown', rows: [35, 36, 37, 38, 39] },
    ]);
  });

  it('joins the context of two near differences and folds the gap between far ones', () => {
    const differs = Array.from({ length: 30 }, (_, i) => i === 2 || i === 6 || i === 25);
    expect(diffRegion(differs, 2).map((s) => [s.kind, s.rows[0], s.rows.at(-1)])).toEqual([
      ['shown', 0, 8],
      ['folded', 9, 22],
      ['shown', 23, 29],
    ]);
  });

  it('shows short runs of equal rows rather than fold them', () => {
    expect(diffRegion([false, false, true, false, false, false, false], 0)).toEqual([{ kind: 'shown', rows: [0, 1, 2] }, { kind: 'folded', rows: [3, 4, 5, 6] }]);
    expect(diffRegion([false, false, true, false, false, false, false], 0, 5)).toEqual([{ kind: 'shown', rows: [0, 1, 2, 3, 4, 5, 6] }]);
  });

  it('folds everything when nothing differs, and nothing when there are no rows', () => {
    expect(diffRegion([false, false])).toEqual([{ kind: 'folded', rows: [0, 1] }]);
    expect(diffRegion([])).toEqual([]);
  });
});

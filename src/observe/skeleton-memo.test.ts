import { describe, expect, it } from 'vitest';
import { RecentPages } from './skeleton-memo.js';

const page = (i: number, length: number): string => `page ${i} `.padEnd(length, '.');

describe('RecentPages', () => {
  it('keeps the newest pages, at most as many as its count', () => {
    const memo = new RecentPages<number>({ entries: 3, chars: 10_000 });
    for (let i = 0; i < 10; i++) memo.set(page(i, 60), i);
    expect(memo.size).toBe(3);
    expect(memo.get(page(9, 60))).toBe(9);
    expect(memo.get(page(6, 60))).toBeUndefined();
  });

  it('holds at most its characters whatever the pages weigh, and never keeps a huge page', () => {
    const memo = new RecentPages<number>({ entries: 256, chars: 800 });
    for (let i = 0; i < 30; i++) memo.set(page(i, 60), i);
    expect(memo.chars).toBeLessThanOrEqual(800);
    expect(memo.size).toBe(13);
    expect(memo.get(page(29, 60))).toBe(29);
    expect(memo.get(page(16, 60))).toBeUndefined();
    // Over an eighth of the bound: not kept, and nothing else is dropped for it.
    memo.set('x'.repeat(101), -1);
    expect(memo.get('x'.repeat(101))).toBeUndefined();
    expect(memo.size).toBe(13);
    // Setting a kept page again counts it once.
    const before = memo.chars;
    memo.set(page(29, 60), 29);
    expect(memo.chars).toBe(before);
  });
});

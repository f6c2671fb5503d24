import { describe, expect, it } from 'vitest';
import { TwoKeyMemo } from './two-key-memo.js';

describe('TwoKeyMemo', () => {
  it('keeps a value per pair of keys: pairs that would join to the same text stay apart', () => {
    const memo = new TwoKeyMemo<string>(10);
    expect(memo.get('a', 'bc')).toBeUndefined();
    expect(memo.set('a', 'bc', 'first')).toBe('first');
    memo.set('ab', 'c', 'second');
    expect([memo.get('a', 'bc'), memo.get('ab', 'c'), memo.get('a', 'b')]).toEqual(['first', 'second', undefined]);
    memo.set('a', 'bc', 'again');
    expect([memo.get('a', 'bc'), memo.size]).toEqual(['again', 2]);
  });

  it('forgets everything at once when the limit is reached, then keeps the new value', () => {
    const memo = new TwoKeyMemo<number>(3);
    for (let i = 0; i < 3; i++) memo.set(String(i % 2), String(i), i);
    expect(memo.size).toBe(3);
    memo.set('x', 'y', 9);
    expect([memo.size, memo.get('x', 'y'), memo.get('0', '0'), memo.get('1', '1')]).toEqual([1, 9, undefined, undefined]);
  });
});

import { describe, expect, it } from 'vitest';
import { maskTyped } from './mask-typed.js';

describe('maskTyped', () => {
  it('replaces typed values with placeholders, longest first', () => {
    expect(maskTyped({ text: 'NHS 9990000018 for 9990000018' }, { nhsNumber: '9990000018' })).toEqual({ text: 'NHS ‹nhsNumber› for ‹nhsNumber›' });
    expect(maskTyped(['Ann Smith-Vastrel', 'Smith-Vastrel'], { name: 'Ann Smith-Vastrel', family: 'Smith-Vastrel' })).toEqual(['‹name›', '‹family›']);
  });
  it('masks only whole words: a short id inside a token stays', () => {
    expect(maskTyped({ id: '3fa9c1be77', who: 'staff c1 here' }, { staffId: 'c1' })).toEqual({ id: '3fa9c1be77', who: 'staff ‹staffId› here' });
  });
  it('leaves values of one character and non-strings alone', () => {
    expect(maskTyped({ n: 5, s: 'a b' }, { x: 'a' })).toEqual({ n: 5, s: 'a b' });
  });
});

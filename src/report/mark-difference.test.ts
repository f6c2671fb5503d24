import { describe, expect, it } from 'vitest';
import { markDifference } from './mark-difference.js';

describe('markDifference', () => {
  it('marks only the differing middle, escaped', () => {
    expect(markDifference('<p>screening</p>', '<p>booking</p>')).toEqual(['&lt;p&gt;<mark>screen</mark>ing&lt;/p&gt;', '&lt;p&gt;<mark>book</mark>ing&lt;/p&gt;']);
  });

  it('marks something on both sides when one value is the other with more inserted', () => {
    expect(markDifference('[value=vaccinated]', '[value=unvaccinated]')).toEqual(['[value=<mark>v</mark>accinated]', '[value=<mark>unv</mark>accinated]']);
    expect(markDifference('abc', 'abcdef')).toEqual(['abc', 'abc<mark>def</mark>']);
  });

  it('leaves equal values unmarked and keeps surrogate pairs whole', () => {
    expect(markDifference('a & b', 'a & b')).toEqual(['a &amp; b', 'a &amp; b']);
    expect(markDifference('Zoë 🧪', 'Zoë 💉')).toEqual(['Zoë <mark>🧪</mark>', 'Zoë <mark>💉</mark>']);
  });
});

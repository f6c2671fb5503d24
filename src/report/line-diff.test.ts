import { describe, expect, it } from 'vitest';
import { lineDiff } from './line-diff.js';

const show = (a: string[], b: string[]): string[] => lineDiff(a, b).map((d) => `${d.kind === 'same' ? ' ' : d.kind === 'a' ? '-' : '+'}${d.text}`);

describe('lineDiff', () => {
  it('keeps the common lines and puts each removal before its replacement', () => {
    expect(show(['{', '"status": "vaccinated"', '"doses": 2', '}'], ['{', '"status": "unvaccinated"', '"doses": 2', '}'])).toEqual([
      ' {',
      '-"status": "vaccinated"',
      '+"status": "unvaccinated"',
      ' "doses": 2',
      ' }',
    ]);
  });

  it('shows lines only one side has', () => {
    expect(show(['a', 'c'], ['a', 'b', 'c', 'd'])).toEqual([' a', '+b', ' c', '+d']);
    expect(show(['a', 'b'], [])).toEqual(['-a', '-b']);
  });

  it('compares very long bodies line by line at the same place', () => {
    const a = Array.from({ length: 2500 }, (_, i) => `line ${i}`);
    const b = a.map((line, i) => (i === 2400 ? 'changed' : line));
    const diff = lineDiff(a, b);
    expect(diff.filter((d) => d.kind !== 'same')).toEqual([{ kind: 'a', text: 'line 2400' }, { kind: 'b', text: 'changed' }]);
  });
});

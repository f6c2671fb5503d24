import { commonPrefix } from './cut-around.js';
import { escapeMarkup } from './escape-markup.js';

/**
 * Two values as escaped HTML with the part where they differ in `<mark>`: the common beginning
 * and end stay plain. Equal values come back escaped, unmarked. Code points are never split.
 *
 * @example
 * markDifference('[value=vaccinated]', '[value=unvaccinated]')
 * // → ['[value=<mark>v</mark>accinated]', '[value=<mark>unv</mark>accinated]']
 */
export function markDifference(a: string, b: string): [string, string] {
  if (a === b) return [escapeMarkup(a), escapeMarkup(b)];
  const ca = Array.from(a);
  const cb = Array.from(b);
  const prefix = commonPrefix(ca, cb);
  let suffix = Math.min(commonPrefix([...ca].reverse(), [...cb].reverse()), ca.length - prefix, cb.length - prefix);
  // One side a pure insertion into the other: mark a character of the shared end as well, so both cells show where.
  if (suffix > 0 && (ca.length - prefix - suffix === 0 || cb.length - prefix - suffix === 0)) suffix--;
  const mark = (chars: readonly string[]): string => {
    const middle = chars.slice(prefix, chars.length - suffix).join('');
    const head = escapeMarkup(chars.slice(0, prefix).join(''));
    const tail = escapeMarkup(chars.slice(chars.length - suffix).join(''));
    return `${head}${middle === '' ? '' : `<mark>${escapeMarkup(middle)}</mark>`}${tail}`;
  };
  return [mark(ca), mark(cb)];
}

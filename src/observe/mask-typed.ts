import type { Json } from '../model/json.js';
import { caseForms, typedPattern } from './typed-pattern.js';

/**
 * Replace every value the actor itself typed with a placeholder such as `‹nhsNumber›`, in any
 * of the forms a site may echo it (see `typedMask`), so twins built from different identities
 * stay comparable and an echo of one's own input is never taken for a leak. Longer values are
 * replaced first, so a value inside another is not half-masked.
 *
 * @example
 * maskTyped({ text: 'Booking for 9990000018' }, { nhsNumber: '9990000018' })
 * // → { text: 'Booking for ‹nhsNumber›' }
 */
export function maskTyped<T extends Json>(value: T, typed: Readonly<Record<string, string>> | undefined): T {
  const mask = typedMask(typed);
  return mask === undefined ? value : (walk(value, mask) as T);
}

/**
 * The text form of `maskTyped` for one set of typed values, worked out once (for an observer
 * that masks every text of a page), or undefined when there is nothing to mask. Each value is
 * found in the forms a site may echo it (`typedPattern`): URL-encoded, with HTML entities or
 * JSON escapes, in upper or lower case (from three letters: a short id `p1` must not mask
 * `[P1-E1]`), an NHS number or a date of birth in its usual formats.
 * A value counts only as a whole word: a short typed id ("c1") inside a random token stays put.
 * Masks of recent sets of values are kept (a twin's sides and their re-runs type the same).
 *
 * @example
 * typedMask({ nhsNumber: '9990000018' })?.('Booking for 999 000 0018') // → 'Booking for ‹nhsNumber›'
 */
export function typedMask(typed: Readonly<Record<string, string>> | undefined): ((text: string) => string) | undefined {
  if (!typed) return undefined;
  const pairs = Object.entries(typed)
    .filter(([, v]) => v.length >= 2)
    .sort((x, y) => y[1].length - x[1].length);
  if (pairs.length === 0) return undefined;
  const key = JSON.stringify(pairs);
  let mask = recentMasks.get(key);
  if (mask === undefined) {
    if (recentMasks.size >= KEPT_MASKS) recentMasks.clear();
    mask = compiledMask(pairs);
    recentMasks.set(key, mask);
  }
  return mask;
}

/** Sets of typed values whose masks are kept, at most (then all are forgotten at once). */
const KEPT_MASKS = 1024;
const recentMasks = new Map<string, (text: string) => string>();

/** One regular expression for all the values, longest first (so a value inside another is not half-masked), behind a cheap test. */
function compiledMask(pairs: readonly [string, string][]): (text: string) => string {
  const placeholders = pairs.map(([name]) => `‹${name}›`);
  const anchors = [...new Set(pairs.flatMap(([, value]) => anchorsOf(value)))];
  const alternatives = pairs.map(([, value]) => `(${typedPattern(value)})`).join('|');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'gu');
  const replace = (match: string, ...groups: unknown[]): string => {
    for (let i = 0; i < placeholders.length; i++) if (groups[i] !== undefined) return placeholders[i] ?? match;
    return match;
  };
  return (text) => (anchors.some((anchor) => text.includes(anchor)) ? text.replace(pattern, replace) : text);
}

/**
 * Texts one of which every form of the value contains: its longest run of ASCII letters and
 * digits as typed and, for a value also found in other case, in upper and in lower case
 * (escapes keep those; the case changes only whole), the year of a date, the last group of an NHS number; for a value with no such run,
 * its first character in each case and decomposed, and what starts an escape (`&`, `%`, `\`).
 */
function anchorsOf(value: string): string[] {
  const date = /^(\d{4})-\d{2}-\d{2}$/.exec(value) ?? /^\d{1,2}\/\d{1,2}\/(\d{4})$/.exec(value);
  if (date?.[1] !== undefined) return [date[1]];
  const nhs = /^\d{3}[ -]?\d{3}[ -]?(\d{4})$/.exec(value);
  if (nhs?.[1] !== undefined) return [nhs[1]];
  const longest = (value.match(/[A-Za-z0-9]+/g) ?? []).reduce((a, b) => (b.length > a.length ? b : a), '');
  const forms = caseForms(value);
  if (longest.length >= 2) return forms.length === 1 ? [longest] : [longest, longest.toUpperCase(), longest.toLowerCase()];
  const firsts = forms.map((form) => [...form][0] ?? '');
  return [...firsts, ...firsts.map((first) => first.normalize('NFD').charAt(0)), '&', '%', '\\'].filter((a) => a !== '');
}

/** Apply `onString` to every string; parts in which nothing changed are returned as they are (not copied). */
function walk(value: Json, onString: (text: string) => string): Json {
  if (typeof value === 'string') return onString(value);
  if (Array.isArray(value)) {
    let out: Json[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as Json;
      const next = walk(item, onString);
      if (next !== item) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, Json> | undefined;
    for (const key of Object.keys(value)) {
      const item = value[key] as Json;
      const next = walk(item, onString);
      if (next !== item) (out ??= { ...value })[key] = next;
    }
    return out ?? value;
  }
  return value;
}

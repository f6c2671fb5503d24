import type { Json } from '../model/json.js';

/**
 * Replace every value the actor itself typed with a placeholder such as `‹nhsNumber›`, so
 * twins built from different identities stay comparable and an echo of one's own input is
 * never taken for a leak. Longer values are replaced first, so a value inside another is not
 * half-masked.
 *
 * @example
 * maskTyped({ text: 'Booking for 9990000018' }, { nhsNumber: '9990000018' })
 * // → { text: 'Booking for ‹nhsNumber›' }
 */
export function maskTyped<T extends Json>(value: T, typed: Readonly<Record<string, string>> | undefined): T {
  if (!typed) return value;
  const pairs = Object.entries(typed)
    .filter(([, v]) => v.length >= 2)
    .sort((x, y) => y[1].length - x[1].length);
  if (pairs.length === 0) return value;
  // A value counts only as a whole word: a short typed id ("c1") inside a random token stays put.
  const patterns = pairs.map(([name, v]) => [v, wholeWord(v), `‹${name}›`] as const);
  return walk(value, (text) => {
    let out = text;
    // includes() first: most strings contain no typed value, and a search is cheaper than a regex.
    for (const [raw, pattern, placeholder] of patterns) if (out.includes(raw)) out = out.replace(pattern, placeholder);
    return out;
  }) as T;
}

const patternCache = new Map<string, RegExp>();

/** A global pattern matching `value` only where no letter or digit touches it, compiled once. */
function wholeWord(value: string): RegExp {
  let pattern = patternCache.get(value);
  if (!pattern) {
    if (patternCache.size > 10_000) patternCache.clear();
    pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escape(value)}(?![\\p{L}\\p{N}])`, 'gu');
    patternCache.set(value, pattern);
  }
  return pattern;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function walk(value: Json, onString: (text: string) => string): Json {
  if (typeof value === 'string') return onString(value);
  if (Array.isArray(value)) return value.map((item) => walk(item, onString));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, onString);
    return out;
  }
  return value;
}

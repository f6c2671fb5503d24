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
  const mask = typedMask(typed);
  return mask === undefined ? value : (walk(value, mask) as T);
}

/**
 * The text form of `maskTyped` for one set of typed values, worked out once (for an observer
 * that masks every text of a page), or undefined when there is nothing to mask.
 *
 * @example
 * typedMask({ nhsNumber: '9990000018' })?.('Booking for 9990000018') // → 'Booking for ‹nhsNumber›'
 */
export function typedMask(typed: Readonly<Record<string, string>> | undefined): ((text: string) => string) | undefined {
  if (!typed) return undefined;
  const pairs = Object.entries(typed)
    .filter(([, v]) => v.length >= 2)
    .sort((x, y) => y[1].length - x[1].length)
    .map(([name, raw]): [string, string] => [raw, `‹${name}›`]);
  if (pairs.length === 0) return undefined;
  // A value counts only as a whole word: a short typed id ("c1") inside a random token stays put.
  return (text) => {
    let out = text;
    for (const [raw, placeholder] of pairs) if (out.includes(raw)) out = replaceWholeWord(out, raw, placeholder);
    return out;
  };
}

const wordChar = /[\p{L}\p{N}]/u;

/** Replace each occurrence of `raw` that no letter or digit touches (no regex: values change every case). */
function replaceWholeWord(text: string, raw: string, placeholder: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(raw); at !== -1; at = text.indexOf(raw, at + 1)) {
    if (at < from) continue;
    const before = at > 0 ? String.fromCodePoint(text.codePointAt(at - 1) ?? 0) : '';
    const beforeChar = at > 1 && /[\uDC00-\uDFFF]/.test(text[at - 1] ?? '') ? text.slice(at - 2, at) : before;
    const after = text.codePointAt(at + raw.length);
    const touches = (beforeChar !== '' && wordChar.test(beforeChar)) || (after !== undefined && wordChar.test(String.fromCodePoint(after)));
    if (touches) continue;
    out += text.slice(from, at) + placeholder;
    from = at + raw.length;
    at = from - 1;
  }
  return out + text.slice(from);
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

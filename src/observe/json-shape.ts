import type { Json } from '../model/json.js';

/**
 * A JSON body as observed: the same structure, keys, values and types (`null`, `{}`, `[]`, `0`
 * and `"0"` all read apart), with every string passed through `mask` (typed values and
 * volatile tokens), millisecond timestamps masked to `‹time›`, and a number the actor typed
 * (an NHS number sent back as a number) read as its placeholder. Booleans, numbers, nulls and
 * enum strings are kept: a JSON API that answers `{ "vaccinated": true }` must still show it.
 *
 * @example
 * jsonShape({ vaccinated: true, at: '2026-12-01T09:00:00Z' }, maskVolatile)
 * // → { vaccinated: true, at: '‹time›' }
 */
export function jsonShape(value: Json, mask: (text: string) => string): Json {
  if (typeof value === 'string') return mask(value);
  if (typeof value === 'number') {
    if (isEpochMillis(value)) return '‹time›';
    const text = String(value);
    const masked = text.length < 2 ? text : mask(text);
    return masked === text ? value : masked;
  }
  if (Array.isArray(value)) return value.map((item) => jsonShape(item, mask));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) out[key] = jsonShape(item, mask);
    return out;
  }
  return value;
}

/** 13-digit integers between 2000 and 2100 as Unix milliseconds. (10-digit numbers are never touched: NHS numbers.) */
function isEpochMillis(n: number): boolean {
  return Number.isInteger(n) && n >= 946_684_800_000 && n < 4_102_444_800_000;
}

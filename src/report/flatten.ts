import type { Json } from '../model/json.js';

/**
 * A JSON value as ordered `path → text` pairs (`screen`, `fields.status`, `links[2]`), so two
 * observations can be laid side by side field by field. Strings are shown as they are, other
 * leaves as JSON; an empty object or list is one entry (`{}`, `[]`).
 *
 * @example
 * flattenObservation({ screen: 'booking-reference', links: ['a'] })
 * // → Map { 'screen' => 'booking-reference', 'links[0]' => 'a' }
 */
export function flattenObservation(value: Json, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    const list = Array.isArray(value);
    const entries: [string, Json][] = list ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    if (entries.length === 0) out.set(prefix || '(empty)', list ? '[]' : '{}');
    for (const [key, child] of entries) {
      const path = list ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key;
      flattenObservation(child, path, out);
    }
  } else {
    out.set(prefix || '(value)', showJson(value));
  }
  return out;
}

/** A JSON value as a person reads it: strings bare, the rest as JSON, `(absent)` for nothing. */
export function showJson(value: Json | undefined): string {
  return value === undefined ? '(absent)' : typeof value === 'string' ? value : JSON.stringify(value);
}

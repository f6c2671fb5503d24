import type { Json } from '../model/json.js';

/**
 * The path of the first field where two JSON values differ, in document order of `a`
 * (`screen`, `fields.status`, `links[2]`), or `null` when they are equal.
 *
 * @example
 * firstDifference({ screen: 'booking-reference' }, { screen: 'screening-questions' }) // → 'screen'
 */
export function firstDifference(a: Json, b: Json, path = ''): string | null {
  if (a === b) return null;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return path || '(root)';
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length || i >= b.length) return `${path}[${i}]`;
      const d = firstDifference(a[i] as Json, b[i] as Json, `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const key of keys) {
      const sub = path ? `${path}.${key}` : key;
      if (!(key in a) || !(key in b)) return sub;
      const d = firstDifference(a[key] as Json, b[key] as Json, sub);
      if (d !== null) return d;
    }
    return null;
  }
  return path || '(root)';
}

/** Every path where two JSON values differ, with both sides (used to show the fields that matter). */
export function differences(a: Json, b: Json, path = ''): { path: string; a: Json | undefined; b: Json | undefined }[] {
  if (a === b) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: { path: string; a: Json | undefined; b: Json | undefined }[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const sub = `${path}[${i}]`;
      if (i >= a.length || i >= b.length) out.push({ path: sub, a: a[i], b: b[i] });
      else out.push(...differences(a[i] as Json, b[i] as Json, sub));
    }
    return out;
  }
  if (isObject(a) && isObject(b)) {
    const out: { path: string; a: Json | undefined; b: Json | undefined }[] = [];
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const key of keys) {
      const sub = path ? `${path}.${key}` : key;
      if (!(key in a) || !(key in b)) out.push({ path: sub, a: a[key], b: b[key] });
      else out.push(...differences(a[key] as Json, b[key] as Json, sub));
    }
    return out;
  }
  return [{ path: path || '(root)', a, b }];
}

/** Read a value at a path produced by `firstDifference`. */
export function valueAt(value: Json | undefined, path: string): Json | undefined {
  if (path === '(root)' || path === '') return value;
  let current: Json | undefined = value;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(part)] : current[part];
  }
  return current;
}

function isObject(value: Json): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

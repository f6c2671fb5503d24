import type { Json } from '../model/json.js';

/** Every string (and number) inside a JSON value with its path, for scanning observations. */
export function stringLeaves(value: Json, path = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path: path || '(root)', text: value }];
  if (typeof value === 'number') return [{ path: path || '(root)', text: String(value) }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, path ? `${path}.${key}` : key));
  }
  return [];
}

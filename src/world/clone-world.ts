/**
 * A deep copy of a world (plain data: objects, arrays, strings, numbers, booleans, null,
 * undefined). Several times faster than `structuredClone`, which serializes and parses again;
 * like it, an object reached twice is copied once (shared parts stay shared) and cycles are
 * kept. Anything that is not plain data (a Date, a Map, a class instance) is handed to
 * `structuredClone`.
 */
export function cloneWorld<T>(value: T): T {
  return copy(value, new Map()) as T;
}

function copy(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], seen);
    return out;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const out: unknown = structuredClone(value);
    seen.set(value, out);
    return out;
  }
  const out: Record<string, unknown> = prototype === null ? Object.create(null) : {};
  seen.set(value, out);
  for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key], seen);
  return out;
}

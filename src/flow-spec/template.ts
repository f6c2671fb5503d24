import type { Json } from '../model/json.js';
import { readPath } from './expression.js';

/**
 * Templates in flow specs: `{{victim.nhsNumber}}`, `{{extract.csrf}}`, `{{actor.password}}`,
 * with optional filters `{{victim.nhsNumber | last4}}`. A string that is exactly one `{{…}}`
 * renders to the value itself (so `world: "{{world}}"` sends the world as JSON); anything else
 * renders to a string.
 */

const piece = /\{\{\s*([^}|]+?)\s*(?:\|\s*([a-z0-9]+)\s*(?:\(([^)]*)\))?\s*)?\}\}/g;

/** The part of an ISO date (`YYYY-MM-DD`, a time after it allowed) at `index` (0 year, 1 month, 2 day), or '' when it is not one. */
function datePart(value: unknown, index: 0 | 1 | 2): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value ?? ''));
  return match ? (match[index + 1] ?? '') : '';
}

/** A filter: the value, and the numbers given in brackets (`slice(0, 3)`). */
export type TemplateFilter = (value: unknown, args: readonly number[]) => unknown;

/** How many numbers each filter takes in brackets: `[least, most]` (none: no brackets). */
export const filterArity: Record<string, readonly [number, number]> = { slice: [1, 2] };

export const filters: Record<string, TemplateFilter> = {
  /** Day of an ISO date, zero-padded: "07". */
  day: (v) => datePart(v, 2),
  /** Month of an ISO date, zero-padded: "03". */
  month: (v) => datePart(v, 1),
  /** Year of an ISO date: "1984". */
  year: (v) => datePart(v, 0),
  /** Part of the text, as String.prototype.slice: `slice(0, 3)`, `slice(-4)`. */
  slice: (v, args) => String(v ?? '').slice(args[0], args[1]),
  last4: (v) => String(v ?? '').replace(/\s+/g, '').slice(-4),
  upper: (v) => String(v ?? '').toUpperCase(),
  lower: (v) => String(v ?? '').toLowerCase(),
  nospace: (v) => String(v ?? '').replace(/\s+/g, ''),
  /** NHS number as 3-3-4 */
  spaced: (v) => String(v ?? '').replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3'),
  json: (v) => JSON.stringify(v),
  urlencode: (v) => encodeURIComponent(String(v ?? '')),
  number: (v) => Number(v),
};

export interface TemplateRef {
  path: string[];
  filter: string | undefined;
  /** The filter's arguments as written in brackets (`slice(0, 3)` → "0, 3"). */
  args?: string;
  text: string;
}

/** A filter's arguments as numbers (`"0, 3"` → [0, 3]); NaN where one is not an integer. */
export function filterArgs(text: string | undefined): number[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((part) => (/^\s*-?\d+\s*$/.test(part) ? Number(part) : Number.NaN));
}

/** The references a template string makes. */
export function templateRefs(text: string): TemplateRef[] {
  const refs: TemplateRef[] = [];
  for (const m of text.matchAll(piece)) {
    refs.push({ path: (m[1] ?? '').split('.'), filter: m[2], ...(m[3] !== undefined ? { args: m[3] } : {}), text: (m[1] ?? '').trim() });
  }
  return refs;
}

/** Every template string inside a JSON-like value. */
export function templateStrings(value: unknown): string[] {
  if (typeof value === 'string') return value.includes('{{') ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(templateStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(templateStrings);
  return [];
}

export interface RenderContext {
  scope: Record<string, unknown>;
  /** Called for every value taken from the scope (for masking what the actor typed). */
  onValue?: (ref: TemplateRef, value: unknown) => void;
  /** Called for a reference that resolves to nothing. */
  onMissing?: (ref: TemplateRef) => void;
}

function resolve(ref: TemplateRef, context: RenderContext): unknown {
  let value = readPath(context.scope, ref.path);
  if (value === null) context.onMissing?.(ref);
  if (ref.filter !== undefined) value = filters[ref.filter]?.(value, filterArgs(ref.args)) ?? value;
  context.onValue?.(ref, value);
  return value;
}

export function renderString(text: string, context: RenderContext): unknown {
  const whole = /^\{\{[^}]*\}\}$/.test(text.trim()) ? templateRefs(text.trim()) : [];
  if (whole.length === 1 && whole[0]) return resolve(whole[0], context);
  return text.replace(piece, (_all, path: string, filter: string | undefined, args: string | undefined) => {
    const value = resolve({ path: path.split('.'), filter, ...(args !== undefined ? { args } : {}), text: path.trim() }, context);
    return value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/** Render every template inside a JSON-like value. */
export function renderValue(value: unknown, context: RenderContext): Json {
  if (typeof value === 'string') return renderString(value, context) as Json;
  if (isEach(value)) {
    // `{ $each: world.patients, as: p, do: … }`: one rendered `do` per element (`{{p.…}}`, `{{index}}` from 1).
    const list = readPath(context.scope, value.$each.split('.'));
    if (!Array.isArray(list)) return [];
    return list.map((item, i) => renderValue(value.do, { ...context, scope: { ...context.scope, [value.as]: flatIdentity(item), index: i + 1 } }));
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, context));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderValue(v, context);
    return out;
  }
  return (value ?? null) as Json;
}

/** Render to a record of strings (form fields, headers). */
export function renderStrings(record: Record<string, string>, context: RenderContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) {
    const rendered = renderString(v, context);
    out[k] = rendered === null || rendered === undefined ? '' : typeof rendered === 'object' ? JSON.stringify(rendered) : String(rendered);
  }
  return out;
}

/** A patient as templates see it: its identity fields next to its own (`p.nhsNumber` as well as `p.identity.nhsNumber`). */
function flatIdentity(item: unknown): unknown {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
  const identity = (item as Record<string, unknown>)['identity'];
  if (identity === null || typeof identity !== 'object' || Array.isArray(identity)) return item;
  return { ...identity, ...item };
}

export interface EachBlock {
  $each: string;
  as: string;
  do: unknown;
}

export function isEach(value: unknown): value is EachBlock {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>)['$each'] === 'string' &&
    typeof (value as Record<string, unknown>)['as'] === 'string' &&
    'do' in value
  );
}

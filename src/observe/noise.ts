import type { Json } from '../model/json.js';
import type { Observation } from '../model/model.js';
import { differences } from './first-difference.js';

/** What stands for a value that varies between runs of the same world. */
export const NOISE = '‹noise›';

/**
 * Where observations of one world differ between runs anyway (nonces, timestamps, booking
 * references), learned by calibration. Plain JSON, so it can be saved beside a finding.
 *
 * Each entry names a path inside one observation (`responses[0].body.text[3]`, the syntax of
 * `firstDifference`) and either
 * - `shapes`: token shapes that vary there (`BK####`); only words of those shapes are masked,
 *   the rest of the string stays comparable, or
 * - `whole: true`: the whole value varies (a number, a string whose words differ in number,
 *   a list whose length differs).
 *
 * Paths are not tied to a step: a noise seen at a path in one step is masked at that path in
 * every step and every case (calibration runs different cases, and a path rarely means two
 * things). Shapes keep that from hiding anything but the varying kind of token.
 */
export interface NoiseMask {
  entries: NoiseEntry[];
}

export interface NoiseEntry {
  path: string;
  whole?: boolean;
  shapes?: NoiseShape[];
}

/** A kind of word that varies: `label` for people (`BK####`, `BK#+`, `A+#+`, `*`), `pattern` a regular expression source matching the whole word. */
export interface NoiseShape {
  label: string;
  pattern: string;
  /** For the catch-all shape only: which word of the string (0-based) varies. */
  index?: number;
}

/**
 * Learn the noise from observation sequences of two or more runs of the SAME world (same
 * secret, same steps): every run is compared with the first, step by step (steps beyond the
 * shortest run are ignored), and every difference becomes an entry.
 *
 * @example
 * const mask = learnNoise([[pageWith('BK1001')], [pageWith('BK1002')]]);
 * // → { entries: [{ path: 'responses[0].body.text[1]', shapes: [{ label: 'BK####', pattern: 'BK\\d{4}' }] }] }
 */
export function learnNoise(runs: readonly (readonly Observation[])[]): NoiseMask {
  let mask: NoiseMask = { entries: [] };
  const [first, ...others] = runs;
  if (!first) return mask;
  for (const other of others) {
    const steps = Math.min(first.length, other.length);
    for (let i = 0; i < steps; i++) {
      const a = first[i];
      const b = other[i];
      if (a === undefined || b === undefined) continue;
      mask = mergeNoise(mask, { entries: differences(a, b).map((d) => entryFor(d.path, d.a, d.b)) });
    }
  }
  return mask;
}

/**
 * The observation with the learned noise replaced by `‹noise›`. Pure: the input is not
 * changed. Paths that do not exist in this observation are skipped.
 *
 * @example
 * applyNoise(observation, mask) // 'Your reference is BK1002' → 'Your reference is ‹noise›'
 */
export function applyNoise(observation: Observation, mask: NoiseMask): Observation {
  let out: Json = observation;
  for (const entry of mask.entries) {
    const parts = parsePath(entry.path);
    if (entry.whole) {
      out = update(out, parts, () => NOISE);
    } else if (entry.shapes && entry.shapes.length > 0) {
      const shapes = entry.shapes;
      out = update(out, parts, (value) => (typeof value === 'string' ? maskWords(value, shapes) : value));
    }
  }
  return out as Observation;
}

/**
 * Both masks in one: entries at the same path are joined (their shapes together; a whole-value
 * entry covers any shapes). Pure and order-independent up to the order of entries.
 */
export function mergeNoise(a: NoiseMask, b: NoiseMask): NoiseMask {
  const byPath = new Map<string, NoiseEntry>();
  for (const entry of [...a.entries, ...b.entries]) {
    const known = byPath.get(entry.path);
    if (!known) {
      byPath.set(entry.path, copy(entry));
      continue;
    }
    if (entry.whole || known.whole) {
      byPath.set(entry.path, { path: entry.path, whole: true });
      continue;
    }
    const shapes = [...(known.shapes ?? [])];
    for (const shape of entry.shapes ?? []) {
      if (!shapes.some((s) => s.pattern === shape.pattern && s.index === shape.index)) shapes.push({ ...shape });
    }
    byPath.set(entry.path, { path: entry.path, shapes });
  }
  return { entries: [...byPath.values()] };
}

// ——— learning ———

function entryFor(path: string, a: Json | undefined, b: Json | undefined): NoiseEntry {
  if (a === undefined || b === undefined) {
    // Present in one run only: an element of a list of varying length, or an optional field.
    return { path: parentOf(path), whole: true };
  }
  if (typeof a !== 'string' || typeof b !== 'string') return { path, whole: true };
  const wordsA = words(a);
  const wordsB = words(b);
  if (wordsA.length !== wordsB.length) return { path, whole: true };
  const shapes: NoiseShape[] = [];
  wordsA.forEach((wordA, index) => {
    const wordB = wordsB[index];
    if (!wordB || wordA.text === wordB.text) return;
    const shape = shapeOf(wordA.text, wordB.text, index);
    if (!shapes.some((s) => s.pattern === shape.pattern && s.index === shape.index)) shapes.push(shape);
  });
  return shapes.length > 0 ? { path, shapes } : { path, whole: true };
}

/**
 * The most specific shape both words have, from exact letters with counted digits (`BK####`),
 * to exact letters with any number of digits (`BK#+`), to letter-case and digit runs (`A+#+`),
 * to any word at this position (`*`).
 */
function shapeOf(a: string, b: string, index: number): NoiseShape {
  const digits = (w: string): string => w.replace(/\p{Nd}/gu, '#');
  if (digits(a) === digits(b)) return { label: digits(a), pattern: toPattern(digits(a), false) };
  const digitRuns = (w: string): string => w.replace(/\p{Nd}+/gu, '#+');
  if (digitRuns(a) === digitRuns(b)) return { label: digitRuns(a), pattern: toPattern(digitRuns(a), true) };
  const classes = (w: string): string => w.replace(/\p{Lu}+/gu, 'A+').replace(/\p{Ll}+/gu, 'a+').replace(/\p{Nd}+/gu, '#+');
  const label = classes(a);
  if (label === classes(b) && /^(?:A\+|a\+|#\+)+$/.test(label)) {
    return { label, pattern: label.replace(/A\+/g, '\\p{Lu}+').replace(/a\+/g, '\\p{Ll}+').replace(/#\+/g, '\\p{Nd}+') };
  }
  return { label: '*', pattern: '[\\p{L}\\p{N}]+', index };
}

/** Letters kept literally, `#` a digit, `#+` (when `runs`) a run of digits. */
function toPattern(shape: string, runs: boolean): string {
  let out = '';
  for (let i = 0; i < shape.length; i++) {
    const c = shape[i] ?? '';
    if (c === '#') {
      if (runs && shape[i + 1] === '+') {
        out += '\\p{Nd}+';
        i++;
      } else out += '\\p{Nd}';
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out.replace(/(\\p\{Nd\})+/g, (run) => {
    const n = run.length / '\\p{Nd}'.length;
    return n === 1 ? '\\p{Nd}' : `\\p{Nd}{${n}}`;
  });
}

// ——— applying ———

interface Word {
  text: string;
  start: number;
}

/** Words (letter-or-digit runs) of a string; placeholders such as `‹token›` are never words. */
function words(text: string): Word[] {
  const out: Word[] = [];
  for (const match of text.matchAll(/‹[^‹›]*›|[\p{L}\p{N}]+/gu)) {
    if (!match[0].startsWith('‹')) out.push({ text: match[0], start: match.index });
  }
  return out;
}

function maskWords(text: string, shapes: readonly NoiseShape[]): string {
  const compiled = shapes.map((s) => ({ regex: new RegExp(`^(?:${s.pattern})$`, 'u'), index: s.index }));
  let out = '';
  let last = 0;
  words(text).forEach((word, index) => {
    const hit = compiled.some((c) => (c.index === undefined || c.index === index) && c.regex.test(word.text));
    if (!hit) return;
    out += text.slice(last, word.start) + NOISE;
    last = word.start + word.text.length;
  });
  return out + text.slice(last);
}

function parsePath(path: string): string[] {
  if (path === '(root)' || path === '') return [];
  return path.match(/[^.[\]]+/g) ?? [];
}

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '(root)' : path.slice(0, cut);
}

/** A copy of `value` with the value at `parts` replaced by `change(old)`; unchanged if the path is missing. */
function update(value: Json, parts: readonly string[], change: (old: Json) => Json): Json {
  if (parts.length === 0) return change(value);
  const [head = '', ...rest] = parts;
  if (Array.isArray(value)) {
    const index = Number(head);
    if (!Number.isInteger(index) || index < 0 || index >= value.length) return value;
    const item = value[index];
    if (item === undefined) return value;
    const next = update(item, rest, change);
    if (next === item) return value;
    const copy = [...value];
    copy[index] = next;
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    if (!Object.hasOwn(value, head)) return value;
    const item = value[head];
    if (item === undefined) return value;
    const next = update(item, rest, change);
    return next === item ? value : { ...value, [head]: next };
  }
  return value;
}

function copy(entry: NoiseEntry): NoiseEntry {
  const out: NoiseEntry = { path: entry.path };
  if (entry.whole) out.whole = true;
  if (entry.shapes) out.shapes = entry.shapes.map((s) => ({ ...s }));
  return out;
}

import type { Json } from '../model/json.js';
import type { Observation } from '../model/model.js';
import { differences, valueAt } from './first-difference.js';

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
  /**
   * Whole texts seen to take each other's place between runs of one world (one of a few banner
   * texts, the items of a shuffled list): a string equal to one of them is noise at ANY path, since
   * the same banner sits at another index on another page.
   */
  texts?: string[];
  /**
   * Texts whose words vary in place (`Visitor number 660`, `Rendered in 12 ms`), as a pattern over
   * the whole string with one group per varying word: a string the pattern matches has those words
   * masked at ANY path. The fixed words must all be there, so nothing else is hidden.
   */
  templates?: string[];
}

export interface NoiseEntry {
  path: string;
  /**
   * The observed path (without the query) of the response the entry was learned on (`/status`):
   * the entry applies only to a response at that path, since the same index means another thing
   * on another page.
   */
  page?: string;
  whole?: boolean;
  shapes?: NoiseShape[];
  /** A list whose items come in a different order on every load (compared sorted). */
  unordered?: boolean;
  /**
   * A key present on some loads and absent on others (a header the site sends now and then): it is
   * left out of every observation. `responses[*]` in the path: in every response.
   */
  optional?: boolean;
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
      mask = mergeNoise(mask, pairNoise(a, b));
    }
  }
  return mask;
}

/** What differs between two observations of one world at one step. */
function pairNoise(a: Observation, b: Observation): NoiseMask {
  const unordered = shuffledLists(a, b, '');
  const entries: NoiseEntry[] = unordered.map((path) => ({ path, unordered: true }));
  const sortedA = unordered.length === 0 ? a : sortLists(a, unordered);
  const sortedB = unordered.length === 0 ? b : sortLists(b, unordered);
  const texts: string[] = [];
  const templates: string[] = [];
  for (const d of differences(sortedA, sortedB)) {
    // A text whose words vary in place, or one of a few whole texts, is masked wherever it appears
    // (learned once, found on every page). Anything else (a number, a random value whose words
    // differ in number) at its place on this page.
    if (typeof d.a === 'string' && typeof d.b === 'string') {
      const template = templateOf(d.a, d.b);
      if (template !== undefined) {
        templates.push(template);
        continue;
      }
      if (unrelated(d.a, d.b)) {
        texts.push(d.a, d.b);
        continue;
      }
    }
    entries.push(onPage(typeof d.a === 'string' && typeof d.b === 'string' ? { path: d.path, whole: true } : entryFor(d.path, d.a, d.b), sortedA));
  }
  const out: NoiseMask = { entries };
  if (texts.length > 0) out.texts = texts;
  if (templates.length > 0) out.templates = templates;
  return out;
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
    if (entry.page !== undefined && !onSamePage(observation, entry)) continue;
    const parts = parsePath(entry.path);
    if (entry.whole) {
      out = update(out, parts, () => NOISE);
    } else if (entry.optional) {
      out = update(out, parts, () => undefined);
    } else if (entry.unordered) {
      out = update(out, parts, (value) => (Array.isArray(value) ? sortedItems(value) : value));
    } else if (entry.shapes && entry.shapes.length > 0) {
      const shapes = entry.shapes;
      out = update(out, parts, (value) => (typeof value === 'string' ? maskWords(value, shapes) : value));
    }
  }
  const anywhere = compiledAnywhere(mask);
  if (anywhere !== undefined) out = mapStrings(out, (text) => maskAnywhere(text, anywhere));
  return out as Observation;
}

/**
 * Both masks in one: entries at the same path are joined (their shapes together; a whole-value
 * entry covers any shapes). Pure and order-independent up to the order of entries.
 */
export function mergeNoise(a: NoiseMask, b: NoiseMask): NoiseMask {
  const byPath = new Map<string, NoiseEntry>();
  for (const entry of [...a.entries, ...b.entries]) {
    // An unordered list is kept apart from the entries of its items (both apply, the sort first).
    const key = `${entry.path}\u0000${entry.page ?? ''}\u0000${entry.unordered ? 'unordered' : entry.optional ? 'optional' : ''}`;
    const known = byPath.get(key);
    if (!known) {
      byPath.set(key, copy(entry));
      continue;
    }
    if (entry.unordered || entry.optional) continue;
    if (entry.whole || known.whole) {
      byPath.set(key, { ...pageOf(entry), path: entry.path, whole: true });
      continue;
    }
    const shapes = [...(known.shapes ?? [])];
    for (const shape of entry.shapes ?? []) {
      if (!shapes.some((s) => s.pattern === shape.pattern && s.index === shape.index)) shapes.push({ ...shape });
    }
    byPath.set(key, { ...pageOf(entry), path: entry.path, shapes });
  }
  // Sorting first, then masking items: unordered entries go before the others.
  const entries = [...byPath.values()].sort((x, y) => Number(y.unordered === true) - Number(x.unordered === true));
  const out: NoiseMask = { entries };
  const texts = [...new Set([...(a.texts ?? []), ...(b.texts ?? [])])];
  const templates = [...new Set([...(a.templates ?? []), ...(b.templates ?? [])])];
  if (texts.length > 0) out.texts = texts;
  if (templates.length > 0) out.templates = templates;
  return out;
}

// ——— learning ———

function entryFor(path: string, a: Json | undefined, b: Json | undefined): NoiseEntry {
  if (a === undefined || b === undefined) {
    // Present in one run only: a key sent now and then, or an element of a list of varying length.
    return path.endsWith(']') ? { path: parentOf(path), whole: true } : { path, optional: true };
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
  // At most two runs (`AB1234`, `ref7781`): a random token (hex, base 36) mixes letters and digits
  // in any order, so two samples that happen to share their runs say nothing of the third.
  if (label === classes(b) && /^(?:A\+|a\+|#\+){1,2}$/.test(label)) {
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

/** The entry tied to the path of the response it lies in, when it lies in one (`responses[k]…`). */
function onPage(entry: NoiseEntry, observation: Observation): NoiseEntry {
  // A header or cookie the site sends now and then does so on every page.
  if (entry.optional && /\.(?:headers|cookies)\.[^.[\]]+$/.test(entry.path)) return { path: entry.path.replace(/^responses\[\d+\]/, 'responses[*]'), optional: true };
  const index = /^responses\[(\d+)\]/.exec(entry.path)?.[1];
  if (index === undefined) return entry;
  const page = pageKey(valueAt(observation, `responses[${index}].path`));
  return page !== undefined ? { ...entry, page } : entry;
}

/**
 * Whether two texts are different texts altogether (one banner instead of another: no word in
 * common), rather than one text with a random part (`'nonce-AbC+/x='` vs `'nonce-Zy9/+a'`).
 */
function unrelated(a: string, b: string): boolean {
  if (a.length > MAX_NOISE_TEXT || b.length > MAX_NOISE_TEXT) return false;
  const wordsA = new Set(words(a).map((w) => w.text.toLowerCase()));
  return !words(b).some((w) => wordsA.has(w.text.toLowerCase()));
}

/** Longest text kept as a whole-text noise value (a banner, a list item); longer ones stay per path. */
const MAX_NOISE_TEXT = 300;

/**
 * A pattern for two texts with the same words but for some that vary (`Visitor number 660` /
 * `Visitor number 662`): the fixed words and the separators literally, each varying word as a
 * group of its shape (digit runs of any length). Undefined when the texts differ in their number
 * of words, in every word (they are different texts: see `texts`), or in what lies between words.
 */
function templateOf(a: string, b: string): string | undefined {
  const wordsA = words(a);
  const wordsB = words(b);
  if (wordsA.length !== wordsB.length || wordsA.length === 0) return undefined;
  let varying = 0;
  let pattern = '';
  let last = 0;
  for (const [index, word] of wordsA.entries()) {
    const other = wordsB[index];
    if (other === undefined) return undefined;
    pattern += escapeRegex(a.slice(last, word.start));
    if (word.text === other.text) pattern += escapeRegex(word.text);
    else {
      varying++;
      pattern += `(${templateWord(word.text, other.text)})`;
    }
    last = word.start + word.text.length;
  }
  pattern += escapeRegex(a.slice(last));
  if (varying === 0 || varying === wordsA.length) return undefined;
  const regex = new RegExp(`^${pattern}$`, 'u');
  return regex.test(a) && regex.test(b) ? pattern : undefined;
}

/** The shape of a varying word in a template: digit runs of any length, else letter case and digit runs, else any word. */
function templateWord(a: string, b: string): string {
  const digitRuns = (w: string): string => w.replace(/\p{Nd}+/gu, '#+');
  if (digitRuns(a) === digitRuns(b)) return toPattern(digitRuns(a), true);
  return '[\\p{L}\\p{N}]+';
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Paths of lists of objects, lists or numbers that hold the same items in another order in `a`
 * and `b` (outermost first; a shuffled list's items are not looked into).
 */
function shuffledLists(a: Json | undefined, b: Json | undefined, path: string): string[] {
  if (a === b || a === undefined || b === undefined || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return [];
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return [];
    // Lists of texts (a page's lines) are left to the texts and templates: a shuffled part of a
    // page must not make the whole page compare sorted, which would move a real difference.
    if (a.length >= 2 && !a.every((item) => typeof item === 'string')) {
      const keysA = a.map((item) => JSON.stringify(item));
      const keysB = b.map((item) => JSON.stringify(item));
      if (keysA.every((k, i) => k === keysB[i])) return [];
      if ([...keysA].sort().join('\u0000') === [...keysB].sort().join('\u0000')) return [path || '(root)'];
    }
    return a.flatMap((item, i) => shuffledLists(item, b[i], `${path}[${i}]`));
  }
  return Object.keys(a).flatMap((key) => (Object.hasOwn(b, key) ? shuffledLists(a[key], b[key], path ? `${path}.${key}` : key) : []));
}

function sortLists(observation: Observation, paths: readonly string[]): Observation {
  let out: Json = observation;
  for (const path of paths) out = update(out, parsePath(path), (value) => (Array.isArray(value) ? sortedItems(value) : value));
  return out as Observation;
}

function sortedItems(items: readonly Json[]): Json[] {
  return items
    .map((item) => ({ item, key: JSON.stringify(item) }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    .map((x) => x.item);
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

function onSamePage(observation: Observation, entry: NoiseEntry): boolean {
  const index = /^responses\[(\d+)\]/.exec(entry.path)?.[1];
  return index === undefined || pageKey(valueAt(observation, `responses[${index}].path`)) === entry.page;
}

/** A response's page: its path template without the query (whose values may differ from world to world). */
function pageKey(path: Json | undefined): string | undefined {
  return typeof path === 'string' ? (path.split('?')[0] ?? path) : undefined;
}

interface Anywhere {
  texts: ReadonlySet<string>;
  templates: readonly RegExp[];
}

/** Compiled once per mask (masks are replaced, never changed, as noise is learned). */
const compiled = new WeakMap<NoiseMask, Anywhere | null>();

function compiledAnywhere(mask: NoiseMask): Anywhere | undefined {
  const known = compiled.get(mask);
  if (known !== undefined) return known ?? undefined;
  const texts = (mask.texts ?? []).filter((t) => t.length <= MAX_NOISE_TEXT);
  const templates = (mask.templates ?? []).map((t) => new RegExp(`^${t}$`, 'du'));
  const out = texts.length === 0 && templates.length === 0 ? null : { texts: new Set(texts), templates };
  compiled.set(mask, out);
  return out ?? undefined;
}

function maskAnywhere(text: string, anywhere: Anywhere): string {
  if (anywhere.texts.has(text)) return NOISE;
  for (const template of anywhere.templates) {
    const match = template.exec(text);
    if (!match?.indices) continue;
    let out = '';
    let last = 0;
    for (const span of match.indices.slice(1)) {
      if (span === undefined) continue;
      out += text.slice(last, span[0]) + NOISE;
      last = span[1];
    }
    return out + text.slice(last);
  }
  return text;
}

/** Apply `onString` to every string of a JSON value; unchanged parts are not copied. */
function mapStrings(value: Json, onString: (text: string) => string): Json {
  if (typeof value === 'string') return onString(value);
  if (Array.isArray(value)) {
    let out: Json[] | undefined;
    value.forEach((item, i) => {
      const next = mapStrings(item, onString);
      if (next !== item) (out ??= value.slice())[i] = next;
    });
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    let out: { [key: string]: Json } | undefined;
    for (const [key, item] of Object.entries(value)) {
      const next = mapStrings(item, onString);
      if (next !== item) (out ??= { ...value })[key] = next;
    }
    return out ?? value;
  }
  return value;
}

function parsePath(path: string): string[] {
  if (path === '(root)' || path === '') return [];
  return path.match(/[^.[\]]+/g) ?? [];
}

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '(root)' : path.slice(0, cut);
}

/**
 * A copy of `value` with the value at `parts` replaced by `change(old)` (an object key whose new
 * value is undefined is removed); `*` stands for every index of a list. Unchanged if the path is
 * missing.
 */
function update(value: Json, parts: readonly string[], change: (old: Json) => Json | undefined): Json {
  if (parts.length === 0) return change(value) ?? value;
  const [head = '', ...rest] = parts;
  if (Array.isArray(value)) {
    if (head === '*') {
      let out: Json[] | undefined;
      value.forEach((item, i) => {
        const next = update(item, rest, change);
        if (next !== item) (out ??= [...value])[i] = next;
      });
      return out ?? value;
    }
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
    if (rest.length === 0) {
      const next = change(item);
      if (next === undefined) {
        const { [head]: _removed, ...kept } = value;
        return kept;
      }
      return next === item ? value : { ...value, [head]: next };
    }
    const next = update(item, rest, change);
    return next === item ? value : { ...value, [head]: next };
  }
  return value;
}

function pageOf(entry: NoiseEntry): { page?: string } {
  return entry.page === undefined ? {} : { page: entry.page };
}

function copy(entry: NoiseEntry): NoiseEntry {
  const out: NoiseEntry = { path: entry.path, ...pageOf(entry) };
  if (entry.whole) out.whole = true;
  if (entry.unordered) out.unordered = true;
  if (entry.optional) out.optional = true;
  if (entry.shapes) out.shapes = entry.shapes.map((s) => ({ ...s }));
  return out;
}

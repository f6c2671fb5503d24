import { TwoKeyMemo } from '../two-key-memo.js';
import type { Identity } from './identity.js';

/** A value that must only ever be seen by those allowed to see its owner's data. */
export interface Canary {
  value: string;
  /** Id of the patient or entity the value belongs to. */
  owner: string;
  /** Which field it is: 'nhsNumber', 'nhi', 'familyName', 'phone', 'email', or a model's own. */
  field: string;
}

/** One place a canary occurs in a text. */
export interface CanaryHit {
  canary: Canary;
  /** UTF-16 offset of the match in the scanned text. */
  index: number;
}

/**
 * The canaries of an identity: NHS number, NHI, family name, phone and email. Given name,
 * date of birth and postcode are left out: they are common enough to appear by chance.
 *
 * @example
 * identityCanaries(identity, 'patient-1').map((c) => c.field)
 * // → ['nhsNumber', 'nhi', 'familyName', 'phone', 'email']
 */
export function identityCanaries(identity: Identity, owner: string): Canary[] {
  return [
    { value: identity.nhsNumber, owner, field: 'nhsNumber' },
    { value: identity.nhi, owner, field: 'nhi' },
    { value: identity.familyName, owner, field: 'familyName' },
    { value: identity.phone, owner, field: 'phone' },
    { value: identity.email, owner, field: 'email' },
  ];
}

/*
 * How the scan stays fast. Oracles call findCanaries for every string of every response against
 * every canary of a world, thousands of times a run, on short strings. Compiling a regular
 * expression per canary costs 100–700 µs in V8 (far more than running it), so:
 * - numbers are found in a digit view of the text built once per call (digits kept, separators
 *   dropped, anything else a break) with plain indexOf;
 * - emails with indexOf on an ASCII-case-folded copy of the text;
 * - names and other text need a pattern (Unicode case, apostrophe and space variants), so a cheap
 *   test runs first (their longest ASCII letter-or-digit run must be in the folded text), patterns
 *   are compiled only for texts that pass; each value's matcher (with its fragment and
 *   compiled pattern) is kept in a bounded cache.
 * None of this is visible to callers: results depend only on the arguments.
 */

/** A character that continues a word: any letter, combining mark or digit, in any script. */
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
/** Characters that may sit between the digits of a number: spaces, no-break spaces, dot, brackets, hyphens. */
const DIGIT_SEPARATORS = new Set([' ', '\u00a0', '\u202f', '\t', '.', '(', ')', '-', '\u2010', '\u2011']);
const ENTITY_SPACES = ['&nbsp;', '&#160;'];
const APOSTROPHE = "(?:['\\u2018\\u2019\\u02bc`]|&#0*39;|&#x0*27;|&apos;|&rsquo;|&lsquo;|&#8217;)";
const SPACE = '(?:\\s|&nbsp;|&#160;)+';
const HYPHEN = '(?:[\\-\\u2010\\u2011]|&#8209;)';
const EMAIL_LOCAL_CHAR = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]$/;
const DIGIT = /^[0-9]$/;

/** One text, with the views the matchers need, each built at most once per call (a class: no closures per text). */
class TextView {
  #folded: string | undefined;
  #digits: DigitView | undefined;
  constructor(readonly text: string) {}
  folded(): string {
    return (this.#folded ??= foldAscii(this.text));
  }
  digits(): DigitView {
    return (this.#digits ??= digitView(this.text));
  }
}

/** The digits of a text in order (separators dropped, '|' where anything else broke them), with where each came from. */
interface DigitView {
  readonly digits: string;
  readonly positions: readonly number[];
}

/** How to look for one canary value in a text: worked out once per field and value, then kept. */
type Matcher = (view: TextView) => readonly number[];

/** What a matcher returns when the text does not hold its value: shared, so a scan of a clean text allocates nothing. */
const NONE: readonly number[] = Object.freeze([]);
/** The digit view of a text without digits: no number can be found in it. */
const NO_DIGITS: DigitView = Object.freeze({ digits: '', positions: Object.freeze([]) });
const HAS_DIGIT = /[0-9]/;

/** ASCII letters to lower case, plus the two non-ASCII letters that case-fold onto ASCII; same length as the input. */
function foldAscii(text: string): string {
  // Whole runs of capitals at a time (one call each, not one per letter); the two others are rare.
  const lower = text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
  return /[\u212a\u017f]/.test(lower) ? lower.replace(/\u212a/g, 'k').replace(/\u017f/g, 's') : lower;
}

function digitView(text: string): DigitView {
  if (!HAS_DIGIT.test(text)) return NO_DIGITS;
  let digits = '';
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c >= '0' && c <= '9') {
      digits += c;
      positions.push(i);
      continue;
    }
    if (DIGIT_SEPARATORS.has(c)) continue;
    const entity = c === '&' ? ENTITY_SPACES.find((e) => text.startsWith(e, i)) : undefined;
    if (entity !== undefined) {
      i += entity.length - 1;
      continue;
    }
    if (!digits.endsWith('|')) {
      digits += '|';
      positions.push(-1);
    }
  }
  return { digits, positions };
}

function occurrences(haystack: string, needle: string): readonly number[] {
  const first = needle === '' ? -1 : haystack.indexOf(needle);
  if (first < 0) return NONE;
  const found: number[] = [];
  for (let at = first; at >= 0; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/** The code point that ends just before UTF-16 offset `i` ('' at the start). */
function codePointBefore(text: string, i: number): string {
  if (i <= 0) return '';
  const low = text.charCodeAt(i - 1);
  if (i >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(i - 2, i);
  }
  return text.charAt(i - 1);
}

/** The code point that starts at UTF-16 offset `i` ('' at the end). */
function codePointFrom(text: string, i: number): string {
  const cp = text.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** A run of digits written with any separators, not touching another digit. */
function findNumber(view: TextView, digits: string): readonly number[] {
  const { digits: stream, positions } = view.digits();
  const { text } = view;
  const found = occurrences(stream, digits);
  if (found.length === 0) return NONE;
  return found
    .map((k) => ({ start: positions[k] ?? -1, end: (positions[k + digits.length - 1] ?? -2) + 1 }))
    .filter(({ start, end }) => !DIGIT.test(text.charAt(start - 1)) && !DIGIT.test(text.charAt(end)))
    .map(({ start }) => start);
}

/**
 * A UK number in national form (0…), or international (+44…, 0044…, +44 (0)…), with any
 * separators, not touching another digit.
 */
function findPhone(view: TextView, national: string): readonly number[] {
  const { digits: stream, positions } = view.digits();
  const { text } = view;
  const rest = national.slice(1);
  const found = occurrences(stream, rest);
  if (found.length === 0) return NONE;
  const hits: number[] = [];
  for (const k of found) {
    const end = (positions[k + rest.length - 1] ?? -2) + 1;
    if (DIGIT.test(text.charAt(end))) continue;
    const startOf = (digitsBack: number): number => positions[k - digitsBack] ?? -1;
    const precededBy = (prefix: string): boolean => stream.slice(k - prefix.length, k) === prefix;
    const clearBefore = (start: number): boolean => start >= 0 && !/^[0-9+]$/.test(text.charAt(start - 1));
    const plusBefore = (start: number): boolean => start >= 1 && text.charAt(start - 1) === '+' && !DIGIT.test(text.charAt(start - 2));
    if (precededBy('0') && clearBefore(startOf(1))) hits.push(startOf(1));
    else if (precededBy('440') && plusBefore(startOf(3))) hits.push(startOf(3) - 1);
    else if (precededBy('44') && plusBefore(startOf(2))) hits.push(startOf(2) - 1);
    else if (precededBy('0044') && clearBefore(startOf(4))) hits.push(startOf(4));
  }
  return hits;
}

function findEmail(view: TextView, email: string): readonly number[] {
  if (!view.text.includes('@')) return NONE;
  const folded = view.folded();
  const { text } = view;
  const found = occurrences(folded, foldAscii(email));
  if (found.length === 0) return NONE;
  return found.filter((start) => {
    const end = start + email.length;
    return (
      !EMAIL_LOCAL_CHAR.test(text.charAt(start - 1)) &&
      !/^[A-Za-z0-9-]$/.test(text.charAt(end)) &&
      !/^\.[A-Za-z0-9]/.test(text.slice(end, end + 2))
    );
  });
}

function findPlainDigits(view: TextView, digits: string): readonly number[] {
  const { text } = view;
  const found = occurrences(text, digits);
  if (found.length === 0) return NONE;
  return found.filter(
    (start) => !DIGIT.test(text.charAt(start - 1)) && !DIGIT.test(text.charAt(start + digits.length)),
  );
}

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/** A pattern for a name or token: each apostrophe, space and hyphen also matches its usual typographic and HTML variants. */
function textPattern(value: string): string {
  const forms = [...new Set([value.normalize('NFC'), value.normalize('NFD')])];
  const alternatives = forms.map((form) =>
    form
      .split(/(\s+)/u)
      .map((part) =>
        /^\s+$/u.test(part)
          ? SPACE
          : [...part]
              .map((c) => (/['\u2018\u2019\u02bc`]/.test(c) ? APOSTROPHE : c === '-' ? HYPHEN : escapeChar(c)))
              .join(''),
      )
      .join(''),
  );
  return `(?:${alternatives.join('|')})`;
}

/** The longest run of ASCII letters and digits in a value, folded: every match contains it. */
function requiredFragment(value: string): string {
  const runs = foldAscii(value.normalize('NFC')).match(/[a-z0-9]+/g) ?? [];
  return runs.reduce((longest, run) => (run.length > longest.length ? run : longest), '');
}

/**
 * A name or other text, case-insensitively, on Unicode word boundaries. The pattern is
 * compiled on the first text that contains the required fragment, then kept with the matcher.
 */
function wordMatcher(value: string): Matcher {
  const fragment = requiredFragment(value);
  let pattern: RegExp | undefined;
  return (view) => {
    if (fragment !== '' && !view.folded().includes(fragment)) return NONE;
    const { text } = view;
    pattern ??= new RegExp(textPattern(value), 'giu');
    const hits: number[] = [];
    pattern.lastIndex = 0; // the pattern is kept between calls; a scan always runs to the end
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const start = match.index;
      const end = start + match[0].length;
      if (!WORD_CHAR.test(codePointBefore(text, start)) && !WORD_CHAR.test(codePointFrom(text, end))) {
        hits.push(start);
        pattern.lastIndex = Math.max(end, start + 1);
      } else {
        pattern.lastIndex = start + 1; // a shorter, properly bounded match may start inside this one
      }
    }
    return hits.length === 0 ? NONE : hits;
  };
}

/** Matchers by field, then by value, emptied past a bound. */
const matchers = new TwoKeyMemo<Matcher>(10_000);

function matcherOf(canary: Canary): Matcher {
  return matchers.get(canary.field, canary.value) ?? matchers.set(canary.field, canary.value, makeMatcher(canary));
}

function makeMatcher(canary: Canary): Matcher {
  const value = canary.value.trim();
  if (value === '') return () => NONE;
  const compact = value.replace(/[\s().-]/g, '');
  if (canary.field === 'nhsNumber' && /^[0-9]{10}$/.test(compact)) return (view) => findNumber(view, compact);
  if (canary.field === 'phone' && /^(?:0|\+44)[0-9]{9,10}$/.test(compact)) {
    const national = compact.startsWith('+44') ? `0${compact.slice(3)}` : compact;
    return (view) => findPhone(view, national);
  }
  if (value.includes('@')) return (view) => findEmail(view, value);
  if (/^[0-9]+$/.test(value)) return (view) => findPlainDigits(view, value);
  return wordMatcher(value);
}

/**
 * Every place any canary occurs in a text, in order of position (then of the canary list). A
 * pure scan with these rules:
 * - NHS numbers (field 'nhsNumber') also match written 3-3-4 or in any other grouping, with
 *   spaces, no-break spaces, dots, hyphens, brackets or `&nbsp;` between digits;
 * - phone numbers (field 'phone') also match with or without their spaces, in other groupings,
 *   and as +44 / 0044 / +44 (0);
 * - numbers never match inside a longer run of digits;
 * - emails match case-insensitively, not inside a longer address;
 * - names and other text (family names, NHIs) match case-insensitively on Unicode word
 *   boundaries (letters, marks and digits of any script continue a word), composed or
 *   decomposed, with typographic or HTML-escaped apostrophes and any run of spaces.
 *
 * @example
 * findCanaries('<td>NHS no. 999 000 0018</td>', [{ value: '9990000018', owner: 'p1', field: 'nhsNumber' }])
 * // → [{ canary: { value: '9990000018', owner: 'p1', field: 'nhsNumber' }, index: 12 }]
 */
export function findCanaries(text: string, canaries: readonly Canary[]): CanaryHit[] {
  const view = new TextView(text);
  const hits: { hit: CanaryHit; order: number }[] = [];
  for (let order = 0; order < canaries.length; order++) {
    const canary = canaries[order];
    if (canary === undefined) continue;
    for (const index of matcherOf(canary)(view)) hits.push({ hit: { canary, index }, order });
  }
  if (hits.length === 0) return [];
  return hits.sort((a, b) => a.hit.index - b.hit.index || a.order - b.order).map(({ hit }) => hit);
}

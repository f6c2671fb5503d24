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

/**
 * A character that continues a word: any letter, combining mark or digit, in any script.
 * Checked outside the per-canary patterns: a `\p{…}` class costs about a millisecond to compile
 * into every pattern, and scans run over many canaries.
 */
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
/**
 * What may separate digit groups: any run of spaces, no-break spaces, hyphens, dots, brackets
 * or &nbsp;. A `*` loop, not `{0,n}`: bounded repeats get unrolled and made each phone pattern
 * cost milliseconds to compile.
 */
const DIGIT_SEP = '(?:[ \\u00a0\\u202f.()\\-]|&nbsp;|&#160;)*';
const APOSTROPHE = "(?:['\\u2018\\u2019\\u02bc`]|&#0*39;|&#x0*27;|&apos;|&rsquo;|&lsquo;|&#8217;)";
const SPACE = '(?:\\s|&nbsp;|&#160;)+';
const HYPHEN = '(?:[\\-\\u2010\\u2011]|&#8209;)';

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

/** An NHS number as ten digits, optionally grouped 3-3-4. */
function nhsPattern(digits: string): string {
  return `${digits.slice(0, 3)}${DIGIT_SEP}${digits.slice(3, 6)}${DIGIT_SEP}${digits.slice(6)}`;
}

/** A UK phone number with any grouping, with or without its spaces, nationally or with +44 / 0044 / +44 (0). */
function phonePattern(national: string): string {
  const rest = [...national.slice(1)].join(DIGIT_SEP);
  const trunk = `(?:\\(?0|(?:\\+|00)44${DIGIT_SEP}(?:\\(0\\)${DIGIT_SEP})?)`;
  return `${trunk}${DIGIT_SEP}${rest}`;
}

/**
 * What must not touch a match for it to count: digits around a number, address characters
 * around an email, letters, marks or digits of any script around a name. Checked in code rather
 * than with look-behind in the patterns: a pattern that starts with a look-behind is tried at
 * every offset of the text, one that starts with a literal is found by a fast scan.
 */
type Boundary = 'digits' | 'phone' | 'email' | 'word';

/** A compiled canary: its pattern and its boundary rule. */
interface Matcher {
  pattern: RegExp;
  boundary: Boundary;
}

const EMAIL_LOCAL_CHAR = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]$/;

function standsAlone(text: string, start: number, end: number, boundary: Boundary): boolean {
  const before = codePointBefore(text, start);
  const after = codePointFrom(text, end);
  switch (boundary) {
    case 'digits':
      return !/^[0-9]$/.test(before) && !/^[0-9]$/.test(after);
    case 'phone':
      return !/^[0-9+]$/.test(before) && !/^[0-9]$/.test(after);
    case 'email':
      return !EMAIL_LOCAL_CHAR.test(before) && !/^[A-Za-z0-9-]$/.test(after) && !/^\.[A-Za-z0-9]/.test(text.slice(end, end + 2));
    case 'word':
      return !WORD_CHAR.test(before) && !WORD_CHAR.test(after);
  }
}

/**
 * Compiled matchers by field and value. Oracles scan every string of every response against
 * every canary of a world, so the same canaries come back thousands of times in a run; building
 * a pattern costs far more than running it. A cache is invisible to callers (results depend only
 * on the arguments), and is emptied when it grows past a bound.
 */
const matcherCache = new Map<string, Matcher | null>();
const MATCHER_CACHE_LIMIT = 10_000;

function cachedMatcherFor(canary: Canary): Matcher | null {
  const key = `${canary.field}\u0000${canary.value}`;
  let matcher = matcherCache.get(key);
  if (matcher === undefined) {
    if (matcherCache.size >= MATCHER_CACHE_LIMIT) matcherCache.clear();
    matcher = matcherFor(canary);
    matcherCache.set(key, matcher);
  }
  return matcher;
}

function matcherFor(canary: Canary): Matcher | null {
  const value = canary.value.trim();
  if (value === '') return null;
  const digits = value.replace(/[\s-]/g, '');
  const compact = digits.replace(/[()]/g, '');
  const compile = (source: string, boundary: Boundary): Matcher => ({ pattern: new RegExp(source, 'giu'), boundary });
  if (canary.field === 'nhsNumber' && /^[0-9]{10}$/.test(digits)) return compile(nhsPattern(digits), 'digits');
  if (canary.field === 'phone' && /^(?:0|\+44)[0-9]{9,10}$/.test(compact)) {
    return compile(phonePattern(compact.startsWith('+44') ? `0${compact.slice(3)}` : compact), 'phone');
  }
  if (value.includes('@')) return compile([...value].map(escapeChar).join(''), 'email');
  if (/^[0-9]+$/.test(value)) return compile(value, 'digits');
  return compile(textPattern(value), 'word');
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

/** Start offsets of every match that stands alone by its boundary rule. */
function matchIndexes(text: string, { pattern, boundary }: Matcher): number[] {
  const indexes: number[] = [];
  pattern.lastIndex = 0; // patterns are shared through the cache; a scan always runs to the end
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (standsAlone(text, start, end, boundary)) {
      indexes.push(start);
      pattern.lastIndex = Math.max(end, start + 1);
    } else {
      pattern.lastIndex = start + 1; // a shorter, properly bounded match may start inside this one
    }
  }
  return indexes;
}

/**
 * Every place any canary occurs in a text, in order of position (then of the canary list). A
 * pure scan with these rules:
 * - NHS numbers also match written 3-3-4 with spaces (or no-break spaces, hyphens, `&nbsp;`);
 * - phone numbers also match with or without their spaces, in other groupings, and as +44;
 * - digit values never match inside a longer run of digits;
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
  const hits: { hit: CanaryHit; order: number }[] = [];
  canaries.forEach((canary, order) => {
    const matcher = cachedMatcherFor(canary);
    if (matcher === null) return;
    for (const index of matchIndexes(text, matcher)) hits.push({ hit: { canary, index }, order });
  });
  return hits.sort((a, b) => a.hit.index - b.hit.index || a.order - b.order).map(({ hit }) => hit);
}

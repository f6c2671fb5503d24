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
/** What may separate digit groups: any run of spaces, no-break spaces, hyphens, dots, brackets or &nbsp;. A loop, not {0,n}: bounded repeats are unrolled and made phone patterns cost milliseconds to compile. */
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
  return `(?<![0-9])${digits.slice(0, 3)}${DIGIT_SEP}${digits.slice(3, 6)}${DIGIT_SEP}${digits.slice(6)}(?![0-9])`;
}

/** A UK phone number with any grouping, with or without its spaces, nationally or with +44 / 0044 / +44 (0). */
function phonePattern(national: string): string {
  const rest = [...national.slice(1)].join(DIGIT_SEP);
  const trunk = `(?:\\(?0|(?:\\+|00)44${DIGIT_SEP}(?:\\(0\\)${DIGIT_SEP})?)`;
  return `(?<![0-9+])${trunk}${DIGIT_SEP}${rest}(?![0-9])`;
}

function emailPattern(email: string): string {
  return `(?<![A-Za-z0-9.!#$%&'*+/=?^_\`{|}~-])${[...email].map(escapeChar).join('')}(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`;
}

/** A compiled canary: its pattern, and whether a match must also stand on Unicode word boundaries. */
interface Matcher {
  pattern: RegExp;
  wordBounded: boolean;
}

function matcherFor(canary: Canary): Matcher | null {
  const value = canary.value.trim();
  if (value === '') return null;
  const digits = value.replace(/[\s-]/g, '');
  let source: string;
  if (canary.field === 'nhsNumber' && /^[0-9]{10}$/.test(digits)) source = nhsPattern(digits);
  else if (canary.field === 'phone' && /^(?:0|\+44)[0-9]{9,10}$/.test(digits.replace(/[()]/g, ''))) {
    const compact = digits.replace(/[()]/g, '');
    source = phonePattern(compact.startsWith('+44') ? `0${compact.slice(3)}` : compact);
  } else if (value.includes('@')) source = emailPattern(value);
  else if (/^[0-9]+$/.test(value)) source = `(?<![0-9])${value}(?![0-9])`;
  else return { pattern: new RegExp(textPattern(value), 'giu'), wordBounded: true };
  return { pattern: new RegExp(source, 'giu'), wordBounded: false };
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

/** Start offsets of every match; for word-bounded matchers, a match touching a word character on either side is skipped. */
function matchIndexes(text: string, { pattern, wordBounded }: Matcher): number[] {
  const indexes: number[] = [];
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    const bounded = !WORD_CHAR.test(codePointBefore(text, start)) && !WORD_CHAR.test(codePointFrom(text, end));
    if (!wordBounded || bounded) {
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
    const matcher = matcherFor(canary);
    if (matcher === null) return;
    for (const index of matchIndexes(text, matcher)) hits.push({ hit: { canary, index }, order });
  });
  return hits.sort((a, b) => a.hit.index - b.hit.index || a.order - b.order).map(({ hit }) => hit);
}

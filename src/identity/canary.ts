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

/** Characters that continue a word: any letter, combining mark or digit, in any script. */
const WORD = '[\\p{L}\\p{M}\\p{N}]';
/** What may separate digit groups: space, no-break spaces, hyphen, dot, brackets, or &nbsp;. */
const DIGIT_SEP = '(?:[ \\u00a0\\u202f.()\\-]|&nbsp;|&#160;){0,3}';
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
  return `(?<!${WORD})(?:${alternatives.join('|')})(?!${WORD})`;
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

function patternFor(canary: Canary): RegExp | null {
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
  else source = textPattern(value);
  return new RegExp(source, 'giu');
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
    const pattern = patternFor(canary);
    if (pattern === null) return;
    for (const match of text.matchAll(pattern)) hits.push({ hit: { canary, index: match.index }, order });
  });
  return hits.sort((a, b) => a.hit.index - b.hit.index || a.order - b.order).map(({ hit }) => hit);
}

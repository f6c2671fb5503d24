/**
 * A regular expression source matching a value the actor typed in the forms a site may echo it:
 * as typed, URL-encoded (`%27`, `%20`, `+`, UTF-8 bytes), with HTML entities (`&#39;`, `&#x27;`,
 * `&apos;`, `&amp;`, `&eacute;`…, numeric or named), with JSON escapes (`\u00e9`, `\"`, `\/`),
 * a typographic apostrophe for `'`, a character decomposed (NFD), and — when the value is an
 * NHS number or a date of birth — its usual formats (`999 000 0018`, `999-000-0018`;
 * `1980-02-01`, `01/02/1980`, `1/2/1980`, `1 February 1980`, `1st Feb 1980`, `February 1, 1980`).
 * A value of three letters or more is also found in upper and in lower case (`caseForms`).
 *
 * @example
 * new RegExp(typedPattern("O'Brien"), 'iu').test('O&#39;BRIEN') // → true
 */
export function typedPattern(value: string): string {
  let pattern = recentPatterns.get(value);
  if (pattern === undefined) {
    if (recentPatterns.size >= KEPT_PATTERNS) recentPatterns.clear();
    pattern = patternOf(value);
    recentPatterns.set(value, pattern);
  }
  return pattern;
}

/** Values whose patterns are kept, at most (then all are forgotten at once): identities recur across a run's steps. */
const KEPT_PATTERNS = 4096;
const recentPatterns = new Map<string, string>();

function patternOf(value: string): string {
  const nhs = /^(\d{3})[ -]?(\d{3})[ -]?(\d{4})$/.exec(value);
  if (nhs) return `${nhs[1]}${SEPARATOR}?${nhs[2]}${SEPARATOR}?${nhs[3]}`;
  const date = dateParts(value);
  if (date) return datePattern(date);
  return caseForms(value)
    .map((form) => [...form].map(charPattern).join(''))
    .join('|');
}

/** Fewest letters for a value to be found in upper or lower case too: a short id (`p1`) must not mask other text (`[P1-E1]`). */
export const CASED_FROM_LETTERS = 3;

/** The value as typed and, when it has `CASED_FROM_LETTERS` letters or more (`Zoë`, not `p1`), in upper and in lower case. */
export function caseForms(value: string): string[] {
  const letters = value.match(/\p{L}/gu)?.length ?? 0;
  return [...new Set(letters < CASED_FROM_LETTERS ? [value] : [value, value.toUpperCase(), value.toLowerCase()])];
}

const SPACE = String.raw`(?:\s+|\+|%20|&nbsp;|&#0*(?:32|160);|&#[xX]0*(?:20|[aA]0);|\\u00(?:20|[aA]0))`;
/** What may stand between the groups of an NHS number. */
const SEPARATOR = String.raw`(?:[ -]|\+|%20|&nbsp;|&#0*32;|&#[xX]0*20;|\\u0020)`;
const SLASH = String.raw`(?:/|%2[fF]|&#0*47;|&#[xX]0*2[fF];|&sol;|\\/)`;

/** Named entities of punctuation HTML encoders use. */
const NAMED: Readonly<Record<string, readonly string[]>> = {
  "'": ['&apos;', '&rsquo;', '&#0*8217;', '&#[xX]0*2019;', '%[eE]2%80%99', '\\\\u2019', '\u2019', "\\\\'"],
  '&': ['&amp;'],
  '"': ['&quot;', '\\\\"'],
  '<': ['&lt;'],
  '>': ['&gt;'],
  '/': ['&sol;', '\\\\/'],
  '@': ['&commat;'],
  '-': ['&hyphen;', '&dash;'],
  '.': ['&period;'],
  ',': ['&comma;'],
  '(': ['&lpar;'],
  ')': ['&rpar;'],
};

/** The suffix of a named entity for a letter with one combining mark (`é` → `&eacute;`). */
const MARKS: Readonly<Record<string, string>> = {
  '\u0300': 'grave', '\u0301': 'acute', '\u0302': 'circ', '\u0303': 'tilde', '\u0304': 'macr', '\u0306': 'breve',
  '\u0307': 'dot', '\u0308': 'uml', '\u030a': 'ring', '\u030b': 'dblac', '\u030c': 'caron', '\u0327': 'cedil', '\u0328': 'ogon',
};
/** Letters with a named entity that no decomposition gives. */
const LETTERS: Readonly<Record<string, string>> = {
  ø: 'oslash', Ø: 'Oslash', æ: 'aelig', Æ: 'AElig', ß: 'szlig', ł: 'lstrok', Ł: 'Lstrok', đ: 'dstrok', Đ: 'Dstrok', ð: 'eth', Ð: 'ETH', þ: 'thorn', Þ: 'THORN', œ: 'oelig', Œ: 'OElig',
};

function charPattern(char: string): string {
  if (/^[A-Za-z0-9]$/.test(char)) return char;
  if (/^\s$/.test(char)) return SPACE;
  return `(?:${[...new Set(escapedForms(char))].join('|')})`;
}

/** The forms of one character (or the few its case change gives) as regular expression sources. */
function escapedForms(text: string): string[] {
  const forms = [escapeRegExp(text), percentEncoded(text), jsonEscaped(text)];
  const chars = [...text];
  if (chars.length === 1) {
    const code = text.codePointAt(0) ?? 0;
    forms.push(`&#0*${code};`, `&#[xX]0*${hexDigits(code.toString(16))};`);
    for (const named of NAMED[text] ?? []) forms.push(/^(?:\\|&#|%)/.test(named) ? named : escapeRegExp(named));
    const entity = namedLetter(text);
    if (entity !== undefined) forms.push(`&${entity};`);
  }
  const decomposed = text.normalize('NFD');
  if (decomposed !== text) forms.push(escapeRegExp(decomposed));
  return forms;
}

function namedLetter(char: string): string | undefined {
  const known = LETTERS[char];
  if (known !== undefined) return known;
  const [base, mark, ...more] = [...char.normalize('NFD')];
  if (base === undefined || mark === undefined || more.length > 0 || !/^[A-Za-z]$/.test(base)) return undefined;
  const suffix = MARKS[mark];
  return suffix === undefined ? undefined : `${base}${suffix}`;
}

/** `%C3%A9` or `%c3%a9`: the UTF-8 bytes. */
function percentEncoded(char: string): string {
  return [...Buffer.from(char, 'utf8')].map((b) => `%${hexDigits(b.toString(16).padStart(2, '0'))}`).join('');
}

/** `\u00e9` or `\u00E9`, as JSON writes a character it escapes (a pair for one outside the BMP). */
function jsonEscaped(char: string): string {
  let out = '';
  for (let i = 0; i < char.length; i++) out += `\\\\u${hexDigits(char.charCodeAt(i).toString(16).padStart(4, '0'))}`;
  return out;
}

/** Hex digits in either case: `e9` → `[eE]9`. */
function hexDigits(hex: string): string {
  return hex.replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

interface DateParts {
  year: string;
  month: number;
  day: number;
}

/** `YYYY-MM-DD` or `DD/MM/YYYY` as a real calendar date, else undefined. */
function dateParts(value: string): DateParts | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : uk ? [uk[3], uk[2], uk[1]] : [];
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  return { year, month: m, day: d };
}

function datePattern({ year, month, day }: DateParts): string {
  const mm = String(month).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  const name = MONTHS[month - 1] ?? '';
  const names = [name, name.slice(0, 3), ...(name === 'september' ? ['sept'] : [])];
  const cased = names.flatMap((n) => [n, n.toUpperCase(), `${n.charAt(0).toUpperCase()}${n.slice(1)}`]);
  const monthName = `(?:${[...new Set(cased)].map((n) => (n.length === name.length ? n : `${n}\\.?`)).join('|')})`;
  const ordinal = '(?:st|nd|rd|th|ST|ND|RD|TH)?';
  const dash = `(?:-|%2[dD])`;
  const numeric = `0?${day}(?:${SLASH}|${dash}|\\.)0?${month}(?:${SLASH}|${dash}|\\.)${year}`;
  return [
    `${year}${dash}${mm}${dash}${dd}`,
    numeric,
    `0?${day}${ordinal}${SPACE}(?:(?:of|OF)${SPACE})?${monthName},?${SPACE}${year}`,
    `${monthName}${SPACE}0?${day}${ordinal},?${SPACE}${year}`,
  ]
    .map((p) => `(?:${p})`)
    .join('|')
    .replace(/^/, '(?:')
    .concat(')');
}

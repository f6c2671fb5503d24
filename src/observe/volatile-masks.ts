/**
 * Masks for values that change on every page load — times, dates, UUIDs, random tokens — so
 * two loads of the same page read the same. They never touch what the leak oracles look for:
 * 10-digit numbers (NHS numbers), NHI-like ids (`ABC1234`), names, emails and phone numbers
 * are left exactly as they are, and so are placeholders already in the text (`‹name›`).
 *
 * @example
 * maskVolatile('Booked 2026-12-01T09:30:00Z for 9990000018, ref 3f9a7c2e41b84d0f9a1c')
 * // → 'Booked ‹time› for 9990000018, ref ‹token›'
 */
import { isValidNhsNumber } from '../identity/nhs-number.js';
export function maskVolatile(text: string): string {
  if (text.length < LINES_FROM) return maskWhole(text);
  return hasMaskable(text) ? maskLines(text) : text;
}

/**
 * Every mask needs a digit except a UUID's, which may be letters a–f only: most labels, class
 * names and headings have neither, and come back as they are without the full scan.
 */
function hasMaskable(text: string): boolean {
  return ANY_DIGIT.test(text) || ANY_UUID.test(text);
}

/** Texts this long or longer (pages) are masked line by line, with the lines' masks remembered. */
const LINES_FROM = 1024;
/** A line this long or longer is masked without being remembered. */
const LONGEST_REMEMBERED = 512;
/** Characters of lines remembered at most (then all are forgotten at once). */
const REMEMBERED_CHARACTERS = 1_000_000;
const maskedLines = new Map<string, string>();
let rememberedCharacters = 0;

/**
 * A page masked line by line, a line ending with a newline that a `<` follows. Nothing a mask
 * replaces or keeps whole can hold that newline: no mask matches a `<`, none ends with a
 * space, and emails and placeholders hold neither; and what a mask looks at around a match
 * (word boundaries, the characters next to a token) reads the same at a line's end as before
 * the `<`. So the page's mask is its lines' masks put together. Pages of one template share
 * most of their lines, whose masks are remembered.
 */
function maskLines(text: string): string {
  let out = '';
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n<', start);
    end = end === -1 ? text.length : end + 1;
    const line = text.slice(start, end);
    let masked = maskedLines.get(line);
    if (masked === undefined) {
      masked = maskWhole(line);
      if (line.length < LONGEST_REMEMBERED) {
        if (rememberedCharacters + line.length > REMEMBERED_CHARACTERS) {
          maskedLines.clear();
          rememberedCharacters = 0;
        }
        maskedLines.set(line, masked);
        rememberedCharacters += line.length;
      }
    }
    out += masked;
    start = end;
  }
  return out;
}

/** `maskVolatile` of a text in one piece, nothing remembered (what the line by line masking must equal; for tests). */
export function maskWhole(text: string): string {
  if (text === '' || !hasMaskable(text)) return text;
  // Emails and placeholders are kept whole: mask only the stretches between them.
  let out = '';
  let last = 0;
  for (const [start, end] of protectedSpans(text)) {
    out += maskStretch(text.slice(last, start)) + text.slice(start, end);
    last = end;
  }
  return out + maskStretch(text.slice(last));
}

export const TIME = '‹time›';
export const DATE = '‹date›';
export const UUID = '‹uuid›';
export const TOKEN = '‹token›';

const ANY_DIGIT = /[0-9]/;
const PLACEHOLDER = /‹[^‹›\n]{1,60}›/g;
const EMAIL_LOCAL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/;
const EMAIL_DOMAIN = /[A-Za-z0-9.-]/;

/**
 * Placeholders and emails, as sorted, non-overlapping [start, end) spans. Emails are found by
 * growing outwards from each `@` (at most 64 characters left, 255 right), so a long run of
 * base64 in a page costs linear time, not a regular expression's backtracking.
 */
function protectedSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const match of text.matchAll(PLACEHOLDER)) spans.push([match.index, match.index + match[0].length]);
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && EMAIL_LOCAL.test(text[start - 1] ?? '')) start--;
    let end = at + 1;
    while (end < text.length && end - at < 255 && EMAIL_DOMAIN.test(text[end] ?? '')) end++;
    while (end > at + 1 && /[.-]/.test(text[end - 1] ?? '')) end--; // a sentence's full stop is not the domain's
    const domain = text.slice(at + 1, end);
    if (start < at && /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/.test(domain)) spans.push([start, end]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const previous = merged[merged.length - 1];
    if (previous && span[0] < previous[1]) previous[1] = Math.max(previous[1], span[1]);
    else merged.push(span);
  }
  return merged;
}

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WEEKDAY = '(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?,?\\s+)';
const ORDINAL = '(?:st|nd|rd|th)?';
const UUID_BODY = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/**
 * Anything shaped like a UUID, word boundaries or not (masking runs on the stretches between
 * emails and placeholders, where a boundary can fall at a stretch's edge), for a test.
 */
const ANY_UUID = new RegExp(UUID_BODY, 'i');
/** The first three letters of every month name in MONTH. */
const MONTH_START = /jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec/i;

/**
 * Each rule: the pattern, its placeholder, and what any match must contain (a character, or a
 * short pattern far cheaper to scan for than the rule itself), so most texts skip most rules.
 */
const RULES: readonly [RegExp, string, string | RegExp][] = [
  // ISO date-times (with optional seconds, fraction and zone)
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?(?![\w:])/g, TIME, '-'],
  // dates: 2026-12-01, 01/12/2026, Tuesday 1 December 2026, 1st Dec 2026, December 1, 2026
  [/\b\d{4}-\d{2}-\d{2}\b/g, DATE, '-'],
  [/\b\d{1,2}\/\d{1,2}\/\d{4}\b/g, DATE, '/'],
  [new RegExp(`\\b${WEEKDAY}?\\d{1,2}${ORDINAL}\\s+${MONTH}\\.?,?\\s+\\d{4}\\b`, 'gi'), DATE, MONTH_START],
  [new RegExp(`\\b${WEEKDAY}?${MONTH}\\.?\\s+\\d{1,2}${ORDINAL},?\\s+\\d{4}\\b`, 'gi'), DATE, MONTH_START],
  // times: 09:30, 14:05:33, 9:30am, 9.30 pm, 9am
  [/\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[ap]\.?m\.?(?![a-z]))?(?![\w:])/gi, TIME, ':'],
  [/\b\d{1,2}(?:\.\d{2})?\s?[ap]\.?m\.?(?![a-z])/gi, TIME, /[ap]\.?m/i],
  [new RegExp(`\\b${UUID_BODY}\\b`, 'gi'), UUID, '-'],
];

/** 16+ hex or base64url characters (optional padding), standing alone. */
const TOKEN_CANDIDATE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{16,}={0,2}(?![A-Za-z0-9_=-])/g;

function maskStretch(text: string): string {
  let out = text;
  for (const [pattern, replacement, needs] of RULES) {
    if (typeof needs === 'string' ? out.includes(needs) : needs.test(out)) out = out.replace(pattern, replacement);
  }
  if (out.length < 16) return out;
  return out.replace(TOKEN_CANDIDATE, (candidate) => (isRandomToken(candidate) ? TOKEN : candidate));
}

/**
 * Mixes letters and digits, and hides no NHS number (ten digits whose check digit is right, glued
 * to other text, stay readable), unless it is a hex id of 20 characters or more. Random hex holds
 * ten digits in a row often enough (a 16-character etag about one time in twenty-five), and one
 * left readable reads as a difference between any two loads; only one in eleven of those passes
 * the check digit.
 */
function isRandomToken(candidate: string): boolean {
  if (!/[A-Za-z]/.test(candidate) || !/\d/.test(candidate)) return false;
  if (HEX_ID.test(candidate)) return true;
  return ![...candidate.matchAll(/(?<!\d)\d{10}(?!\d)/g)].some((run) => isValidNhsNumber(run[0]));
}

const HEX_ID = /^(?:[0-9a-f]{20,}|[0-9A-F]{20,})$/;

import * as fc from 'fast-check';

/*
 * New Zealand National Health Index (NHI) numbers. What was looked up (Te Whatu Ora pages
 * "NHI number format changes" / "Upcoming changes to the NHI", HISO 10046 Consumer Health
 * Identity Standard, and the open-source validators python-nhi, nhi-validator and nhiValidator):
 *
 * - Letters are drawn from A–Z without I and O (24 letters); for the check sum a letter counts as
 *   its position in that 24-letter alphabet (A=1 … H=8, J=9 … N=13, P=14 … Z=24), a digit as itself.
 * - The first six characters are weighted 7, 6, 5, 4, 3, 2 and summed.
 * - Old format AAANNNC: sum mod 11; a remainder of 0 means those six characters have no valid NHI;
 *   otherwise the check digit is 11 − remainder, with 10 written as 0.
 * - New format AAANNAX: sum mod 23; the check letter is the letter whose value is 23 − remainder
 *   (so never Z). The 2022 edition of the standard briefly used mod 24; the 2023 edition went back
 *   to mod 23, which the published new-format examples (e.g. ACA31FM) satisfy. Te Whatu Ora moved
 *   the first issue of new-format numbers from 1 October 2025 to 1 July 2026.
 * - NHIs beginning with Z are reserved for testing and are never assigned to a person (Te Whatu Ora
 *   states the Z range is kept exclusively for testing; the validators above treat it the same way).
 */

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const OLD_SHAPE = /^[A-HJ-NP-Z]{3}[0-9]{4}$/;
const NEW_SHAPE = /^[A-HJ-NP-Z]{3}[0-9]{2}[A-HJ-NP-Z]{2}$/;
/** Z + two letters + three digits. */
const OLD_TEST_SPACE = 24 * 24 * 1000;
/** Z + two letters + two digits + one letter. */
const NEW_TEST_SPACE = 24 * 24 * 100 * 24;

function charValue(c: string): number {
  const digit = c.charCodeAt(0) - 48;
  return digit >= 0 && digit <= 9 ? digit : LETTERS.indexOf(c) + 1;
}

function weightedSum(first6: string): number {
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += charValue(first6[i] ?? '') * (7 - i);
  return sum;
}

/** The check character for six upper-case characters of the given format, or null when there is none. */
function checkChar(first6: string, format: 'old' | 'new'): string | null {
  const sum = weightedSum(first6);
  if (format === 'old') {
    const remainder = sum % 11;
    return remainder === 0 ? null : String((11 - remainder) % 10);
  }
  return LETTERS[23 - (sum % 23) - 1] ?? null;
}

/**
 * The format an NHI is written in, by shape only (the check character is not verified):
 * `'old'` for AAANNNC, `'new'` for AAANNAX, `null` for anything else. Letters I and O never
 * occur; lower case is accepted.
 *
 * @example
 * nhiFormat('ZZZ0016') // → 'old'
 * nhiFormat('ZZZ00AC') // → 'new'
 * nhiFormat('ZZI0016') // → null
 */
export function nhiFormat(value: string): 'old' | 'new' | null {
  const upper = value.toUpperCase();
  if (OLD_SHAPE.test(upper)) return 'old';
  if (NEW_SHAPE.test(upper)) return 'new';
  return null;
}

/**
 * Whether a string is a valid NHI of either format: right shape and right check character
 * (mod 11 digit for AAANNNC, mod 23 letter for AAANNAX). Case-insensitive.
 *
 * @example
 * isValidNhi('ZZZ0024') // → true
 * isValidNhi('ZZZ00AC') // → true
 * isValidNhi('ZZZ0044') // → false (ZZZ004 has no valid check digit)
 */
export function isValidNhi(value: string): boolean {
  const format = nhiFormat(value);
  if (format === null) return false;
  const upper = value.toUpperCase();
  return checkChar(upper.slice(0, 6), format) === upper[6];
}

/**
 * Whether a string is a valid NHI in the range reserved for test data (first letter Z).
 *
 * @example
 * isTestNhi('ZAA0067') // → true
 * isTestNhi('ACA31FM') // → false (valid, but a real-range number)
 */
export function isTestNhi(value: string): boolean {
  return isValidNhi(value) && value.toUpperCase().startsWith('Z');
}

function oldFromIndex(index: number): string | null {
  const head = `Z${LETTERS[Math.floor(index / 24_000)]}${LETTERS[Math.floor(index / 1000) % 24]}${String(index % 1000).padStart(3, '0')}`;
  const check = checkChar(head, 'old');
  return check === null ? null : head + check;
}

function newFromIndex(index: number): string {
  const head =
    `Z${LETTERS[Math.floor(index / 57_600)]}${LETTERS[Math.floor(index / 2400) % 24]}` +
    `${String(Math.floor(index / 24) % 100).padStart(2, '0')}${LETTERS[index % 24]}`;
  return head + (checkChar(head, 'new') ?? '');
}

/** The test NHI at `index` of its format's test space, or the next one after it (wrapping) that has a check character. */
function testNhiAt(format: 'old' | 'new', index: number): string {
  if (format === 'new') return newFromIndex(index % NEW_TEST_SPACE);
  let i = index % OLD_TEST_SPACE;
  for (;;) {
    const nhi = oldFromIndex(i);
    if (nhi !== null) return nhi;
    i = (i + 1) % OLD_TEST_SPACE;
  }
}

function indexOfTestNhi(upper: string, format: 'old' | 'new'): number {
  const l2 = LETTERS.indexOf(upper[1] ?? '');
  const l3 = LETTERS.indexOf(upper[2] ?? '');
  if (format === 'old') return l2 * 24_000 + l3 * 1000 + Number(upper.slice(3, 6));
  return l2 * 57_600 + l3 * 2400 + Number(upper.slice(3, 5)) * 24 + LETTERS.indexOf(upper[5] ?? '');
}

/**
 * The next valid test NHI after `value`, in the same format, upper case, wrapping at the end of
 * the Z range. Used to repair duplicates deterministically.
 *
 * @example
 * nextTestNhi('ZZZ0016') // → 'ZZZ0024'
 */
export function nextTestNhi(value: string): string {
  if (!isTestNhi(value)) throw new RangeError(`not a test-range NHI: ${value}`);
  const upper = value.toUpperCase();
  const format = nhiFormat(upper) ?? 'old';
  return testNhiAt(format, indexOfTestNhi(upper, format) + 1);
}

/**
 * Valid NHIs from the test range (starting with Z) only, upper case. With a format, only that
 * format; without, both (`fc.oneof`, old format first). Built from an integer index over the
 * Z range, so values shrink toward ZAA000…; old-format heads with no check digit move forward to
 * the next head that has one.
 *
 * @example
 * fc.sample(nhiArb('new'), { seed: 42, numRuns: 1 }) // → ['ZZZ99FX']
 */
export function nhiArb(format?: 'old' | 'new'): fc.Arbitrary<string> {
  const oldArb = fc.integer({ min: 0, max: OLD_TEST_SPACE - 1 }).map((i) => testNhiAt('old', i));
  const newArb = fc.integer({ min: 0, max: NEW_TEST_SPACE - 1 }).map((i) => testNhiAt('new', i));
  if (format === 'old') return oldArb;
  if (format === 'new') return newArb;
  return fc.oneof(oldArb, newArb);
}

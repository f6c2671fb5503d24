import * as fc from 'fast-check';

/** First nine digits of the NHS test range: 999 000 000x – 999 999 999x are never issued to patients. */
const TEST_FIRST9_MIN = 999_000_000;
const TEST_FIRST9_MAX = 999_999_999;

/**
 * The modulus 11 check digit of an NHS number's first nine digits: weights 10 down to 2,
 * check = 11 − (sum mod 11), where 11 becomes 0 and 10 means no valid NHS number has these
 * first nine digits (`null`). Anything other than nine ASCII digits is also `null`.
 *
 * @example
 * nhsCheckDigit('943476591') // → 9   (943 476 5919)
 * nhsCheckDigit('999000000') // → null (check digit would be 10)
 */
export function nhsCheckDigit(first9: string): number | null {
  if (!/^[0-9]{9}$/.test(first9)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/**
 * Whether a string is a well-formed NHS number: ten digits, either run together or grouped
 * 3-3-4 with single spaces (`943 476 5919`), whose last digit is the modulus 11 check digit.
 *
 * @example
 * isValidNhsNumber('943 476 5919') // → true
 * isValidNhsNumber('9434765918')   // → false (wrong check digit)
 */
export function isValidNhsNumber(value: string): boolean {
  if (!/^(?:[0-9]{10}|[0-9]{3} [0-9]{3} [0-9]{4})$/.test(value)) return false;
  const digits = value.replaceAll(' ', '');
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/**
 * Whether a string is a valid NHS number in the test range 999 000 0000 – 999 999 9999,
 * which is never allocated to a real patient.
 *
 * @example
 * isTestNhsNumber('9990000018')   // → true
 * isTestNhsNumber('943 476 5919') // → false (valid, but a real-range number)
 */
export function isTestNhsNumber(value: string): boolean {
  return isValidNhsNumber(value) && value.startsWith('999');
}

/** The test NHS number whose first nine digits are the first at or after `first9` (wrapping) with a usable check digit. */
function repairedTestNumber(first9: number): string {
  let n = first9;
  for (;;) {
    const head = String(n);
    const check = nhsCheckDigit(head);
    if (check !== null) return `${head}${check}`;
    n = n === TEST_FIRST9_MAX ? TEST_FIRST9_MIN : n + 1;
  }
}

/**
 * The next valid test-range NHS number after `value` (ten digits, no spaces), wrapping from the
 * top of the range to its bottom. Used to repair duplicates deterministically.
 *
 * @example
 * nextTestNhsNumber('9990000018') // → '9990000026'
 */
export function nextTestNhsNumber(value: string): string {
  if (!isTestNhsNumber(value)) throw new RangeError(`not a test-range NHS number: ${value}`);
  const first9 = Number(value.replaceAll(' ', '').slice(0, 9));
  return repairedTestNumber(first9 === TEST_FIRST9_MAX ? TEST_FIRST9_MIN : first9 + 1);
}

/**
 * Valid NHS numbers from the test range only, as ten digits without spaces. Built from an
 * integer over the first nine digits (so it shrinks toward `999000000x`), moving forward to the
 * next first-nine whose check digit is not 10.
 *
 * @example
 * fc.sample(nhsNumberArb(), { seed: 42, numRuns: 1 }) // → ['9999999840']
 */
export function nhsNumberArb(): fc.Arbitrary<string> {
  return fc.integer({ min: TEST_FIRST9_MIN, max: TEST_FIRST9_MAX }).map(repairedTestNumber);
}

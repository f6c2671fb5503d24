import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTestNhsNumber, isValidNhsNumber, nextTestNhsNumber, nhsCheckDigit, nhsNumberArb } from './nhs-number.js';

/** Modulus 11 written out independently of the code under test. */
function passesModulus11(tenDigits: string): boolean {
  const digits = [...tenDigits].map(Number);
  const sum = digits.slice(0, 9).reduce((acc, d, i) => acc + d * (10 - i), 0);
  const remainder = sum % 11;
  if (remainder === 1) return false; // 11 − 1 = 10: no valid check digit
  return (remainder === 0 ? 0 : 11 - remainder) === digits[9];
}

describe('nhsCheckDigit', () => {
  it('computes the modulus 11 check digit, 11 becoming 0', () => {
    expect(nhsCheckDigit('943476591')).toBe(9);
    expect(nhsCheckDigit('401023213')).toBe(7);
    // some first-nine in the test range leaves remainder 0, whose check digit is 0 (11 → 0)
    const zeroCase = Array.from({ length: 1000 }, (_, i) => `999000${String(i).padStart(3, '0')}`).find(
      (head) => nhsCheckDigit(head) === 0,
    );
    expect(zeroCase).toBeDefined();
    expect(passesModulus11(`${zeroCase}0`)).toBe(true);
  });

  it('returns null when the check digit would be 10, and for malformed input', () => {
    expect(nhsCheckDigit('999000000')).toBeNull();
    expect(nhsCheckDigit('94347659')).toBeNull();
    expect(nhsCheckDigit('94347659a')).toBeNull();
    expect(nhsCheckDigit('٩٤٣٤٧٦٥٩١')).toBeNull(); // Arabic-Indic digits are not NHS digits
  });
});

describe('isValidNhsNumber', () => {
  // Example NHS numbers used throughout NHS guidance and open-source NHS number validators;
  // their check digits were verified by hand (943476591 → 299 mod 11 = 2 → 9; 401023213 → 92 mod 11 = 4 → 7).
  it.each(['943 476 5919', '9434765919', '401 023 2137', '4010232137'])('accepts the published example %s', (value) => {
    expect(isValidNhsNumber(value)).toBe(true);
  });

  it.each(['9434765918', '943 476 5910', '4010232134', '4010232138'])('rejects %s (wrong check digit)', (value) => {
    expect(isValidNhsNumber(value)).toBe(false);
  });

  it('rejects every number whose check digit would be 10', () => {
    for (let last = 0; last <= 9; last++) expect(isValidNhsNumber(`999000000${last}`)).toBe(false);
  });

  it.each(['943476 5919', '943  476 5919', ' 9434765919', '94347659190', '943-476-5919', ''])('rejects the malformed %j', (value) => {
    expect(isValidNhsNumber(value)).toBe(false);
  });
});

describe('isTestNhsNumber', () => {
  it('rejects a valid number outside the 999 test range', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isTestNhsNumber('9434765919')).toBe(false);
  });

  it('accepts valid numbers at both ends of the test range, spaced or not', () => {
    expect(isTestNhsNumber('9990000018')).toBe(true);
    expect(isTestNhsNumber('999 000 0018')).toBe(true);
    expect(isTestNhsNumber('9999999999')).toBe(true);
  });
});

describe('nextTestNhsNumber', () => {
  it('skips first-nines without a check digit and wraps at the top of the range', () => {
    expect(nextTestNhsNumber('9990000018')).toBe('9990000026');
    expect(nextTestNhsNumber('9999999999')).toBe('9990000018');
  });

  it('throws on a number outside the test range', () => {
    expect(() => nextTestNhsNumber('9434765919')).toThrow(RangeError);
  });
});

describe('nhsNumberArb', () => {
  it('generates only valid ten-digit numbers in the test range', () => {
    fc.assert(
      fc.property(nhsNumberArb(), (value) => {
        expect(value).toMatch(/^999[0-9]{7}$/);
        expect(passesModulus11(value)).toBe(true);
        expect(isTestNhsNumber(value)).toBe(true);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('shrinks toward the bottom of the test range', () => {
    const result = fc.check(fc.property(nhsNumberArb(), () => false), { seed: 42 });
    expect(result.counterexample).toEqual(['9990000018']);
  });
});

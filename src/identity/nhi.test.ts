import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTestNhi, isValidNhi, nextTestNhi, nhiArb, nhiFormat } from './nhi.js';

/*
 * Published examples.
 * - Te Whatu Ora, "NHI number format changes" page: old-format NHIs as issued in sequence
 *   (ZAA0067, ZAA0075, ZAA0083, ZAB0003, ZAB0011, ZAB0020, ZAB0038) and new-format examples
 *   (ACA31FM, ASE37QK, ARE62RS, BGJ06AS, BGA44DT, BWT41BY).
 * - ZZZ0016 and ZZZ0024 (old), ZZZ00AC, ZBN77VL, ZSC21TN, ZVB97XQ (new), the invalid ZZZ0044,
 *   DAB8233, ZZZ00AA, ZHW58CZ: the test suites of the open-source validators python-nhi
 *   (James Ansley, HISO 10046:2023 edition) and nhi-validator (npm), which take them from the
 *   Ministry of Health's NHI validation routine; JBX3656 is the test value in nzbri/nhiValidator.
 */
const PUBLISHED_VALID_OLD = ['ZZZ0016', 'ZZZ0024', 'ZAA0067', 'ZAA0075', 'ZAA0083', 'ZAB0003', 'ZAB0011', 'ZAB0020', 'ZAB0038', 'JBX3656'];
const PUBLISHED_VALID_NEW = ['ZZZ00AC', 'ZBN77VL', 'ZSC21TN', 'ZVB97XQ', 'ACA31FM', 'ASE37QK', 'ARE62RS', 'BGJ06AS', 'BGA44DT', 'BWT41BY'];
const PUBLISHED_INVALID = ['ZZZ0044', 'ZZZ0017', 'DAB8233', 'ZZZ00AA', 'ZZZ00AY', 'ZVU27KY', 'ZHW58CZ'];

describe('isValidNhi', () => {
  it.each(PUBLISHED_VALID_OLD)('accepts the published old-format %s', (value) => {
    expect(isValidNhi(value)).toBe(true);
    expect(nhiFormat(value)).toBe('old');
  });

  it.each(PUBLISHED_VALID_NEW)('accepts the published new-format %s', (value) => {
    expect(isValidNhi(value)).toBe(true);
    expect(nhiFormat(value)).toBe('new');
  });

  it.each(PUBLISHED_INVALID)('rejects the published invalid %s', (value) => {
    expect(isValidNhi(value)).toBe(false);
  });

  it('accepts only the one right check digit of JBX365_', () => {
    for (let d = 0; d <= 9; d++) expect(isValidNhi(`JBX365${d}`)).toBe(d === 6);
  });

  it('rejects every check digit when the old-format sum is ≡ 0 mod 11 (ZZZ004_)', () => {
    for (let d = 0; d <= 9; d++) expect(isValidNhi(`ZZZ004${d}`)).toBe(false);
  });

  it('accepts only the one right check letter of ZHW58C_ (V)', () => {
    for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') expect(isValidNhi(`ZHW58C${c}`)).toBe(c === 'V');
  });

  it('uses the mod 23 rule of HISO 10046:2023, not the superseded mod 24 one', () => {
    expect(isValidNhi('ZZZ00AX')).toBe(false); // valid only under the 2022 mod 24 rule
    expect(isValidNhi('ZZZ00AC')).toBe(true);
  });

  it('is case-insensitive and rejects I, O and other shapes', () => {
    expect(isValidNhi('zzz0016')).toBe(true);
    expect(isValidNhi('zbn77vl')).toBe(true);
    for (const value of ['ZZI0016', 'ZZO0016', 'ZZZ016', 'ZZZ00160', 'ZZZ0A16', 'ZZZ 0016', '', '1234567']) {
      expect(isValidNhi(value)).toBe(false);
    }
  });
});

describe('nhiFormat', () => {
  it('classifies by shape only', () => {
    expect(nhiFormat('JBX3657')).toBe('old'); // wrong check digit, right shape
    expect(nhiFormat('ZZZ00AA')).toBe('new');
    expect(nhiFormat('HELLO')).toBeNull();
    expect(nhiFormat('ZZZ00A1')).toBeNull();
  });
});

describe('isTestNhi', () => {
  it('accepts valid Z-range NHIs and rejects valid real-range ones', () => {
    expect(isTestNhi('ZZZ0016')).toBe(true);
    expect(isTestNhi('ZBN77VL')).toBe(true);
    expect(isTestNhi('JBX3656')).toBe(false);
    expect(isTestNhi('ACA31FM')).toBe(false);
    expect(isTestNhi('ZZZ0044')).toBe(false);
  });
});

describe('nextTestNhi', () => {
  it('steps to the next valid test NHI of the same format', () => {
    expect(nextTestNhi('ZZZ0016')).toBe('ZZZ0024');
    expect(nextTestNhi('ZZZ0032')).toBe('ZZZ0059'); // ZZZ004 has no check digit and is skipped
    expect(nhiFormat(nextTestNhi('ZZZ00AC'))).toBe('new');
  });

  it('throws outside the test range', () => {
    expect(() => nextTestNhi('ACA31FM')).toThrow(RangeError);
  });
});

describe('nhiArb', () => {
  it('generates only valid test-range NHIs, of both formats', () => {
    const formats = new Set<string>();
    fc.assert(
      fc.property(nhiArb(), (value) => {
        expect(value).toBe(value.toUpperCase());
        expect(isTestNhi(value)).toBe(true);
        formats.add(nhiFormat(value) ?? 'none');
      }),
      { seed: 42, numRuns: 1000 },
    );
    expect([...formats].sort()).toEqual(['new', 'old']);
  });

  it.each(['old', 'new'] as const)('generates only the %s format when asked', (format) => {
    fc.assert(
      fc.property(nhiArb(format), (value) => isTestNhi(value) && nhiFormat(value) === format),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('changing the check character of a generated NHI makes it invalid', () => {
    fc.assert(
      fc.property(nhiArb(), fc.integer({ min: 1, max: 9 }), (value, shift) => {
        const last = value[6] ?? '';
        const alphabet = /[0-9]/.test(last) ? '0123456789' : 'ABCDEFGHJKLMNPQRSTUVWXYZ';
        const other = alphabet[(alphabet.indexOf(last) + shift) % alphabet.length] ?? '';
        return !isValidNhi(value.slice(0, 6) + other);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('shrinks toward the start of the Z range', () => {
    const result = fc.check(fc.property(nhiArb(), () => false), { seed: 42 });
    expect(result.counterexample).toEqual(['ZAA0008']);
  });
});

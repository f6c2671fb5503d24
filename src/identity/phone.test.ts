import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDramaPhoneNumber, nextDramaPhoneNumber, phoneArb } from './phone.js';

describe('isDramaPhoneNumber', () => {
  it.each([
    '07700 900000',
    '07700 900999',
    '020 7946 0123',
    '0113 496 0000',
    '0161 496 0999',
    '0191 498 0500',
    '028 9018 0001',
    '029 2018 0999',
    '01632 960123',
    '08081 570123',
    '0909 879 0123',
    '03069 990123',
    '07700900123',
    '+44 7700 900123',
    '+44 (0)20 7946 0123',
    '0044 113 496 0123',
  ])('accepts the drama number %s', (value) => expect(isDramaPhoneNumber(value)).toBe(true));

  it.each([
    '07700 901000', // just outside the mobile range
    '07700 899999',
    '020 7946 1000',
    '0113 496 1000',
    '0191 496 0000', // Tyneside's range is 498, not 496
    '01632 961000',
    '07700 90012', // too short
    '07700 9001234', // too long
    '07911 123456',
    '',
  ])('rejects %s', (value) => expect(isDramaPhoneNumber(value)).toBe(false));
});

describe('phoneArb', () => {
  it('gives only drama-range numbers in national format with spaces', () => {
    fc.assert(
      fc.property(phoneArb(), (value) => {
        expect(isDramaPhoneNumber(value)).toBe(true);
        expect(value).toMatch(/^0[0-9]+(?: [0-9]+){1,2}$/);
        expect(value.replace(/ /g, '')).toMatch(/^0[0-9]{10}$/);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('covers mobile, London and the fictional 01632 area, and shrinks to 07700 900000', () => {
    const values = fc.sample(phoneArb(), { seed: 42, numRuns: 2000 });
    expect(values.some((v) => v.startsWith('07700 900'))).toBe(true);
    expect(values.some((v) => v.startsWith('020 7946 0'))).toBe(true);
    expect(values.some((v) => v.startsWith('01632 960'))).toBe(true);
    const result = fc.check(fc.property(phoneArb(), () => false), { seed: 42 });
    expect(result.counterexample).toEqual(['07700 900000']);
  });
});

describe('nextDramaPhoneNumber', () => {
  it('steps through a range, then on to the next range, wrapping at the end', () => {
    expect(nextDramaPhoneNumber('07700 900123')).toBe('07700 900124');
    expect(nextDramaPhoneNumber('07700 900999')).toBe('020 7946 0000');
    expect(nextDramaPhoneNumber('03069 990999')).toBe('07700 900000');
  });

  it('throws on a number outside the drama ranges', () => {
    expect(() => nextDramaPhoneNumber('07911 123456')).toThrow(RangeError);
  });
});

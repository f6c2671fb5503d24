import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUkPostcodeShape, nextPostcode, postcodeArb } from './postcode.js';

describe('isUkPostcodeShape', () => {
  it.each(['M1 1AE', 'B33 8TH', 'CR2 6XH', 'DN55 1PT', 'W1A 0AX', 'EC1A 1BB', 'SW1A 1AA', 'SW1A1AA', 'sw1a 1aa'])(
    'accepts %s',
    (value) => expect(isUkPostcodeShape(value)).toBe(true),
  );

  it.each([
    ['SW1A 1AC', 'C in the inward code'],
    ['M1 1AI', 'I in the inward code'],
    ['M1 1KA', 'K in the inward code'],
    ['M1 1MA', 'M in the inward code'],
    ['M1 1OA', 'O in the inward code'],
    ['M1 1VA', 'V in the inward code'],
    ['QA1 1AA', 'Q first'],
    ['VA1 1AA', 'V first'],
    ['XA1 1AA', 'X first'],
    ['AI1 1AA', 'I second'],
    ['AJ1 1AA', 'J second'],
    ['AZ1 1AA', 'Z second'],
    ['W1L 0AX', 'L not allowed in A9A'],
    ['EC1C 1BB', 'C not allowed in AA9A'],
    ['SW1A  1AA', 'two spaces'],
    ['SW123 1AA', 'three outward digits'],
    ['M1 1A', 'short inward code'],
    ['11 1AA', 'no area letter'],
    ['', 'empty'],
  ])('rejects %s (%s)', (value) => expect(isUkPostcodeShape(value)).toBe(false));
});

describe('postcodeArb', () => {
  it('gives upper-case postcodes of valid shape with one space, in all six shapes', () => {
    const shapes = new Set<string>();
    fc.assert(
      fc.property(postcodeArb(), (value) => {
        expect(isUkPostcodeShape(value)).toBe(true);
        expect(value).toMatch(/^[A-Z0-9]{2,4} [0-9][A-Z]{2}$/);
        shapes.add(value.split(' ')[0]?.replace(/[A-Z]/g, 'A').replace(/[0-9]/g, '9') ?? '');
      }),
      { seed: 42, numRuns: 1000 },
    );
    expect([...shapes].sort()).toEqual(['A9', 'A99', 'A9A', 'AA9', 'AA99', 'AA9A']);
  });
});

describe('nextPostcode', () => {
  it('steps the inward code and carries into the outward digit', () => {
    expect(nextPostcode('SW1A 1AA')).toBe('SW1A 1AB');
    expect(nextPostcode('sw1a1aa')).toBe('SW1A 1AB');
    expect(nextPostcode('SW1A 9ZZ')).toBe('SW2A 0AA');
    expect(nextPostcode('B99 9ZZ')).toBe('B90 0AA');
  });

  it('keeps a valid shape and always changes the value', () => {
    fc.assert(
      fc.property(postcodeArb(), (value) => {
        const next = nextPostcode(value);
        return isUkPostcodeShape(next) && next !== value;
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

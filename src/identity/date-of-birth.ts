import * as fc from 'fast-check';

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(1920, 0, 1);
const LAST_DAY = Date.UTC(2020, 11, 31);

/**
 * Dates of birth as ISO `YYYY-MM-DD`, from 1920-01-01 to 2020-12-31 inclusive. Built from an
 * integer day offset (never from `fc.date`), so every value is a real calendar date, leap days
 * included, and values shrink toward 1920-01-01.
 *
 * @example
 * fc.sample(dateOfBirthArb(), { seed: 42, numRuns: 1 }) // → ['2020-12-24']
 */
export function dateOfBirthArb(): fc.Arbitrary<string> {
  return fc
    .integer({ min: 0, max: (LAST_DAY - FIRST_DAY) / DAY_MS })
    .map((offset) => new Date(FIRST_DAY + offset * DAY_MS).toISOString().slice(0, 10));
}

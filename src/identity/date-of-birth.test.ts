import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateOfBirthArb } from './date-of-birth.js';

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

describe('dateOfBirthArb', () => {
  it('gives real calendar dates as YYYY-MM-DD between 1920-01-01 and 2020-12-31', () => {
    fc.assert(
      fc.property(dateOfBirthArb(), (value) => {
        const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
        expect(match).not.toBeNull();
        const [year, month, day] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
        const days = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
        expect(month).toBeGreaterThanOrEqual(1);
        expect(day).toBeGreaterThanOrEqual(1);
        expect(day).toBeLessThanOrEqual(days);
        expect(value >= '1920-01-01' && value <= '2020-12-31').toBe(true);
        expect(new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10)).toBe(value);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('reaches leap days and shrinks to 1920-01-01', () => {
    const dates = fc.sample(dateOfBirthArb(), { seed: 42, numRuns: 20_000 });
    expect(dates.some((d) => d.endsWith('-02-29'))).toBe(true);
    expect(dates.filter((d) => d.endsWith('-02-29')).every((d) => isLeapYear(Number(d.slice(0, 4))))).toBe(true);
    const result = fc.check(fc.property(dateOfBirthArb(), () => false), { seed: 42 });
    expect(result.counterexample).toEqual(['1920-01-01']);
  });
});

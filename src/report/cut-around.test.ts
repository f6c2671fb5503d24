import { describe, expect, it } from 'vitest';
import { cutAround } from './cut-around.js';

const length = (text: string): number => Array.from(text).length;

describe('cutAround', () => {
  it('returns values that fit whole', () => {
    expect(cutAround('screening', 'booking-reference', 20)).toEqual(['screening', 'booking-reference']);
  });

  it('keeps a difference at the end in view, eliding the common beginning', () => {
    const a = `structure[20]: ${'  '.repeat(6)}input[type=hidden][name=status][value=vaccinated]`;
    const b = `structure[20]: ${'  '.repeat(6)}input[type=hidden][name=status][value=unvaccinated]`;
    const [l, r] = cutAround(a, b, 30);
    expect(l).toBe('…e=status][value=vaccinated]');
    expect(r).toBe('…e=status][value=unvaccinated]');
    expect(length(r)).toBeLessThanOrEqual(30);
  });

  it('cuts a path around where it differs, both windows starting at the same place', () => {
    const [l, r] = cutAround('/nhs-covid-booking/screening', '/nhs-covid-booking/booking-reference', 16);
    expect(l).toBe('…ing/screening');
    expect(r).toBe('…ing/booking-re…');
    expect(l.indexOf('screening')).toBe(r.indexOf('booking'));
  });

  it('keeps a difference at the start, cutting the end', () => {
    const tail = ' and then a long common tail that does not fit';
    const [l, r] = cutAround(`A${tail}`, `B${tail}`, 12);
    expect(l).toBe('A and then …');
    expect(r).toBe('B and then …');
  });

  it('keeps a difference in the middle with a little context on both sides', () => {
    const head = 'x'.repeat(40);
    const tail = 'y'.repeat(40);
    const [l, r] = cutAround(`${head}-left-${tail}`, `${head}-right-${tail}`, 20);
    expect(l).toBe('…xxxx-left-yyyyyyyy…');
    expect(r).toBe('…xxxx-right-yyyyyyy…');
    expect(length(l)).toBe(20);
    expect(length(r)).toBe(20);
  });

  it('shows the extra part when one value is the other plus more', () => {
    const base = 'responses[0].body.text[3]: Your booking reference is';
    const [l, r] = cutAround(base, `${base} BK1001`, 24);
    expect(l.endsWith('reference is')).toBe(true);
    expect(r.endsWith('reference is BK1001')).toBe(true);
    expect(length(r)).toBeLessThanOrEqual(24);
  });

  it('cuts equal values at the end', () => {
    expect(cutAround('abcdefghijkl', 'abcdefghijkl', 6)).toEqual(['abcde…', 'abcde…']);
  });

  it('counts code points and never splits a surrogate pair', () => {
    const head = 'Ngāi Tahu 🏥 '.repeat(4);
    const [l, r] = cutAround(`${head}Zoë 🧪`, `${head}Zoe 💉`, 10);
    expect(l).toBe('…u 🏥 Zoë 🧪');
    expect(r).toBe('…u 🏥 Zoe 💉');
    for (const text of [l, r]) {
      expect(length(text)).toBeLessThanOrEqual(10);
      expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });
});

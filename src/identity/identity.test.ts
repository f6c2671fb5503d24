import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBookfuzzError } from '../errors.js';
import { isReservedEmail } from './email.js';
import { identitiesArb, identityArb } from './identity.js';
import type { Identity } from './identity.js';
import { isTestNhi } from './nhi.js';
import { isTestNhsNumber } from './nhs-number.js';
import { isDramaPhoneNumber } from './phone.js';
import { isUkPostcodeShape } from './postcode.js';

function expectValid(identity: Identity): void {
  expect(isTestNhsNumber(identity.nhsNumber)).toBe(true);
  expect(isTestNhi(identity.nhi)).toBe(true);
  expect(isDramaPhoneNumber(identity.phone)).toBe(true);
  expect(isReservedEmail(identity.email)).toBe(true);
  expect(isUkPostcodeShape(identity.postcode)).toBe(true);
  expect(identity.dateOfBirth).toMatch(/^(19[2-9][0-9]|20[0-2][0-9])-[01][0-9]-[0-3][0-9]$/);
  expect(identity.givenName.length).toBeGreaterThan(0);
  expect([...identity.familyName].length).toBeGreaterThanOrEqual(6);
}

function expectCanariesUnique(identities: readonly Identity[]): void {
  const distinct = (key: (i: Identity) => string) => new Set(identities.map(key)).size;
  expect(distinct((i) => i.nhsNumber)).toBe(identities.length);
  expect(distinct((i) => i.nhi.toUpperCase())).toBe(identities.length);
  expect(distinct((i) => i.phone.replace(/\D/g, ''))).toBe(identities.length);
  expect(distinct((i) => i.email.toLowerCase())).toBe(identities.length);
  expect(distinct((i) => i.postcode.replace(/\s/g, ''))).toBe(identities.length);
  const families = identities.map((i) => i.familyName.toLowerCase());
  const nested = families.flatMap((a, i) => families.filter((b, j) => i !== j && b.includes(a)).map((b) => `${a} inside ${b}`));
  expect(nested).toEqual([]);
}

describe('identityArb', () => {
  it('gives identities whose every field is from a safe range', () => {
    fc.assert(fc.property(identityArb(), (identity) => expectValid(identity)), { seed: 42, numRuns: 500 });
  });
});

describe('identitiesArb', () => {
  it('gives arrays up to 20 with every canary field unique and no family name inside another', () => {
    fc.assert(
      fc.property(identitiesArb({ maxLength: 20 }), (identities) => {
        expect(identities.length).toBeLessThanOrEqual(20);
        identities.forEach(expectValid);
        expectCanariesUnique(identities);
      }),
      { seed: 42, numRuns: 500 },
    );
  }, 30_000);

  it('respects minLength', () => {
    fc.assert(
      fc.property(identitiesArb({ minLength: 3, maxLength: 5 }), (ids) => ids.length >= 3 && ids.length <= 5),
      { seed: 42, numRuns: 200 },
    );
  });

  it('shrinks to a small counterexample whose values are repaired to stay unique', () => {
    const result = fc.check(
      fc.property(identitiesArb({ maxLength: 20 }), (identities) => identities.length < 3),
      { seed: 42, numRuns: 500 },
    );
    expect(result.failed).toBe(true);
    const [identities] = result.counterexample ?? [[]];
    expect(identities).toHaveLength(3);
    // Shrinking drives all three to the same minimal draw; repair makes them distinct.
    expect(identities?.map((i) => i.nhsNumber)).toEqual(['9990000018', '9990000026', '9990000034']);
    expect(identities?.[0]?.nhi).toBe('ZAA0008');
    expect(identities?.map((i) => i.phone)).toEqual(['07700 900000', '07700 900001', '07700 900002']);
    expect(identities?.map((i) => i.postcode)).toEqual(['A0 0AA', 'A0 0AB', 'A0 0AD']);
    expect(identities?.map((i) => i.email)).toEqual(['kaka.kaka0@example.org', 'kaka.kaka02@example.org', 'kaka.kaka03@example.org']);
    expect(identities?.map((i) => i.familyName)).toEqual(["O'Brien-Vasvas", "O'Briendral-Vasvas", "O'Brienvek-Vasvas"]);
    expectCanariesUnique(identities ?? []);
    identities?.forEach(expectValid);
  });

  it('refuses impossible sizes with a BookfuzzError', () => {
    for (const opts of [{ maxLength: 20_001 }, { minLength: 5, maxLength: 2 }, { maxLength: -1 }, { maxLength: 1.5 }]) {
      let error: unknown;
      try {
        identitiesArb(opts);
      } catch (e) {
        error = e;
      }
      expect(isBookfuzzError(error)).toBe(true);
    }
  });
});

import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { familyNameArb, givenNameArb } from './names.js';

describe('givenNameArb', () => {
  it('draws from a pool with non-ASCII letters, other scripts, apostrophes and hyphens', () => {
    const seen = new Set(fc.sample(givenNameArb(), { seed: 42, numRuns: 2000 }));
    for (const name of ['Siobhán', 'Zoë', 'José', 'Björn', 'Łukasz', 'Ngaio', 'Mihi', 'Aroha', 'Anne-Marie', "D'Arcy"]) {
      expect(seen).toContain(name);
    }
    expect([...seen].some((n) => /\p{Script=Han}/u.test(n))).toBe(true);
    expect([...seen].some((n) => /\p{Script=Arabic}/u.test(n))).toBe(true);
    expect([...seen].some((n) => /[ạ-ỹĐđ]/u.test(n))).toBe(true); // Vietnamese
  });

  it('gives non-empty, NFC, trimmed names', () => {
    fc.assert(
      fc.property(givenNameArb(), (name) => name.length > 0 && name === name.trim() && name === name.normalize('NFC')),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('familyNameArb', () => {
  it('gives distinctive names: at least 6 letters, hyphenated, NFC, capitalised parts', () => {
    fc.assert(
      fc.property(familyNameArb(), (name) => {
        expect([...name.replace(/[^\p{L}]/gu, '')].length).toBeGreaterThanOrEqual(6);
        expect(name).toContain('-');
        expect(name).toBe(name.normalize('NFC'));
        expect(name).toBe(name.trim());
        expect(name).toMatch(/^\p{Lu}/u);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('includes apostrophes, spaces and non-ASCII letters across values', () => {
    const names = fc.sample(familyNameArb(), { seed: 42, numRuns: 1000 });
    expect(names.some((n) => n.includes("'"))).toBe(true);
    expect(names.some((n) => n.includes(' '))).toBe(true);
    expect(names.some((n) => /[^\x00-\x7f]/.test(n))).toBe(true);
    expect(new Set(names).size).toBeGreaterThan(900); // a large space: collisions are rare
  });

  it('never gives a bare stem or a dictionary word', () => {
    const stems = ["O'Brien", 'Nowak', 'Müller', 'Ōtaki', 'Te Whiu', 'Ngata'];
    fc.assert(
      fc.property(familyNameArb(), (name) => !stems.includes(name) && /-\p{Lu}|\p{Ll}-/u.test(name)),
      { seed: 42, numRuns: 500 },
    );
  });

  it("shrinks toward O'Brien-Vasvas", () => {
    const result = fc.check(fc.property(familyNameArb(), () => false), { seed: 42 });
    expect(result.counterexample).toEqual(["O'Brien-Vasvas"]);
  });
});

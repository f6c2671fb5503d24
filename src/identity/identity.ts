import * as fc from 'fast-check';
import { BookfuzzError } from '../errors.js';
import { dateOfBirthArb } from './date-of-birth.js';
import { emailArb } from './email.js';
import { familyNameArb, givenNameArb } from './names.js';
import { nextTestNhi, nhiArb } from './nhi.js';
import { nextTestNhsNumber, nhsNumberArb } from './nhs-number.js';
import { nextDramaPhoneNumber, phoneArb } from './phone.js';
import { nextPostcode, postcodeArb } from './postcode.js';

/** A synthetic patient. Every field comes from a range that can never belong to a real person. */
export interface Identity {
  /** Ten digits, no spaces, test range 999 000 0000 – 999 999 9999. */
  nhsNumber: string;
  /** New Zealand NHI, upper case, test range (first letter Z), old or new format. */
  nhi: string;
  givenName: string;
  /** Distinctive, hyphenated, used as a canary. */
  familyName: string;
  /** ISO `YYYY-MM-DD`. */
  dateOfBirth: string;
  /** UK postcode shape, upper case, one space. */
  postcode: string;
  /** Ofcom drama range, national format with spaces. */
  phone: string;
  /** On a reserved domain. */
  email: string;
}

/** The most identities one array can hold with every canary unique (the drama phone ranges hold 20,000). */
const MAX_IDENTITIES = 20_000;

/** Syllables inserted into a family name to make it distinct from one already taken. */
const BUMP_SYLLABLES: readonly string[] = ['dral', 'vek', 'zor', 'quil', 'brø', 'thex', 'wyn', 'ká'];

/**
 * One synthetic patient: NHS number and NHI from their test ranges, Unicode given name,
 * distinctive family name, real date of birth, postcode of valid shape, drama-range phone and
 * reserved-domain email. Each field shrinks on its own.
 *
 * @example
 * fc.sample(identityArb(), { seed: 42, numRuns: 1 })[0]?.nhsNumber.startsWith('999') // → true
 */
export function identityArb(): fc.Arbitrary<Identity> {
  return fc.record({
    nhsNumber: nhsNumberArb(),
    nhi: nhiArb(),
    givenName: givenNameArb(),
    familyName: familyNameArb(),
    dateOfBirth: dateOfBirthArb(),
    postcode: postcodeArb(),
    phone: phoneArb(),
    email: emailArb(),
  });
}

/**
 * Arrays of identities in which every canary field (NHS number, NHI, family name, phone, email,
 * postcode) is unique, and no family name is a substring of another (case-insensitive), so a
 * canary found in a response names exactly one patient. Uniqueness is made by repair, not by
 * filtering: a value already taken moves deterministically to the next free test value (next
 * valid NHS number or NHI, next drama number, next postcode, a number appended to the email's
 * local part, a syllable inserted into the family name). Shrinking works as for `fc.array`.
 *
 * @example
 * fc.sample(identitiesArb({ minLength: 2, maxLength: 5 }), { seed: 42, numRuns: 1 })[0]?.length // → 2 (always 2…5)
 */
export function identitiesArb(opts: { minLength?: number; maxLength: number }): fc.Arbitrary<Identity[]> {
  const minLength = opts.minLength ?? 0;
  const { maxLength } = opts;
  if (!Number.isInteger(minLength) || !Number.isInteger(maxLength) || minLength < 0 || minLength > maxLength) {
    throw new BookfuzzError('BF_MODEL_INVALID', `identitiesArb needs 0 ≤ minLength ≤ maxLength, got ${minLength}..${maxLength}`, {
      where: 'identitiesArb',
    });
  }
  if (maxLength > MAX_IDENTITIES) {
    throw new BookfuzzError('BF_MODEL_INVALID', `identitiesArb can make at most ${MAX_IDENTITIES} unique identities, asked for ${maxLength}`, {
      where: 'identitiesArb',
    });
  }
  return fc.array(identityArb(), { minLength, maxLength }).map(makeCanariesUnique);
}

/** Repairs duplicates in order: the first identity keeps its values, later ones move on. */
function makeCanariesUnique(identities: readonly Identity[]): Identity[] {
  const nhsNumbers = new Set<string>();
  const nhis = new Set<string>();
  const phones = new Set<string>();
  const emails = new Set<string>();
  const postcodes = new Set<string>();
  const familyKeys: string[] = [];
  return identities.map((identity) => {
    const nhsNumber = firstFree(identity.nhsNumber, nextTestNhsNumber, (v) => v, nhsNumbers);
    const nhi = firstFree(identity.nhi, nextTestNhi, (v) => v.toUpperCase(), nhis);
    const phone = firstFree(identity.phone, nextDramaPhoneNumber, (v) => v.replace(/\D/g, ''), phones);
    const postcode = firstFree(identity.postcode, nextPostcode, (v) => v.replace(/\s/g, '').toUpperCase(), postcodes);
    let email = identity.email;
    for (let k = 2; emails.has(email.toLowerCase()); k++) email = withLocalSuffix(identity.email, k);
    emails.add(email.toLowerCase());
    let familyName = identity.familyName;
    for (let k = 0; clashes(familyKey(familyName), familyKeys); k++) familyName = withSyllable(identity.familyName, k);
    familyKeys.push(familyKey(familyName));
    return { ...identity, nhsNumber, nhi, phone, postcode, email, familyName };
  });
}

function firstFree(value: string, next: (v: string) => string, key: (v: string) => string, taken: Set<string>): string {
  let v = value;
  while (taken.has(key(v))) v = next(v);
  taken.add(key(v));
  return v;
}

function withLocalSuffix(email: string, k: number): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}${k}${email.slice(at)}`;
}

function familyKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function clashes(key: string, taken: readonly string[]): boolean {
  return taken.some((t) => t.includes(key) || key.includes(t));
}

/**
 * The k-th variant of a family name: a syllable (or, past the list, several) inserted before its
 * first hyphen, so the variant neither contains nor is contained in the original.
 */
function withSyllable(name: string, k: number): string {
  let syllables = '';
  let n = k;
  do {
    syllables += BUMP_SYLLABLES[n % BUMP_SYLLABLES.length] ?? '';
    n = Math.floor(n / BUMP_SYLLABLES.length) - 1;
  } while (n >= 0);
  const hyphen = name.indexOf('-');
  return hyphen < 0 ? `${name}-${syllables}` : `${name.slice(0, hyphen)}${syllables}${name.slice(hyphen)}`;
}

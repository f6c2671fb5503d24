import * as fc from 'fast-check';

/** Domains that can never deliver mail to a real person (RFC 2606 / RFC 6761 reserved names). */
const DOMAINS: readonly string[] = ['example.org', 'example.com', 'example.net', 'nhs-mail.test', 'gp-practice.test'];
const RESERVED_SECOND_LEVEL = ['example.com', 'example.net', 'example.org'];
const RESERVED_TLDS = ['test', 'example', 'invalid'];

/** ASCII syllables for local parts. No hyphens, so no hyphenated family name can appear inside an address. */
const SYLLABLES: readonly string[] = ['ka', 'vel', 'mor', 'tin', 'suli', 'bran', 'ode', 'rix', 'pen', 'thu', 'ala', 'quen'];

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Whether an address is well formed (dot-atom local part, valid domain labels) and its domain
 * is reserved: example.com, example.net, example.org or a subdomain of one, or any domain under
 * the .test, .example or .invalid top-level domains.
 *
 * @example
 * isReservedEmail('kavel.mor7@nhs-mail.test') // → true
 * isReservedEmail('someone@nhs.net')          // → false
 */
export function isReservedEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.indexOf('@') !== at) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL.test(local)) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return false;
  const tld = labels[labels.length - 1] ?? '';
  return (
    RESERVED_TLDS.includes(tld) ||
    RESERVED_SECOND_LEVEL.some((reserved) => domain === reserved || domain.endsWith(`.${reserved}`))
  );
}

/**
 * Email addresses on reserved domains only (example.org/.com/.net, nhs-mail.test,
 * gp-practice.test), with a lower-case ASCII local part of syllables, a dot and a number
 * ("velmor.suli42@example.org"). Shrinks toward "kaka.kaka0@example.org".
 *
 * @example
 * fc.sample(emailArb(), { seed: 42, numRuns: 1 }) // → ['odemor.branbran93@nhs-mail.test']
 */
export function emailArb(): fc.Arbitrary<string> {
  const word = fc
    .array(fc.integer({ min: 0, max: SYLLABLES.length - 1 }), { minLength: 2, maxLength: 3 })
    .map((parts) => parts.map((i) => SYLLABLES[i] ?? '').join(''));
  return fc
    .record({
      first: word,
      second: word,
      number: fc.integer({ min: 0, max: 99 }),
      domain: fc.integer({ min: 0, max: DOMAINS.length - 1 }),
    })
    .map(({ first, second, number, domain }) => `${first}.${second}${number}@${DOMAINS[domain] ?? 'example.org'}`);
}

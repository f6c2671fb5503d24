import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailArb, isReservedEmail } from './email.js';

describe('isReservedEmail', () => {
  it.each(['a@example.com', 'a.b@example.org', 'x+y@example.net', 'p@sub.example.org', 'p@nhs-mail.test', 'p@gp.example', 'P@EXAMPLE.COM'])(
    'accepts %s',
    (value) => expect(isReservedEmail(value)).toBe(true),
  );

  it.each([
    'someone@nhs.net',
    'a@example.co.uk',
    'a@examples.com',
    'a@notexample.com',
    'a@example.com.evil.net',
    'a@test',
    'a..b@example.com',
    '.a@example.com',
    '@example.com',
    'a@@example.com',
    'a@-bad.test',
    'a b@example.com',
    '',
  ])('rejects %s', (value) => expect(isReservedEmail(value)).toBe(false));
});

describe('emailArb', () => {
  it('gives reserved-domain addresses with a lower-case ASCII local part and no hyphen in it', () => {
    fc.assert(
      fc.property(emailArb(), (value) => {
        expect(isReservedEmail(value)).toBe(true);
        expect(value).toMatch(/^[a-z]+\.[a-z]+[0-9]{1,2}@[a-z.-]+$/);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});

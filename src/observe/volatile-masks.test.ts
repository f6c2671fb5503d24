import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lengthBucket } from './length-bucket.js';
import { pathTemplate } from './path-template.js';
import { maskVolatile, maskWhole } from './volatile-masks.js';

describe('maskVolatile', () => {
  it.each([
    ['Updated 2026-11-25T10:04:33.120Z', 'Updated ‹time›'],
    ['Updated 2026-11-25 10:04:33+01:00.', 'Updated ‹time›.'],
    ['Appointment on 2026-12-01 at 09:30', 'Appointment on ‹date› at ‹time›'],
    ['Born 01/02/1980', 'Born ‹date›'],
    ['Tuesday 1 December 2026, 9.30am', '‹date›, ‹time›'],
    ['on 1st Dec 2026 or December 3, 2026 at 2pm', 'on ‹date› or ‹date› at ‹time›'],
    ['id 3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'id ‹uuid›'],
    // No digit anywhere: the UUID still has to be found.
    ['id abcdefab-cdef-abcd-efab-cdefabcdefab', 'id ‹uuid›'],
    ['csrf a81f3c09de4b7766aa01 and Yx-9_kq2ZpL0rT5mWvB8 end', 'csrf ‹token› and ‹token› end'],
  ])('masks %s', (input, expected) => {
    expect(maskVolatile(input)).toBe(expected);
  });

  it.each([
    'NHS number 9990000018',
    'NHS number 999 000 0018',
    'NHI ZZZ0016 and ZAC12AB',
    'Ōkawa-Smith, Zoë O’Brien',
    'a1b2c3d4e5f6a7b8c9d0@example.test',
    'Phone 07700 900123 or 020 7946 0018',
    'ref9990000018abcdefgh',
    'deadbeefdeadbeefdeadbeef (no digits)',
    'Booking reference BK1001',
    'You have had 2 doses',
    'Already ‹familyName› and ‹token›',
  ])('never masks %s', (input) => {
    expect(maskVolatile(input)).toBe(input);
  });

  it('stays fast on a long run of base64 with no @', () => {
    const blob = 'A1b2'.repeat(250_000);
    const started = performance.now();
    expect(maskVolatile(`x ${blob} @ y`)).toBe('x ‹token› @ y');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('pathTemplate', () => {
  it.each([
    ['/bookings/1042/edit?x=1', '/bookings/{n}/edit?x={n}'],
    ['/bookings/1042/edit?x=1&a=2&x=3#top', '/bookings/{n}/edit?a={n}&x={n}&x={n}'],
    ['/patients/3f2504e0-4f89-11d3-9a0c-0305e82c3301', '/patients/{uuid}'],
    ['/reset/a81f3c09de4b7766aa01', '/reset/{token}'],
    ['/lookup/9990000018', '/lookup/9990000018'],
    ['/nhi/ZZZ0016', '/nhi/ZZZ0016'],
    ['http://127.0.0.1:8080/b/7?q=Smith', 'http://127.0.0.1:8080/b/{n}?q=Smith'],
    ['/search/Zo%C3%AB', '/search/Zoë'],
    ['mailto:someone@example.test', 'mailto:someone@example.test'],
    ['/', '/'],
  ])('%s → %s', (input, expected) => {
    expect(pathTemplate(input)).toBe(expected);
  });
});

describe('lengthBucket', () => {
  it('is coarse: powers of two above a floor', () => {
    expect(lengthBucket(0)).toBe('<256');
    expect(lengthBucket(255)).toBe('<256');
    expect(lengthBucket(256)).toBe('256-511');
    expect(lengthBucket(3000)).toBe('2048-4095');
    expect(lengthBucket(3100)).toBe(lengthBucket(3000));
  });
});

describe('maskVolatile on pages (line by line, lines remembered)', () => {
  // Lines of markup made of pieces that masks match, almost match, or must leave alone, and
  // the characters at their edges (`<`, newlines, spaces, placeholders, `@`).
  const piece = fc.constantFrom(
    '2026-12-01',
    '2026-12-01T09:30:00Z',
    '09:30',
    '9.30am',
    '1st Dec',
    'December 3,',
    '2026',
    'Tuesday',
    '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    'a81f3c09de4b7766aa01',
    'Yx-9_kq2ZpL0rT5mWvB8',
    '9990000018',
    'someone@example.test',
    '‹nhsNumber›',
    '‹a<b›',
    '‹',
    '›',
    '<',
    '>',
    '<p>',
    '</p>',
    '\n',
    '\n<',
    ' ',
    'pm',
    '-',
    ':',
    '/',
    '=',
    'x',
  );
  const page = fc.array(piece, { minLength: 150, maxLength: 500 }).map((pieces) => pieces.join(''));

  it('masks a page exactly as masking it whole does (property, fixed seed)', () => {
    fc.assert(
      fc.property(page, (text) => {
        // Twice: the second time from remembered lines.
        expect(maskVolatile(text)).toBe(maskWhole(text));
        expect(maskVolatile(text)).toBe(maskWhole(text));
      }),
      { seed: 5, numRuns: 1500 },
    );
  });

  it('masks a date, a time and a token split over a line break of markup the same way', () => {
    const text = `${'<p>filler</p>\n'.repeat(80)}<p>Tuesday 1 December\n2026 at 9.30\npm, ref a81f3c09de4b7766aa01</p>\n<p>2026-12-01</p>`;
    expect(maskVolatile(text)).toBe(maskWhole(text));
    expect(maskVolatile(text)).toContain('‹date› at ‹time›, ref ‹token›');
  });
});

describe('maskVolatile: hex ids', () => {
  it('masks a hex request id even when it holds ten digits in a row, and keeps an NHS number glued to other text', () => {
    expect(maskVolatile('id 1234567890abcdef12345678 end')).toBe('id ‹token› end');
    expect(maskVolatile('3f9a7c2e4199900000182e41')).toBe('‹token›');
    expect(maskVolatile('ref9990000018abcdefgh')).toBe('ref9990000018abcdefgh');
  });

  it('masks a short hex etag whose ten digits in a row are no NHS number (wrong check digit), every load alike', () => {
    // 0816721174: its check digit would be 3, so it cannot be an NHS number.
    expect(maskVolatile('"23505d0816721174"')).toBe('"‹token›"');
    expect(maskVolatile('"9f0e3a1c77b2d4e8"')).toBe('"‹token›"');
    // 9990000018 is a valid (test) NHS number: kept readable however it is glued.
    expect(maskVolatile('"23505d9990000018"')).toBe('"23505d9990000018"');
  });
});

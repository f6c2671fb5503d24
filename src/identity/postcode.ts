import * as fc from 'fast-check';

/*
 * UK postcode shapes (outward code, space, inward code) with the usual letter rules:
 * first position not Q, V, X; second position not I, J, Z; the letter of A9A outward codes
 * from A B C D E F G H J K P S T U W; the letter of AA9A outward codes from A B E H M N P R V W X Y;
 * the two inward letters never C, I, K, M, O, V.
 */
const FIRST = 'ABCDEFGHIJKLMNOPRSTUWYZ';
const SECOND = 'ABCDEFGHKLMNOPQRSTUVWXY';
const THIRD = 'ABCDEFGHJKPSTUW';
const FOURTH = 'ABEHMNPRVWXY';
const INWARD = 'ABDEFGHJLNPQRSTUWXYZ';

const A = `[${FIRST}]`;
const B = `[${SECOND}]`;
const OUTWARD = `(?:${A}[0-9]{1,2}|${A}${B}[0-9]{1,2}|${A}[0-9][${THIRD}]|${A}${B}[0-9][${FOURTH}])`;
const SHAPE = new RegExp(`^(${OUTWARD}) ?([0-9][${INWARD}]{2})$`);

/** Letters of an inward code: 10 digits × 20 × 20 letters. */
const INWARD_SPACE = 10 * INWARD.length * INWARD.length;

/**
 * Whether a string has the shape of a UK postcode: A9 9AA, A99 9AA, AA9 9AA, AA99 9AA,
 * A9A 9AA or AA9A 9AA with the standard letter restrictions, one optional space between
 * outward and inward code, case-insensitive. Shape only: it does not say the postcode exists.
 *
 * @example
 * isUkPostcodeShape('SW1A 1AA') // → true
 * isUkPostcodeShape('SW1A 1AC') // → false (C is not used in the inward code)
 */
export function isUkPostcodeShape(value: string): boolean {
  return SHAPE.test(value.toUpperCase());
}

function inwardAt(index: number): string {
  const i = ((index % INWARD_SPACE) + INWARD_SPACE) % INWARD_SPACE;
  const n = INWARD.length;
  return `${Math.floor(i / (n * n))}${INWARD[Math.floor(i / n) % n]}${INWARD[i % n]}`;
}

/**
 * The next postcode after `value` in a fixed order: the inward code steps forward, and when it
 * wraps the last digit of the outward code steps too. The result keeps the same shape and is
 * written canonically (upper case, one space). Used to repair duplicates deterministically.
 *
 * @example
 * nextPostcode('SW1A 1AA') // → 'SW1A 1AB'
 */
export function nextPostcode(value: string): string {
  const match = SHAPE.exec(value.toUpperCase());
  if (match === null) throw new RangeError(`not a UK postcode shape: ${value}`);
  let outward = match[1] ?? '';
  const inward = match[2] ?? '';
  const n = INWARD.length;
  const index = Number(inward[0]) * n * n + INWARD.indexOf(inward[1] ?? '') * n + INWARD.indexOf(inward[2] ?? '');
  if (index + 1 === INWARD_SPACE) {
    const at = Math.max(...[...outward].map((c, i) => (c >= '0' && c <= '9' ? i : -1)));
    outward = outward.slice(0, at) + String((Number(outward[at]) + 1) % 10) + outward.slice(at + 1);
  }
  return `${outward} ${inwardAt(index + 1)}`;
}

/**
 * UK postcodes of valid shape (see `isUkPostcodeShape`), upper case with one space. Built from
 * integer choices so they shrink toward 'A0 0AA'. Values have a valid shape but are synthetic:
 * many do not exist.
 *
 * @example
 * fc.sample(postcodeArb(), { seed: 42, numRuns: 1 }) // → ['ME6V 0RS']
 */
export function postcodeArb(): fc.Arbitrary<string> {
  const pick = (alphabet: string) => fc.integer({ min: 0, max: alphabet.length - 1 }).map((i) => alphabet[i] ?? '');
  const digit = fc.integer({ min: 0, max: 9 }).map(String);
  return fc
    .record({
      shape: fc.integer({ min: 0, max: 5 }),
      first: pick(FIRST),
      second: pick(SECOND),
      d1: digit,
      d2: digit,
      third: pick(THIRD),
      fourth: pick(FOURTH),
      inward: fc.integer({ min: 0, max: INWARD_SPACE - 1 }),
    })
    .map(({ shape, first, second, d1, d2, third, fourth, inward }) => {
      const outward = [
        `${first}${d1}`,
        `${first}${d1}${d2}`,
        `${first}${second}${d1}`,
        `${first}${second}${d1}${d2}`,
        `${first}${d1}${third}`,
        `${first}${second}${d1}${fourth}`,
      ][shape];
      return `${outward ?? ''} ${inwardAt(inward)}`;
    });
}

import * as fc from 'fast-check';

/*
 * Ofcom "numbers for drama": telephone numbers Ofcom keeps unallocated for use in TV, radio and
 * film, 1000 numbers in each range (20,000 in all). Ranges as listed by Ofcom's numbers-for-drama
 * page (copied in the open-source test-data list MarkTheTestStrategist/ByteSizedDocs and in
 * BantouTelecom/PlaceNumber; BBC News, 2015, gives the same total and the 07700, 08081, 0909, 03069
 * and 01632 codes):
 * 0113/0114/0115/0116/0117/0118/0121/0131/0141/0151/0161 496 0000–0999, 0191 498 0000–0999,
 * 020 7946 0000–0999, 028 9018 0000–0999, 029 2018 0000–0999, 01632 960000–960999,
 * 07700 900000–900999, 08081 570000–570999, 0909 879 0000–0999, 03069 990000–990999.
 */

interface DramaRange {
  /** The first eight national digits; the last three run 000–999. */
  readonly prefix: string;
  /** Where the spaces go in the national format, as group lengths. */
  readonly groups: readonly number[];
}

const CITY = [4, 3, 4];
const WIDE = [3, 4, 4];
const SHORT = [5, 6];

/** Mobile first, so values shrink toward 07700 900000. */
const RANGES: readonly DramaRange[] = [
  { prefix: '07700900', groups: SHORT },
  { prefix: '02079460', groups: WIDE },
  { prefix: '01632960', groups: SHORT },
  { prefix: '01134960', groups: CITY },
  { prefix: '01144960', groups: CITY },
  { prefix: '01154960', groups: CITY },
  { prefix: '01164960', groups: CITY },
  { prefix: '01174960', groups: CITY },
  { prefix: '01184960', groups: CITY },
  { prefix: '01214960', groups: CITY },
  { prefix: '01314960', groups: CITY },
  { prefix: '01414960', groups: CITY },
  { prefix: '01514960', groups: CITY },
  { prefix: '01614960', groups: CITY },
  { prefix: '01914980', groups: CITY },
  { prefix: '02890180', groups: WIDE },
  { prefix: '02920180', groups: WIDE },
  { prefix: '08081570', groups: SHORT },
  { prefix: '09098790', groups: CITY },
  { prefix: '03069990', groups: SHORT },
];

const SPACE = RANGES.length * 1000;

/** National digits (0…, 11 digits) of a phone number written nationally or as +44 / 0044, or null. */
function nationalDigits(value: string): string | null {
  let compact = value.replace(/\(0\)/g, '').replace(/[\s().-]/g, '');
  if (compact.startsWith('+44')) compact = `0${compact.slice(3)}`;
  else if (compact.startsWith('0044')) compact = `0${compact.slice(4)}`;
  return /^0[0-9]{10}$/.test(compact) ? compact : null;
}

function indexOf(digits: string): number {
  const range = RANGES.findIndex((r) => digits.startsWith(r.prefix));
  return range < 0 ? -1 : range * 1000 + Number(digits.slice(8));
}

function phoneAt(index: number): string {
  const i = ((index % SPACE) + SPACE) % SPACE;
  const range = RANGES[Math.floor(i / 1000)];
  if (range === undefined) throw new RangeError(`no drama range at index ${index}`);
  const digits = range.prefix + String(i % 1000).padStart(3, '0');
  const parts: string[] = [];
  let at = 0;
  for (const length of range.groups) {
    parts.push(digits.slice(at, at + length));
    at += length;
  }
  return parts.join(' ');
}

/**
 * Whether a phone number is in one of Ofcom's ranges reserved for drama (never allocated to a
 * real subscriber). Spaces, hyphens, brackets and an international +44 / 0044 / +44 (0) prefix
 * are accepted.
 *
 * @example
 * isDramaPhoneNumber('07700 900123')     // → true
 * isDramaPhoneNumber('+44 20 7946 0999') // → true
 * isDramaPhoneNumber('07700 901123')     // → false
 */
export function isDramaPhoneNumber(value: string): boolean {
  const digits = nationalDigits(value);
  return digits !== null && indexOf(digits) >= 0;
}

/**
 * The next drama number after `value` in a fixed order (through each range, then on to the next
 * range, wrapping at the end), in national format. Used to repair duplicates deterministically.
 *
 * @example
 * nextDramaPhoneNumber('07700 900999') // → '020 7946 0000'
 */
export function nextDramaPhoneNumber(value: string): string {
  const digits = nationalDigits(value);
  const index = digits === null ? -1 : indexOf(digits);
  if (index < 0) throw new RangeError(`not an Ofcom drama number: ${value}`);
  return phoneAt(index + 1);
}

/**
 * UK phone numbers from Ofcom's drama ranges only, in national format with spaces
 * ("07700 900123", "020 7946 0123", "0113 496 0123", "01632 960123"). Shrinks toward
 * "07700 900000".
 *
 * @example
 * fc.sample(phoneArb(), { seed: 42, numRuns: 1 }) // → ['03069 990498']
 */
export function phoneArb(): fc.Arbitrary<string> {
  return fc
    .record({ range: fc.integer({ min: 0, max: RANGES.length - 1 }), line: fc.integer({ min: 0, max: 999 }) })
    .map(({ range, line }) => phoneAt(range * 1000 + line));
}

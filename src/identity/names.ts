import * as fc from 'fast-check';

/**
 * Given names from many languages and scripts, with diacritics, apostrophes, hyphens and
 * spaces. Given names are not canaries (they are too common to prove a leak), so realism
 * matters more than distinctiveness here.
 */
const GIVEN_NAMES: readonly string[] = [
  'Aroha', 'Siobhán', 'Zoë', 'José', 'Björn', 'Łukasz', 'Ngaio', 'Mihi', 'Anne-Marie', "D'Arcy",
  'Thị Hương', 'Văn Đức', 'Minh Anh', '嘉怡', '志强', 'محمد', 'فاطمة', 'Nikolaï', 'Saoirse', 'Dagný',
  'Ximena', 'Rangi', 'Tāne', 'Wiremu', 'Hēmi', 'Małgorzata', 'Søren', 'Renée', 'Chloé', 'Jean-Luc',
  "N'Golo", 'Ruairí', 'Iñaki', 'Ayşe', 'Şükrü', 'Priya', 'Oluwaseun', 'Чеслав', 'Ἀλέξανδρος', 'Keira',
];

/**
 * Realistic family-name stems: Irish, German, Māori, Polish, Vietnamese, Welsh, Scottish names
 * with apostrophes, spaces and non-ASCII letters. A stem alone is NOT distinctive; it is always
 * joined to generated syllables.
 */
const STEMS: readonly string[] = [
  "O'Brien", 'Ní Bhriain', 'Müller', 'Ōtaki', 'Te Whiu', 'Nowak', 'Łukasiewicz', 'Nguyễn', 'Ó Súilleabháin',
  "D'Souza", 'Ngata', 'Kowalczyk', 'Pryderi', 'MacAulay', 'Søndergaard', 'Ferreira', 'Žukauskas', 'Ahn',
];

/** Syllables that rarely make English (or Māori, or German …) words when joined. */
const SYLLABLES: readonly string[] = [
  'vas', 'trel', 'kav', 'eth', 'quor', 'zin', 'drel', 'mek', 'thal', 'vor', 'xan', 'brü', 'sul', 'fen',
  'gor', 'lix', 'ønd', 'yth', 'zëk', 'pryn', 'wux', 'jorv', 'kæl', 'dź',
];

/**
 * Realistic given names from a fixed, varied pool: non-ASCII (Siobhán, Zoë, Łukasz), Māori
 * (Aroha, Ngaio, Mihi), Vietnamese, Chinese and Arabic script, apostrophes and hyphens
 * (D'Arcy, Anne-Marie). Shrinks toward 'Aroha'.
 *
 * @example
 * fc.sample(givenNameArb(), { seed: 1, numRuns: 3 }) // → ['Ruairí', 'Zoë', 'Чеслав']
 */
export function givenNameArb(): fc.Arbitrary<string> {
  return fc.constantFrom(...GIVEN_NAMES);
}

function capitalize(word: string): string {
  const [first = '', ...rest] = [...word];
  return first.toUpperCase() + rest.join('');
}

/**
 * Distinctive family names that double as canaries: a realistic stem joined by a hyphen to
 * two or three generated syllables, in either order ("O'Brien-Vastrel", "Kaveth-Nowak",
 * "Te Whiu-Zëkgor"). Every value has at least 6 letters, contains a hyphen, and is very
 * unlikely to occur in ordinary page text, so finding it in a response proves a leak.
 * Shrinks toward "O'Brien-Vasvas".
 *
 * @example
 * fc.sample(familyNameArb(), { seed: 7, numRuns: 2 }) // → ['Ní Bhriain-Fenvasxan', 'Nowak-Mekxanpryn']
 */
export function familyNameArb(): fc.Arbitrary<string> {
  return fc
    .record({
      stem: fc.integer({ min: 0, max: STEMS.length - 1 }),
      syllables: fc.array(fc.integer({ min: 0, max: SYLLABLES.length - 1 }), { minLength: 2, maxLength: 3 }),
      generatedFirst: fc.boolean(),
    })
    .map(({ stem, syllables, generatedFirst }) => {
      const generated = capitalize(syllables.map((i) => SYLLABLES[i] ?? '').join(''));
      const realistic = STEMS[stem] ?? '';
      return generatedFirst ? `${generated}-${realistic}` : `${realistic}-${generated}`;
    });
}

/** Bodies below this many bytes share one bucket. */
export const LENGTH_FLOOR = 256;

/**
 * A coarse length: powers of two from a floor of 256 bytes (`<256`, `256-511`, `512-1023`,
 * …), so a body that grows by a few bytes of name or date reads the same, while a page that
 * doubles (a list of someone's records appeared) does not.
 *
 * @example
 * lengthBucket(3000) // → '2048-4095'
 */
export function lengthBucket(bytes: number): string {
  if (bytes < LENGTH_FLOOR) return `<${LENGTH_FLOOR}`;
  const lower = 2 ** Math.floor(Math.log2(bytes));
  return `${lower}-${lower * 2 - 1}`;
}

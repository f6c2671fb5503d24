import type { JsonObject } from '../model/json.js';
import { htmlSkeleton } from './html-skeleton.js';

/** How many recent pages keep their skeleton. */
const KEEP = 256;
const recent = new Map<string, JsonObject>();

/**
 * The skeleton of a page read from its masked text (`maskedHtml`: typed values, echoed header
 * values and volatile tokens already replaced by placeholders), remembered for the most recent
 * pages. In a live run most pages read the same once masked, since a twin's two sides and every
 * reload of a screen differ only in tokens and times, so most pages skip the parse.
 *
 * The skeleton is a function of `maskedHtml` and of `context` alone (the typed values `mask`
 * hides in the decoded text, which the caller names in `context`), so a remembered skeleton is
 * exactly the one a new parse would give, whichever page came first: results do not depend on
 * the order of a run's pages. Skeletons are frozen, since observations share them.
 *
 * @example
 * maskedPageSkeleton('<h1>Booked for ‹nhsNumber›</h1>', 'nhsNumber=9990000018', mask).text // → ['Booked for ‹nhsNumber›']
 */
export function maskedPageSkeleton(maskedHtml: string, context: string, mask: (text: string) => string): JsonObject {
  const key = `${context}\u0000${maskedHtml}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const skeleton = frozen(htmlSkeleton(maskedHtml, mask));
  recent.set(key, skeleton);
  if (recent.size > KEEP) {
    const oldest = recent.keys().next();
    if (oldest.done !== true) recent.delete(oldest.value);
  }
  return skeleton;
}

/** The skeleton and its lists, frozen (their items are strings). */
function frozen(skeleton: JsonObject): JsonObject {
  for (const value of Object.values(skeleton)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(skeleton);
}

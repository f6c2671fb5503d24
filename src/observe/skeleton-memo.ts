import type { JsonObject } from '../model/json.js';
import { htmlSkeleton } from './html-skeleton.js';
import { maskVolatile } from './volatile-masks.js';

/** How many recent pages keep their skeleton (and, apart, how many with the typed values of one step). */
const KEEP = 256;

/** A page's skeleton with volatile values masked, and every text its masks were given. */
interface Known {
  skeleton: JsonObject;
  texts: string[];
}

const recent = new Map<string, Known>();
const recentTyped = new Map<string, JsonObject>();

/**
 * The skeleton of a page read from its masked text (`maskedHtml`: typed values, echoed header
 * values and volatile tokens already replaced by placeholders), with `typed` (the step's typed
 * values, `typedMask`) and the volatile masks applied to each of its texts. Skeletons of recent
 * pages are remembered: in a live run most pages read the same once masked, since a twin's two
 * sides and every reload of a screen differ only in tokens and times, so most pages skip the
 * parse.
 *
 * A remembered skeleton is exactly the one a new parse would give, whichever page came first,
 * so results do not depend on the order of a run's pages:
 *
 * - the skeleton without typed values is a function of `maskedHtml` alone; it is kept with the
 *   texts its masks were given, and serves a step with typed values when none of them changes
 *   any of those texts (which pages the mask reads never depends on what it returns);
 * - otherwise the skeleton is made with the typed values and kept under them as well
 *   (`context` names them: equal contexts, equal typed values).
 *
 * Skeletons are frozen, since observations share them.
 *
 * @example
 * maskedPageSkeleton('<h1>Booked for ‹nhsNumber›</h1>', undefined, '').text // → ['Booked for ‹nhsNumber›']
 */
export function maskedPageSkeleton(maskedHtml: string, typed: ((text: string) => string) | undefined, context: string): JsonObject {
  let known = recent.get(maskedHtml);
  if (known === undefined) {
    const texts: string[] = [];
    const skeleton = frozen(
      htmlSkeleton(maskedHtml, (text) => {
        texts.push(text);
        return maskVolatile(text);
      }),
    );
    known = { skeleton, texts };
    remember(recent, maskedHtml, known);
  }
  if (typed === undefined || known.texts.every((text) => typed(text) === text)) return known.skeleton;
  const key = `${context}\u0000${maskedHtml}`;
  const withTyped = recentTyped.get(key);
  if (withTyped !== undefined) return withTyped;
  const skeleton = frozen(htmlSkeleton(maskedHtml, (text) => maskVolatile(typed(text))));
  remember(recentTyped, key, skeleton);
  return skeleton;
}

function remember<T>(memo: Map<string, T>, key: string, value: T): void {
  memo.set(key, value);
  if (memo.size > KEEP) {
    const oldest = memo.keys().next();
    if (oldest.done !== true) memo.delete(oldest.value);
  }
}

/** The skeleton and its lists, frozen (their items are strings). */
function frozen(skeleton: JsonObject): JsonObject {
  for (const value of Object.values(skeleton)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(skeleton);
}

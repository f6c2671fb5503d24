import type { JsonObject } from '../model/json.js';
import { htmlSkeleton } from './html-skeleton.js';
import { maskVolatile } from './volatile-masks.js';

/**
 * A bounded memo keyed by page text: the newest entries, at most `entries` of them holding at
 * most `chars` characters of keys. A key longer than an eighth of `chars` is never kept, so one
 * huge page cannot empty the memo.
 */
export class RecentPages<T> {
  private readonly kept = new Map<string, T>();
  private keptChars = 0;

  constructor(private readonly limits: { entries: number; chars: number }) {}

  get size(): number {
    return this.kept.size;
  }

  /** Characters of keys held. */
  get chars(): number {
    return this.keptChars;
  }

  get(key: string): T | undefined {
    return this.kept.get(key);
  }

  set(key: string, value: T): void {
    if (key.length > this.limits.chars / 8) return;
    if (this.kept.delete(key)) this.keptChars -= key.length;
    this.kept.set(key, value);
    this.keptChars += key.length;
    while (this.kept.size > this.limits.entries || this.keptChars > this.limits.chars) {
      const oldest = this.kept.keys().next();
      if (oldest.done === true) break;
      this.kept.delete(oldest.value);
      this.keptChars -= oldest.value.length;
    }
  }
}

/**
 * 256 recent pages (and, apart, 256 with the typed values of a step), at most 2 million
 * characters of masked page each (a skeleton is smaller than its page): a few MB whatever the
 * site's pages weigh.
 */
const LIMITS = { entries: 256, chars: 2_000_000 };

/** A step's typed values, and `typedMask` of them. */
export interface TypedValues {
  values: Readonly<Record<string, string>>;
  mask: (text: string) => string;
}

/** A page's skeleton with volatile values masked, and every text its masks were given. */
interface Known {
  skeleton: JsonObject;
  texts: string[];
}

const recent = new RecentPages<Known>(LIMITS);
const recentTyped = new RecentPages<JsonObject>(LIMITS);

/**
 * The skeleton of a page read from its masked text (`maskedHtml`: typed values, echoed header
 * values and volatile tokens already replaced by placeholders), with the step's typed values
 * and the volatile masks applied to each of its texts. Skeletons of recent
 * pages are remembered: in a live run most pages read the same once masked, since a twin's two
 * sides and every reload of a screen differ only in tokens and times, so most pages skip the
 * parse.
 *
 * A remembered skeleton is exactly the one a new parse would give, whichever page came first,
 * so results do not depend on the order of a run's pages:
 *
 * - the skeleton without typed values is a function of `maskedHtml` alone; it is kept with the
 *   texts its masks were given, and serves a step with typed values when none of them changes
 *   any of those texts (which texts the masks are given never depends on what they return);
 * - otherwise the skeleton is made with the typed values and kept under them as well.
 *
 * Skeletons are frozen, since observations share them.
 *
 * @example
 * maskedPageSkeleton('<h1>Booked for ‹nhsNumber›</h1>', undefined).text // → ['Booked for ‹nhsNumber›']
 */
export function maskedPageSkeleton(maskedHtml: string, typed: TypedValues | undefined): JsonObject {
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
    recent.set(maskedHtml, known);
  }
  if (typed === undefined) return known.skeleton;
  const mask = typed.mask;
  if (known.texts.every((text) => mask(text) === text)) return known.skeleton;
  const key = `${typedKey(typed.values)}\u0000${maskedHtml}`;
  const withTyped = recentTyped.get(key);
  if (withTyped !== undefined) return withTyped;
  const skeleton = frozen(htmlSkeleton(maskedHtml, (text) => maskVolatile(mask(text))));
  recentTyped.set(key, skeleton);
  return skeleton;
}

/** Typed values named in a fixed order: equal keys, equal values. */
function typedKey(values: Readonly<Record<string, string>>): string {
  return Object.keys(values)
    .sort()
    .map((name) => `${JSON.stringify(name)}:${JSON.stringify(values[name])}`)
    .join(',');
}

/** The skeleton and its lists, frozen (their items are strings). */
function frozen(skeleton: JsonObject): JsonObject {
  for (const value of Object.values(skeleton)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(skeleton);
}

import { TwoKeyMemo } from '../two-key-memo.js';

/**
 * URLs resolved from text, kept for the next time: a live run resolves the same few request
 * paths and redirect targets at nearly every request (an nhs run of 8,646 requests resolved 7
 * distinct paths and 14 distinct redirects), and parsing a URL cost about 2% of the client's
 * time. The URLs handed out are shared between callers: read them, never change them.
 */
const kept = new TwoKeyMemo<URL>(4096);

/** Kept URLs at most; all are forgotten when the limit is reached (a run needs a handful). */
export const maxKeptUrls = kept.limit;

/** `new URL(input, base)`, kept by base and input. Throws as `new URL` does (nothing kept then). */
export function resolvedUrl(input: string, base: string): URL {
  return kept.get(base, input) ?? kept.set(base, input, new URL(input, base));
}

/** How many URLs are kept (tests). */
export function keptUrlCount(): number {
  return kept.size;
}

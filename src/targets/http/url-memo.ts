/**
 * URLs resolved from text, kept for the next time: a live run resolves the same few request
 * paths and redirect targets at nearly every request (an nhs run of 8,646 requests resolved 7
 * distinct paths and 14 distinct redirects), and parsing a URL cost about 2% of the client's
 * time. The URLs handed out are shared between callers: read them, never change them.
 */
const kept = new Map<string, Map<string, URL>>();
let count = 0;

/** Kept URLs at most; all are forgotten when the limit is reached (a run needs a handful). */
export const maxKeptUrls = 4096;

/** `new URL(input, base)`, kept by base and input. Throws as `new URL` does (nothing kept then). */
export function resolvedUrl(input: string, base: string): URL {
  // Kept by base, then by input: no key text is built per call.
  let fromBase = kept.get(base);
  let url = fromBase?.get(input);
  if (url === undefined) {
    url = new URL(input, base);
    if (count >= maxKeptUrls) {
      kept.clear();
      count = 0;
      fromBase = undefined;
    }
    if (fromBase === undefined) kept.set(base, (fromBase = new Map()));
    fromBase.set(input, url);
    count++;
  }
  return url;
}

/** How many URLs are kept (tests). */
export function keptUrlCount(): number {
  return count;
}

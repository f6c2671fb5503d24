/**
 * URLs resolved from text, kept for the next time: a live run resolves the same few request
 * paths and redirect targets at nearly every request (an nhs run of 8,646 requests resolved 7
 * distinct paths and 14 distinct redirects), and parsing a URL cost about 2% of the client's
 * time. The URLs handed out are shared between callers: read them, never change them.
 */
const kept = new Map<string, URL>();

/** Kept URLs at most; all are forgotten when the limit is reached (a run needs a handful). */
export const maxKeptUrls = 4096;

/** `new URL(input, base)`, kept by both texts. Throws as `new URL` does (nothing kept then). */
export function resolvedUrl(input: string, base: string): URL {
  // A base is a URL's href, which never holds a newline: the first newline ends it.
  const key = `${base}\n${input}`;
  let url = kept.get(key);
  if (url === undefined) {
    url = new URL(input, base);
    if (kept.size >= maxKeptUrls) kept.clear();
    kept.set(key, url);
  }
  return url;
}

/** How many URLs are kept (tests). */
export function keptUrlCount(): number {
  return kept.size;
}

import { parse, type DefaultTreeAdapterTypes } from 'parse5';

/** How many recent pages keep their tree. */
const keep = 4;
const recent = new Map<string, DefaultTreeAdapterTypes.Document>();

/**
 * Parse a page with parse5 the way a browser without JavaScript does (scripting off, so
 * `<noscript>` content is markup). The last few trees are kept: a binding reads a page's forms
 * and the observer then reads its skeleton, and one parse serves both. Trees are shared, so
 * callers only read them.
 */
export function parseHtml(html: string): DefaultTreeAdapterTypes.Document {
  const known = recent.get(html);
  if (known) return known;
  const document = parse(html, { scriptingEnabled: false });
  recent.set(html, document);
  if (recent.size > keep) {
    const oldest = recent.keys().next();
    if (oldest.done !== true) recent.delete(oldest.value);
  }
  return document;
}

import { TOKEN, UUID } from './volatile-masks.js';

/**
 * The template of a path: numeric segments become `{n}`, UUIDs `{uuid}`, random tokens
 * `{token}`. The query is kept with its values, pairs sorted by name (values of one name in
 * their order), each value decoded and templated like a segment for ids (`{n}`), everything
 * else left for the masks the caller applies to the whole template (a random token in a query
 * reads `‹token›` once masked). A fragment is dropped. A 10-digit number is kept as it is: it
 * is the shape of an NHS number, and one in a URL is exactly what a leak oracle must see.
 * Absolute URLs keep their origin; `mailto:`, `tel:` and `javascript:` links are returned as
 * they are. Decoded names and values show `%`, `&`, `=` and `#` percent-encoded, so the
 * template reads back unambiguously.
 *
 * @example
 * pathTemplate('/bookings/1042/edit?x=1&a=2&step=b') // → '/bookings/{n}/edit?a={n}&step=b&x={n}'
 */
export function pathTemplate(pathOrUrl: string): string {
  const text = pathOrUrl.trim();
  if (/^(?:mailto|tel|javascript|data):/i.test(text)) return text;
  let origin = '';
  let rest = text;
  const absolute = /^([a-z][a-z0-9+.-]*:)?\/\/[^/?#]*/i.exec(text);
  if (absolute) {
    origin = absolute[0];
    rest = text.slice(origin.length);
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  const path = question === -1 ? rest : rest.slice(0, question);
  const segments = path.split('/').map(templateSegment).join('/');
  const query = question === -1 ? '' : queryTemplate(rest.slice(question + 1));
  return `${origin}${segments}${query === '' ? '' : `?${query}`}`;
}

/** `a=2&x=1&flag`: pairs sorted by name (stable), values templated for ids. */
function queryTemplate(query: string): string {
  const pairs: [string, string | undefined][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    pairs.push([name, eq === -1 ? undefined : templateValue(decode(part.slice(eq + 1)))]);
  }
  pairs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return pairs.map(([name, value]) => (value === undefined ? escapeQueryText(name) : `${escapeQueryText(name)}=${escapeQueryText(value)}`)).join('&');
}

function templateSegment(raw: string): string {
  const segment = decode(raw);
  // A page's links are templated after its volatile values were masked: the same template either way.
  if (segment === UUID) return '{uuid}';
  if (segment === TOKEN) return '{token}';
  if (/^\d+$/.test(segment)) return segment.length === 10 ? segment : '{n}';
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment)) return '{uuid}';
  if (/^[A-Za-z0-9_-]{16,}$/.test(segment) && /[A-Za-z]/.test(segment) && /\d/.test(segment) && !/(?<!\d)\d{10}(?!\d)/.test(segment)) return '{token}';
  return segment;
}

/**
 * A query value: a numeric id reads `{n}` as in a segment (10 digits kept), a path
 * (`next=/records/7`) reads as its template; the rest is left to the masks.
 */
function templateValue(value: string): string {
  if (/^\d+$/.test(value)) return value.length === 10 ? value : '{n}';
  if (value.startsWith('/') && !value.startsWith('//')) return pathTemplate(value);
  return value;
}

function escapeQueryText(text: string): string {
  return /[%&=#]/.test(text) ? text.replace(/[%&=#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : text;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

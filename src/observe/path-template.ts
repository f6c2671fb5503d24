import { TOKEN, UUID } from './volatile-masks.js';

/**
 * The template of a path: numeric segments become `{n}`, UUIDs `{uuid}`, random tokens
 * `{token}`; query values are dropped and the names kept, sorted (`?page&q`); a fragment is
 * dropped. Segments are shown decoded. A 10-digit number is kept as it is: it is the shape of an
 * NHS number, and one in a URL is exactly what a leak oracle must see. Absolute URLs keep their
 * origin; `mailto:`, `tel:` and `javascript:` links are returned as they are.
 *
 * @example
 * pathTemplate('/bookings/1042/edit?x=1&a=2') // → '/bookings/{n}/edit?a&x'
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
  const query = question === -1 ? '' : rest.slice(question + 1);
  const segments = path.split('/').map(templateSegment).join('/');
  const names = [...new Set(query.split('&').filter((p) => p !== '').map((p) => decode(p.split('=')[0] ?? '')))].sort();
  return `${origin}${segments}${names.length > 0 ? `?${names.join('&')}` : ''}`;
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

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

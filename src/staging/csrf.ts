import { timingSafeEqual } from 'node:crypto';
import { field, HttpError, type Body } from './http-context.js';

/** The CSRF form field name. */
export const CSRF_FIELD = '_csrf';

/** Whether `given` equals the session's token (constant time). */
export function csrfMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Throws a 403 unless the form field `_csrf` (or the `x-csrf-token` header) carries the session's
 * token. A request without a session never passes.
 */
export function checkCsrf(expected: string | undefined, body: Body, header?: string): void {
  const given = field(body, CSRF_FIELD) || (header ?? '');
  if (expected === undefined || given === '' || !csrfMatches(expected, given)) {
    throw new HttpError(403, 'The form has expired or did not come from this site. Go back, reload the page and try again.');
  }
}

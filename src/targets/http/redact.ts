import type { IncomingHttpHeaders } from 'node:http';

/** What a redacted secret is replaced with in recorded exchanges. */
export const REDACTED = '‹redacted›';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-bookfuzz-seed-token']);
const SECRET_FIELDS = new Set(['csrf', '_csrf', 'token', 'nonce', 'password', 'passcode', 'code', 'pin', 'otp']);
const SECRET_FIELD_PART = /csrf|xsrf|token|passw|passcode|nonce|secret/i;
/** Text that any secret field name written as a JSON key contains: a `SECRET_FIELD_PART`, or a whole `SECRET_FIELDS` name in quotes. */
const SECRET_ANYWHERE = new RegExp(`${SECRET_FIELD_PART.source}|"(?:${[...SECRET_FIELDS].join('|')})"`, 'i');

/** True for a form or JSON field that carries a secret of the tool's own run (CSRF token, password, one-time code). */
export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase()) || SECRET_FIELD_PART.test(name);
}

/**
 * Request or response headers with the run's own secrets redacted: cookie values (names
 * kept), `Set-Cookie` values (name and attributes kept), credentials (scheme kept), the seeding
 * token, and any header whose name says it carries a token.
 */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (name === 'cookie') out[name] = redactCookieHeader(value);
    else if (name === 'set-cookie') out[name] = value.split('\n').map(redactSetCookie).join('\n');
    else if (name === 'authorization' || name === 'proxy-authorization') out[name] = redactCredentials(value);
    else if (SECRET_HEADERS.has(name) || /csrf|xsrf|token|secret|api-key/.test(name)) out[name] = REDACTED;
    else out[name] = value;
  }
  return out;
}

/** undici's parsed response headers as one string per name (`set-cookie` lines joined by newlines). */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(name.toLowerCase() === 'set-cookie' ? '\n' : ', ') : value;
  }
  return out;
}

/**
 * A request body with secret fields redacted: `application/x-www-form-urlencoded` pairs by
 * field name (other pairs kept byte for byte), JSON objects by key at any depth. Other bodies
 * are kept as they are.
 */
export function redactBody(body: string, contentType: string | undefined): string {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') {
    return body
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const rawName = eq === -1 ? pair : pair.slice(0, eq);
        return isSecretField(decodeFormComponent(rawName)) ? `${rawName}=${REDACTED}` : pair;
      })
      .join('&');
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    // Without escapes every key is written as it is, so a body in which no secret name occurs
    // anywhere has no secret field: it is kept as sent (a seeded world is parsed no second time).
    if (!body.includes('\\') && !SECRET_ANYWHERE.test(body)) return body;
    try {
      return JSON.stringify(redactJson(JSON.parse(body) as unknown));
    } catch {
      return body;
    }
  }
  return body;
}

function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = isSecretField(key) ? REDACTED : redactJson(item);
    return out;
  }
  return value;
}

function redactCookieHeader(value: string): string {
  return value
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => `${part.split('=')[0]?.trim() ?? ''}=${REDACTED}`)
    .join('; ');
}

function redactSetCookie(line: string): string {
  const [pair = '', ...attributes] = line.split(';');
  const name = pair.split('=')[0]?.trim() ?? '';
  return [`${name}=${REDACTED}`, ...attributes.map((a) => a.trim())].join('; ');
}

function redactCredentials(value: string): string {
  const scheme = /^\s*([A-Za-z][A-Za-z0-9-]*)\s+\S/.exec(value)?.[1];
  return scheme ? `${scheme} ${REDACTED}` : REDACTED;
}

function decodeFormComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

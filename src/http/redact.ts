import type { IncomingHttpHeaders } from 'node:http';
import type { Json, JsonObject } from '../model/json.js';

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

/** The words of a field name: `newPassword` → new, password; `x-api-key` → x, api, key. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

const CREDENTIAL_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passcode', 'passphrase', 'secret', 'token', 'pin', 'otp', 'totp', 'csrf', 'xsrf', 'nonce', 'apikey', 'authorization', 'credential', 'credentials']);
/** A `code` is a credential only after one of these words (`smsCode`, `verification_code`); `postcode`, `bookingCode` are data. */
const CODE_QUALIFIERS = new Set(['verification', 'verify', 'auth', 'otp', 'sms', 'security', 'access', 'reset', 'mfa', 'one', 'login', 'signin', 'activation', 'recovery']);

/**
 * True for a key whose value is a credential: a secret field of the run (`isSecretField`:
 * passwords, tokens, CSRF fields, `code`, `pin`, `otp`), or a name with such a word in it
 * (`newPassword`, `user_pin`, `smsOtp`, `x-api-key`, `verificationCode`). Whole words only, so
 * `postcode`, `spinning` and `bookingCode` are not.
 */
export function isCredentialKey(name: string): boolean {
  if (isSecretField(name)) return true;
  const parts = words(name);
  if (parts.some((w) => CREDENTIAL_WORDS.has(w))) return true;
  if (parts.includes('api') && parts.includes('key')) return true;
  return parts.some((w, i) => w === 'code' && CODE_QUALIFIERS.has(parts[i - 1] ?? ''));
}

/** The start of every redaction mark: `‹redacted›`, and `‹redacted: kept at …›` for a value the finding keeps elsewhere. */
const REDACTED_PREFIX = '‹redacted';

/** Whether a text is (or starts with) a redaction mark. */
export function isRedacted(text: string): boolean {
  return text.startsWith(REDACTED_PREFIX);
}

/**
 * The mark of a credential the finding keeps for replay (a synthetic person's generated
 * password, a generated input): where it is, inside the finding's `counterexample`.
 */
export function keptAt(path: string): string {
  return `${REDACTED_PREFIX}: kept at counterexample.${path}›`;
}

/** The counterexample path a `keptAt` mark points to (`world.patients[0].password`), if it is one. */
export function keptPath(text: string): string | undefined {
  const match = /^‹redacted: kept at counterexample\.(.+)›$/.exec(text);
  return match?.[1];
}

/** A path or URL with the values of credential-named query parameters redacted (`?token=‹redacted›`). */
export function redactQuery(path: string): string {
  const q = path.indexOf('?');
  if (q === -1) return path;
  const query = path
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const name = decodeFormComponent(pair.slice(0, eq));
      return isCredentialKey(name) && !isRedacted(decodeFormComponent(pair.slice(eq + 1))) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path.slice(0, q)}?${query}`;
}

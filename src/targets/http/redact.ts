import type { IncomingHttpHeaders } from 'node:http';
import type { Finding } from '../../engine/finding.js';
import type { Json, JsonObject } from '../../model/json.js';

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

/** Shortest value found by name that is also replaced wherever else it occurs (shorter ones, a 4-digit PIN, would hit other data). */
const MIN_VALUE_LENGTH = 6;
/** Shortest value given as secret (the seed token) that is replaced wherever it occurs. */
const MIN_GIVEN_LENGTH = 4;

/** What to redact besides fields named as credentials. */
export interface FindingRedaction {
  /** Values never to be shown or saved: the run's seed token, credentials given on the command line. */
  values?: readonly string[];
}

/**
 * A finding with every credential redacted where it is shown or saved, on the way out:
 * - typed values whose name is a credential (`actor.password`, `input.newPassword`): `‹redacted›`,
 *   or `‹redacted: kept at counterexample.world.patients[0].password›` when the same value is in
 *   the counterexample (a synthetic person's generated password, a generated input), which
 *   replay needs and which the curl script fills in from there;
 * - in both worlds shown, the observations, the evidence and the first difference: values
 *   under credential keys (`isCredentialKey`);
 * - in recorded exchanges: cookies, Set-Cookie values, credential headers and token headers,
 *   credential fields of bodies and query strings;
 * - everywhere shown (the message too): the given `values` and every credential value met above
 *   (6 characters or more), wherever else they occur.
 *
 * Kept as they are: the counterexample (world and steps: what replay runs) and the curl script
 * (made from the redacted finding). Idempotent: a redacted finding comes back the same.
 */
export function redactFinding(finding: Finding, redaction: FindingRedaction = {}): Finding {
  const values = new Set<string>();
  for (const value of redaction.values ?? []) if (value.length >= MIN_GIVEN_LENGTH) values.add(value);
  const counterexample = finding.counterexample as unknown as JsonObject;
  collectCredentials(counterexample['world'] ?? null, values);
  const steps = finding.steps.map((step) => {
    if (!step.typed) return step;
    const typed: Record<string, string> = {};
    for (const [key, value] of Object.entries(step.typed)) {
      if (!isCredentialKey(key.split('.').pop() ?? key) || isRedacted(value)) {
        typed[key] = value;
        continue;
      }
      if (value.length >= MIN_VALUE_LENGTH) values.add(value);
      const kept = findString(counterexample, value);
      typed[key] = kept === undefined ? REDACTED : keptAt(kept);
    }
    return { ...step, typed };
  });
  const byValue = [...values].sort((x, y) => y.length - x.length);
  const scrub = (text: string): string => {
    let out = text;
    for (const value of byValue) if (out.includes(value)) out = out.split(value).join(REDACTED);
    return out;
  };
  const clean = (value: Json): Json => redactJsonValue(value, scrub);
  const side = (list: JsonObject[]): JsonObject[] => list.map((o) => clean(o) as JsonObject);
  const out: Finding = {
    ...finding,
    message: scrub(finding.message),
    steps: steps.map((step) => (step.typed ? { ...step, typed: Object.fromEntries(Object.entries(step.typed).map(([k, v]) => [k, isRedacted(v) ? v : scrub(v)])) } : step)),
    observations: { a: side(finding.observations.a), b: side(finding.observations.b) },
    firstDifference: redactDifference(finding.firstDifference, scrub, finding.firstDifference.field),
    worlds: {
      a: clean(finding.worlds.a) as JsonObject,
      b: clean(finding.worlds.b) as JsonObject,
      differences: finding.worlds.differences.map((d) => redactDifference(d, scrub, d.path)),
    },
  };
  if (finding.evidence !== undefined) out.evidence = clean(finding.evidence) as JsonObject;
  return out;
}

/** A `{ a, b }` pair at `path`: both sides redacted when the path ends in a credential key, else scrubbed. */
function redactDifference<T extends { a?: Json; b?: Json }>(entry: T, scrub: (text: string) => string, path: string): T {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  const last = parts[parts.length - 1] ?? '';
  const cookie = parts[parts.length - 2] === 'cookies';
  const credential = !cookie && isCredentialKey(last) && !/^\d+$/.test(last);
  const one = (value: Json | undefined): Json | undefined => {
    if (value === undefined) return undefined;
    if (cookie && typeof value === 'string') return scrub(redactCookieShape(last, value));
    if (credential && typeof value === 'string' && !isPlaceholder(value)) return REDACTED;
    return redactJsonValue(value, scrub);
  };
  const out = { ...entry };
  if (entry.a !== undefined) out.a = one(entry.a) as Json;
  if (entry.b !== undefined) out.b = one(entry.b) as Json;
  return out;
}

/**
 * An observed cookie (`setCookieShape`: value shape, then attributes) with its value redacted
 * when the cookie's name is a credential's and the value was kept readable; attributes stay.
 */
function redactCookieShape(name: string, shape: string): string {
  if (!isCredentialKey(name)) return shape;
  const cut = shape.indexOf(';');
  const value = (cut === -1 ? shape : shape.slice(0, cut)).trim();
  if (value === '' || isPlaceholder(value)) return shape;
  return `${REDACTED}${cut === -1 ? '' : shape.slice(cut)}`;
}

/** A placeholder the observation already put there (`‹b64{43}›`, `‹self.password›`): no value to hide. */
function isPlaceholder(text: string): boolean {
  return /^‹[^›]*›$/.test(text);
}

/**
 * A JSON value with strings under credential keys redacted, recorded exchanges (`exchanges`
 * lists of observations) redacted as exchanges, and every other string scrubbed of known values.
 */
function redactJsonValue(value: Json, scrub: (text: string) => string): Json {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => redactJsonValue(item, scrub));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'exchanges' && Array.isArray(item)) out[key] = item.map((e) => redactExchangeValue(e, scrub));
    else if (key === 'cookies' && item !== null && typeof item === 'object' && !Array.isArray(item)) {
      out[key] = Object.fromEntries(Object.entries(item).map(([name, shape]) => [name, typeof shape === 'string' ? scrub(redactCookieShape(name, shape)) : redactJsonValue(shape, scrub)]));
    } else if (typeof item === 'string' && isCredentialKey(key) && !isPlaceholder(item)) out[key] = REDACTED;
    else out[key] = redactJsonValue(item, scrub);
  }
  return out;
}

/** One recorded exchange (as JSON) redacted again: headers, body, query strings; then scrubbed. */
function redactExchangeValue(value: Json, scrub: (text: string) => string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return redactJsonValue(value, scrub);
  const exchange = { ...value };
  const headers = (name: string): void => {
    const h = exchange[name];
    if (h !== null && typeof h === 'object' && !Array.isArray(h)) {
      exchange[name] = redactHeaders(Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)])));
    }
  };
  headers('requestHeaders');
  headers('responseHeaders');
  const requestHeaders = exchange['requestHeaders'] as Record<string, string> | undefined;
  if (typeof exchange['requestBody'] === 'string') exchange['requestBody'] = redactBody(exchange['requestBody'], requestHeaders?.['content-type']);
  if (typeof exchange['path'] === 'string') exchange['path'] = redactQuery(exchange['path']);
  if (Array.isArray(exchange['redirects'])) {
    exchange['redirects'] = exchange['redirects'].map((hop) => {
      if (hop === null || typeof hop !== 'object' || Array.isArray(hop)) return hop;
      const out = { ...hop };
      for (const key of ['from', 'location']) if (typeof out[key] === 'string') out[key] = redactQuery(out[key]);
      return out;
    });
  }
  const out: JsonObject = {};
  // Header names and body text stay as redacted above; only values met elsewhere are scrubbed here.
  for (const [key, item] of Object.entries(exchange)) out[key] = redactScrubOnly(item, scrub);
  return out;
}

function redactScrubOnly(value: Json, scrub: (text: string) => string): Json {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => redactScrubOnly(item, scrub));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactScrubOnly(item, scrub)]));
}

/** Strings under credential keys anywhere in a world (its people's passwords, PINs): replaced wherever else they show. */
function collectCredentials(value: Json, into: Set<string>, key = ''): void {
  if (typeof value === 'string') {
    if (isCredentialKey(key) && value.length >= MIN_VALUE_LENGTH && !isRedacted(value)) into.add(value);
    return;
  }
  if (Array.isArray(value)) for (const item of value) collectCredentials(item, into, key);
  else if (value !== null && typeof value === 'object') for (const [k, item] of Object.entries(value)) collectCredentials(item, into, k);
}

/** The path (`world.patients[0].password`) of the first string equal to `text` in a JSON value, if any. */
function findString(value: Json, text: string, path = ''): string | undefined {
  if (typeof value === 'string') return value === text ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findString(item, text, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findString(item, text, path === '' ? key : `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

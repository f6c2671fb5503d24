/** A finding with its credentials redacted where it is shown or saved (exchanges through src/http/redact.ts). */
import type { Json, JsonObject } from '../model/json.js';
import { REDACTED, isCredentialKey, isRedacted, keptAt, redactBody, redactHeaders, redactQuery } from '../http/redact.js';
import type { Finding } from './finding.js';

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

import type { HttpResponse } from '../http/types.js';
import type { Json, JsonObject } from '../model/json.js';
import type { Observation } from '../model/model.js';
import { jsonShape } from './json-shape.js';
import { lengthBucket } from './length-bucket.js';
import { typedMask } from './mask-typed.js';
import { pathTemplate } from './path-template.js';
import { setCookieShape } from './set-cookie-shape.js';
import { maskedPageSkeleton, type TypedValues } from './skeleton-memo.js';
import { maskVolatile } from './volatile-masks.js';

export interface ObserveOptions {
  /** Values the actor typed in this step (`{ nhsNumber: '9990000018' }`): shown as `‹nhsNumber›`. */
  typed?: Record<string, string>;
  /**
   * Response headers whose value the site also writes into the page, such as a request id that
   * changes on every load (`['x-request-id']`): wherever a response's own value of such a header
   * (8 characters or more) appears in that response, it reads `‹x-request-id›`. Only the
   * observation changes: the response (and the forms a binding reads from it) stays as it came.
   */
  echoedHeaders?: readonly string[];
}

/** Shortest header value treated as an echo: shorter ones could match ordinary text by chance. */
const MIN_ECHO_LENGTH = 8;

/**
 * The normalized observation of one step from the responses the actor received:
 * `{ responses: [...] }` with, for each response, its `path` (a path template with query
 * values) and every answer the actor got on the way, observed over the same channels:
 *
 * - `status`;
 * - `headers`: every response header but the hop-by-hop and transport ones (`connection`,
 *   `keep-alive`, `transfer-encoding`, `content-length`…) and `set-cookie`, names lower-case,
 *   sorted, values masked (a `date` reads `‹date› ‹time› GMT`); `location` is a path template
 *   with query values; numbers in timing headers (`server-timing`, `x-response-time`, `age`)
 *   read `‹n›` (time is its own channel);
 * - `cookies`: each cookie set, by name, with its value's shape and its attributes
 *   (`setCookieShape`: `{ sid: '‹b64{43}›; httponly; path=/', seen: '1; path=/' }`);
 * - `body`: an HTML skeleton (`type: 'html'`, title, structure, visible text), a JSON value
 *   (`type: 'json'`, keys, values and types kept, volatile strings masked), text lines, or
 *   `empty` / `binary`;
 * - `length`: a coarse bucket of the body size after masking, or for a `binary` body or an
 *   opaque text (one line, no spaces) the exact number of bytes (a badge image whose size
 *   depends on a secret);
 * - `truncated: true` when the body was cut at the size cap.
 *
 * The final answer's channels sit on the response itself; `redirects` lists each redirect as
 * `{ status, location }` and, for those the client followed, its answer's `headers`,
 * `cookies`, `body` and `length` too (a 302 whose body still renders the record shows).
 *
 * Everything the actor typed becomes a `‹name›` placeholder first, then times, dates, UUIDs and
 * random tokens are masked; NHS numbers, NHI-like ids, names and emails are never masked.
 *
 * @example
 * const observation = observeResponses([response], { typed: { nhsNumber: '9990000018' } });
 */
export function observeResponses(responses: readonly HttpResponse[], options: ObserveOptions = {}): Observation {
  const typed = typedMask(options.typed);
  const typedValues = typed === undefined || options.typed === undefined ? undefined : { values: options.typed, mask: typed };
  /** Typed values, then volatile values: what every text and the page as a whole go through. */
  const maskText = typed === undefined ? maskVolatile : (text: string): string => maskVolatile(typed(text));
  /** Paths and locations are templated, then masked whole: query values go through the typed and volatile masks. */
  const path = (p: string): string => maskText(pathTemplate(p));
  const masksOf = (headers: Readonly<Record<string, string>>): Masks => {
    const echoes = echoesOf(headers, options.echoedHeaders);
    const mask = echoes.length === 0 ? maskText : (text: string): string => maskText(unechoed(text, echoes));
    return { mask, typed: typedValues };
  };
  return {
    responses: responses.map((response) => observeResponse(response, masksOf, path)),
  };
}

/** How one answer's texts are masked. */
interface Masks {
  /** Echoed header values, typed values, volatile values. */
  mask: (text: string) => string;
  /** The typed values and their mask alone (undefined when none): for the texts of a page already masked as a whole. */
  typed: TypedValues | undefined;
}

/** The response's values of the echoed headers (`headers` with lower-case names), with the placeholder each becomes. */
function echoesOf(headers: Readonly<Record<string, string>>, names: readonly string[] | undefined): [string, string][] {
  if (names === undefined || names.length === 0) return [];
  const echoes: [string, string][] = [];
  for (const rawName of names) {
    const name = rawName.toLowerCase();
    const value = headers[name];
    if (value !== undefined && value.length >= MIN_ECHO_LENGTH) echoes.push([value, `‹${name}›`]);
  }
  return echoes;
}

function unechoed(text: string, echoes: readonly [string, string][]): string {
  let out = text;
  for (const [value, placeholder] of echoes) if (out.includes(value)) out = out.split(value).join(placeholder);
  return out;
}

/** One answer as received: a followed redirect's, or the final one. */
interface Answer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
  truncated: boolean;
  bodyBytes?: number | undefined;
}

/** One response's observation: the final answer's channels, and each redirect with its answer's. */
function observeResponse(response: HttpResponse, masksOf: (headers: Readonly<Record<string, string>>) => Masks, path: (p: string) => string): JsonObject {
  const headers = lowerCase(response.headers);
  const hops = response.hops ?? [];
  const redirects = response.redirects.map((hop, i): JsonObject => {
    const head: JsonObject = { status: hop.status, location: path(hop.location) };
    const answer = hops[i];
    if (answer === undefined) return head;
    const answerHeaders = lowerCase(answer.headers);
    return { ...head, ...observeAnswer(answer, answerHeaders, masksOf(answerHeaders), path) };
  });
  const observed: JsonObject = { status: response.status, path: path(response.path), redirects };
  Object.assign(observed, observeAnswer(response, headers, masksOf(headers), path));
  // Names of cookies a synthetic response lists without their Set-Cookie lines still show.
  const cookies = observed['cookies'] as JsonObject;
  const described = new Set([...hops.flatMap((hop) => cookieNames(hop.headers)), ...Object.keys(cookies)]);
  for (const name of response.setCookies) if (!described.has(name)) cookies[name] = '‹set›';
  return observed;
}

/** The channels of one answer: headers, cookies, body, length, truncation. */
function observeAnswer(answer: Answer, headers: Readonly<Record<string, string>>, masks: Masks, path: (p: string) => string): JsonObject {
  const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const maskedBody = masks.mask(answer.body);
  const body = observeBody(answer.body, maskedBody, mediaType, masks);
  const observed: JsonObject = {
    headers: observedHeaders(headers, masks.mask, path),
    cookies: observedCookies(headers['set-cookie'], masks.mask),
    body,
    length: opaque(body, answer.body) ? (answer.bodyBytes ?? Buffer.byteLength(answer.body)) : lengthBucket(Buffer.byteLength(maskedBody)),
  };
  if (answer.truncated) observed['truncated'] = true;
  return observed;
}

/** Headers that say nothing about the answer: hop-by-hop, transport, and Set-Cookie (its own channel). */
const UNOBSERVED_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length', 'set-cookie']);
/** Headers whose numbers are durations: time is its own (opt-in) channel. */
const TIMING_HEADERS = new Set(['server-timing', 'x-response-time', 'x-runtime', 'age']);

function observedHeaders(headers: Readonly<Record<string, string>>, mask: (text: string) => string, path: (p: string) => string): JsonObject {
  const out: JsonObject = {};
  for (const name of Object.keys(headers).sort()) {
    if (UNOBSERVED_HEADERS.has(name)) continue;
    const value = headers[name] ?? '';
    if (name === 'location') out[name] = path(value);
    else if (TIMING_HEADERS.has(name)) out[name] = mask(value.replace(/\d+(?:\.\d+)?/g, '‹n›'));
    else out[name] = mask(value);
  }
  return out;
}

/** Each cookie set by one answer (`set-cookie` lines joined by newlines), by name; a name set twice lists both, one per line. */
function observedCookies(lines: string | undefined, mask: (text: string) => string): JsonObject {
  const out: JsonObject = {};
  if (lines === undefined) return out;
  const byName = new Map<string, string[]>();
  for (const line of lines.split('\n')) {
    if (line.trim() === '') continue;
    const { name, text } = setCookieShape(line, mask);
    byName.set(name, [...(byName.get(name) ?? []), text]);
  }
  for (const name of [...byName.keys()].sort()) out[name] = (byName.get(name) ?? []).join('\n');
  return out;
}

function cookieNames(headers: Readonly<Record<string, string>>): string[] {
  const lines = headers['set-cookie'] ?? headers['Set-Cookie'];
  if (lines === undefined) return [];
  return lines.split('\n').map((line) => line.split(';')[0]?.split('=')[0]?.trim() ?? '').filter((name) => name !== '');
}

/** A body observed as `binary`, or as text with no structure (one line, no spaces): its exact size is what shows. */
function opaque(observed: Json, body: string): boolean {
  if (observed === null || typeof observed !== 'object' || Array.isArray(observed)) return false;
  if (observed['type'] === 'binary') return true;
  return observed['type'] === 'text' && body.length >= 64 && !/\s/.test(body.trim());
}

/**
 * An HTML page is read from its masked text (`maskedBody`), so its skeleton depends only on what
 * the masks leave and twin pages share one parse; JSON and text are read from the body itself.
 */
function observeBody(body: string, maskedBody: string, mediaType: string, masks: Masks): Json {
  const mask = masks.mask;
  if (body.trim() === '') return { type: 'empty' };
  const looksHtml = /^\s*(?:<!doctype html|<html|<head|<body|<!--|<[a-z][a-z0-9]*[\s>])/i.test(body);
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml' || (mediaType === '' && looksHtml)) {
    return maskedPageSkeleton(maskedBody, masks.typed);
  }
  if (mediaType === 'application/json' || mediaType.endsWith('+json') || (mediaType === '' && /^\s*[[{]/.test(body))) {
    try {
      return { type: 'json', value: jsonShape(JSON.parse(body) as Json, mask) };
    } catch {
      return { type: 'text', invalidJson: true, text: textLines(body, mask) };
    }
  }
  if (mediaType === '' || mediaType.startsWith('text/') || mediaType.endsWith('+xml') || mediaType === 'application/xml' || mediaType === 'application/javascript') {
    return { type: 'text', text: textLines(body, mask) };
  }
  return { type: 'binary', mediaType };
}

function textLines(body: string, mask: (text: string) => string): string[] {
  return body
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .map(mask);
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

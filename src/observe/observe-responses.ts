import type { HttpResponse } from '../targets/http/types.js';
import type { Json, JsonObject } from '../model/json.js';
import type { Observation } from '../model/model.js';
import { jsonShape } from './json-shape.js';
import { lengthBucket } from './length-bucket.js';
import { typedMask } from './mask-typed.js';
import { pathTemplate } from './path-template.js';
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
 * `{ responses: [...] }` with, for each response,
 *
 * - `status`, `path` (a path template), `redirects` (`{ status, location }` templates),
 * - `cookies`: names of cookies set, sorted (never values),
 * - `headers`: only those that say something — `content-type` (media type only), `location`,
 *   `content-disposition`, `www-authenticate` (scheme only),
 * - `body`: an HTML skeleton (`type: 'html'`, title, structure, visible text), a JSON shape
 *   (`type: 'json'`, values kept, volatile ones masked), text lines, or `empty` / `binary`,
 * - `length`: a coarse bucket of the body size after masking,
 * - `truncated: true` when the body was cut at the size cap.
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
  const path = (p: string): string => (typed === undefined ? pathTemplate(p) : typed(pathTemplate(p)));
  return {
    responses: responses.map((response) => {
      const headers = lowerCase(response.headers);
      const echoes = echoesOf(headers, options.echoedHeaders);
      const mask = echoes.length === 0 ? maskText : (text: string): string => maskText(unechoed(text, echoes));
      return observeResponse(response, headers, { mask, typed: typedValues }, path);
    }),
  };
}

/** How one response's texts are masked. */
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

/** One response's observation; `headers` are its headers with lower-case names. */
function observeResponse(response: HttpResponse, headers: Readonly<Record<string, string>>, masks: Masks, path: (p: string) => string): JsonObject {
  const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const maskedBody = masks.mask(response.body);
  const observed: JsonObject = {
    status: response.status,
    path: path(response.path),
    redirects: response.redirects.map((hop) => ({ status: hop.status, location: path(hop.location) })),
    cookies: [...new Set(response.setCookies)].sort(),
    headers: relevantHeaders(headers, mediaType, masks.mask, path),
    body: observeBody(response.body, maskedBody, mediaType, masks),
    length: lengthBucket(Buffer.byteLength(maskedBody)),
  };
  if (response.truncated) observed['truncated'] = true;
  return observed;
}

function relevantHeaders(headers: Readonly<Record<string, string>>, mediaType: string, mask: (text: string) => string, path: (p: string) => string): JsonObject {
  const out: JsonObject = {};
  if (mediaType !== '') out['content-type'] = mediaType;
  const location = headers['location'];
  if (location !== undefined) out['location'] = path(location);
  const disposition = headers['content-disposition'];
  if (disposition !== undefined) out['content-disposition'] = mask(disposition);
  const authenticate = headers['www-authenticate'];
  if (authenticate !== undefined) out['www-authenticate'] = authenticate.trim().split(/\s+/)[0] ?? '';
  return out;
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

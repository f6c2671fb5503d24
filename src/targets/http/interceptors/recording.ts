import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { HopClock } from '../hop-clock.js';
import { flattenHeaders, redactBody, redactHeaders } from '../redact.js';
import type { Exchange, RedirectHop } from '../types.js';
import { forwardingHandler } from './forwarding-handler.js';

export interface RecordingOptions {
  /** The actor whose requests go through this dispatcher. */
  actor: string;
  /** Origin of the live site's base URL: paths on it are recorded as paths, others as full URLs. */
  baseOrigin: string;
  /** Called once per request sent, when its answer ended or failed (status 0: no answer). */
  onExchange(exchange: Exchange): void;
  /** Called when a request is actually passed to the network. */
  onSend?(): void;
}

/**
 * Records every request that is actually sent (the innermost interceptor, so refused and
 * never-sent requests are not recorded) as one `Exchange` per HTTP request: a redirect chain
 * gives one exchange per hop, and a redirect answer carries its own hop in `redirects`. The
 * run's own secrets are redacted in everything an exchange shows: cookie values, credentials,
 * the seeding token, CSRF-like and password fields. Also marks the request's `HopClock`.
 *
 * Headers, body and redirects are made (and redacted) when first read, not per request: only a
 * finding's exchanges are ever read, and a run sends hundreds of thousands of requests that
 * pass. An exchange never shows anything unredacted; the request's headers and body are held,
 * as they were sent, until then.
 */
export function recording(options: RecordingOptions): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const started = performance.now();
    const sentHeaders = opts.headers;
    const origin = opts.origin === undefined || opts.origin === options.baseOrigin ? options.baseOrigin : new URL(String(opts.origin)).origin;
    const path = origin === options.baseOrigin ? opts.path : `${origin}${opts.path}`;
    const exchange: Exchange = { actor: options.actor, method: opts.method, path, requestHeaders: {}, status: 0, redirects: [], responseHeaders: {}, bodyBytes: 0, timeMs: 0 };
    let sentRecord: Record<string, string> | undefined;
    const sent = (): Record<string, string> => (sentRecord ??= requestHeaderRecord(sentHeaders));
    /** The answer's headers as undici gave them, flattened when first needed. */
    let answer: IncomingHttpHeaders = {};
    let answerRecord: Record<string, string> | undefined;
    const answered = (): Record<string, string> => (answerRecord ??= flattenHeaders(answer));
    readOnce(exchange, 'requestHeaders', () => redactHeaders(sent()));
    readOnce(exchange, 'redirects', () => {
      const location = answered()['location'];
      const { status } = exchange;
      return status >= 300 && status < 400 && location !== undefined ? [redirectHop(status, `${origin}${opts.path}`, location, options.baseOrigin)] : [];
    });
    readOnce(exchange, 'responseHeaders', () => redactHeaders(answered()));
    const body = opts.body;
    if (typeof body === 'string' && body !== '') readOnce(exchange, 'requestBody', () => redactBody(body, sent()['content-type']));
    const opaque: unknown = (opts as { opaque?: unknown }).opaque;
    if (opaque instanceof HopClock) opaque.markSent();
    options.onSend?.();
    const wrapped = forwardingHandler(handler, {
      onStart(statusCode, headers) {
        exchange.status = statusCode;
        answer = headers;
      },
      onData(chunk) {
        exchange.bodyBytes += chunk.length;
      },
      onSettled() {
        exchange.timeMs = Math.round((performance.now() - started) * 10) / 10;
        options.onExchange(exchange);
      },
    });
    return dispatch(opts, wrapped);
  };
}

/**
 * Defines `key` of `target` as the value `make` gives when the key is first read (or the value
 * first written), kept from then on as a plain property. Enumerable, so JSON and structured
 * clones (worker messages) read it like any other field.
 */
function readOnce<T extends object, K extends keyof T>(target: T, key: K, make: () => T[K]): void {
  const settle = (value: T[K]): T[K] => {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    return value;
  };
  Object.defineProperty(target, key, { enumerable: true, configurable: true, get: () => settle(make()), set: (value: T[K]) => void settle(value) });
}

function redirectHop(status: number, fromUrl: string, location: string, baseOrigin: string): RedirectHop {
  const from = new URL(fromUrl);
  const fromText = from.origin === baseOrigin ? `${from.pathname}${from.search}` : from.href;
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return { status, from: fromText, location };
  }
  return { status, from: fromText, location: target.origin === from.origin ? `${target.pathname}${target.search}` : target.href };
}

function requestHeaderRecord(headers: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: unknown, value: unknown): void => {
    if (value === undefined || value === null) return;
    const key = String(name).toLowerCase();
    const text = Array.isArray(value) ? value.map(String).join(', ') : String(value);
    out[key] = out[key] === undefined ? text : `${out[key]}, ${text}`;
  };
  if (!headers) return out;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i], headers[i + 1]);
    return out;
  }
  if (isIterable(headers)) {
    for (const entry of headers) if (Array.isArray(entry)) add(entry[0], entry[1]);
    return out;
  }
  for (const [name, value] of Object.entries(headers)) add(name, value);
  return out;
}

function isIterable(value: object): value is Iterable<unknown> {
  return Symbol.iterator in value;
}

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
 * run's own secrets are redacted before anything is kept: cookie values, credentials, the
 * seeding token, CSRF-like and password fields. Also marks the request's `HopClock`.
 */
export function recording(options: RecordingOptions): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const started = performance.now();
    const requestHeaders = requestHeaderRecord(opts.headers);
    const origin = opts.origin === undefined ? options.baseOrigin : new URL(String(opts.origin)).origin;
    const path = origin === options.baseOrigin ? opts.path : `${origin}${opts.path}`;
    const exchange: Exchange = {
      actor: options.actor,
      method: opts.method,
      path,
      requestHeaders: redactHeaders(requestHeaders),
      status: 0,
      redirects: [],
      responseHeaders: {},
      bodyBytes: 0,
      timeMs: 0,
    };
    if (typeof opts.body === 'string' && opts.body !== '') exchange.requestBody = redactBody(opts.body, requestHeaders['content-type']);
    const opaque: unknown = (opts as { opaque?: unknown }).opaque;
    if (opaque instanceof HopClock) opaque.markSent();
    options.onSend?.();
    const wrapped = forwardingHandler(handler, {
      onStart(statusCode, headers) {
        exchange.status = statusCode;
        const flat = flattenHeaders(headers);
        exchange.responseHeaders = redactHeaders(flat);
        const location = flat['location'];
        if (statusCode >= 300 && statusCode < 400 && location !== undefined) {
          exchange.redirects = [redirectHop(statusCode, `${origin}${opts.path}`, location, options.baseOrigin)];
        }
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

import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { HopClock } from '../hop-clock.js';
import { flattenHeaders, redactBody, redactHeaders } from '../redact.js';
import type { Exchange, RecordedExchange, RedirectHop } from '../types.js';
import { ForwardingHandler, type HandlerHooks } from './forwarding-handler.js';
import { retryMarkOf, type RetryMark } from './retry.js';

export interface RecordingOptions {
  /** The actor whose requests go through this dispatcher. */
  actor: string;
  /** Origin of the live site's base URL: paths on it are recorded as paths, others as full URLs. */
  baseOrigin: string;
  /** Called once per request sent, when its answer ended or failed (status 0: no answer). */
  onExchange(exchange: RecordedExchange): void;
  /** Called when a request is actually passed to the network. */
  onSend?(): void;
}

/**
 * Records every request that is actually sent (the innermost interceptor, so refused and
 * never-sent requests are not recorded) as one `RecordedExchange` per HTTP request: a redirect
 * chain gives one exchange per hop, and a redirect answer carries its own hop in `redirects`.
 * The run's own secrets (cookie values, credentials, the seeding token, CSRF-like and password
 * fields) are redacted when the exchange is read, which only a finding's report does: nearly
 * every exchange belongs to a passing case and is dropped unread. Also marks the request's
 * `HopClock`. An attempt whose 429 or 503 the retry interceptor replaced by a retry's answer is
 * sent (and counted by `onSend`) but not recorded: the step's exchange is the last attempt's,
 * with `retries` saying how many went before it.
 */
export function recording(options: RecordingOptions): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (given, handler) => {
    // Headers given as an iterable other than an array (a generator can be read only once) are
    // read here into one record, which goes on to undici as well as into the exchange.
    const headers = given.headers;
    const opts = headers && !Array.isArray(headers) && isIterable(headers) ? { ...given, headers: requestHeaderRecord(headers) } : given;
    const exchange = new KeptExchange(options.actor, opts, options.baseOrigin, options.onExchange, retryMarkOf(given));
    const opaque: unknown = (opts as { opaque?: unknown }).opaque;
    if (opaque instanceof HopClock) opaque.markSent();
    options.onSend?.();
    return dispatch(opts, new ForwardingHandler(handler, exchange));
  };
}

/**
 * A recorded exchange: references to what was sent and received (the request's header record
 * and body, undici's parsed response headers), no copies and no closures, so a dropped case
 * costs no redaction and keeps nothing else alive. The raw parts are private fields: nothing
 * outside this class can read them. It fills itself in as its answer comes (it is the hooks of
 * the request's forwarding handler) and goes to `onExchange` when the exchange is over.
 */
class KeptExchange implements RecordedExchange, HandlerHooks {
  readonly actor: string;
  readonly #method: string;
  readonly #origin: string;
  readonly #path: string;
  readonly #baseOrigin: string;
  readonly #requestHeaders: Dispatcher.DispatchOptions['headers'];
  readonly #requestBody: string | undefined;
  readonly #started = performance.now();
  readonly #onExchange: (exchange: RecordedExchange) => void;
  readonly #retry: RetryMark | undefined;
  #status = 0;
  #responseHeaders: IncomingHttpHeaders = {};
  #bodyBytes = 0;
  #timeMs = 0;

  constructor(actor: string, opts: Dispatcher.DispatchOptions, baseOrigin: string, onExchange: (exchange: RecordedExchange) => void, retry: RetryMark | undefined) {
    this.actor = actor;
    this.#onExchange = onExchange;
    this.#retry = retry;
    this.#method = opts.method;
    const origin = opts.origin === undefined ? baseOrigin : String(opts.origin);
    // The actor client passes a URL's `origin`, already in this form; anything else is normalized.
    this.#origin = origin === baseOrigin ? baseOrigin : new URL(origin).origin;
    this.#path = opts.path;
    this.#baseOrigin = baseOrigin;
    this.#requestHeaders = opts.headers;
    this.#requestBody = typeof opts.body === 'string' && opts.body !== '' ? opts.body : undefined;
  }

  get timeMs(): number {
    return this.#timeMs;
  }

  onStart(status: number, headers: IncomingHttpHeaders): void {
    this.#status = status;
    this.#responseHeaders = headers;
  }

  onData(chunk: Buffer): void {
    this.#bodyBytes += chunk.length;
  }

  onSettled(): void {
    this.#timeMs = Math.round((performance.now() - this.#started) * 10) / 10;
    if (this.#retry?.superseded !== true) this.#onExchange(this);
  }

  redacted(): Exchange {
    const requestHeaders = requestHeaderRecord(this.#requestHeaders);
    const responseHeaders = flattenHeaders(this.#responseHeaders);
    const status = this.#status;
    const location = responseHeaders['location'];
    const exchange: Exchange = {
      actor: this.actor,
      method: this.#method,
      path: this.#origin === this.#baseOrigin ? this.#path : `${this.#origin}${this.#path}`,
      requestHeaders: redactHeaders(requestHeaders),
      status,
      redirects: status >= 300 && status < 400 && location !== undefined ? [redirectHop(status, `${this.#origin}${this.#path}`, location, this.#baseOrigin)] : [],
      responseHeaders: redactHeaders(responseHeaders),
      bodyBytes: this.#bodyBytes,
      timeMs: this.#timeMs,
    };
    if (this.#requestBody !== undefined) exchange.requestBody = redactBody(this.#requestBody, requestHeaders['content-type']);
    if (this.#retry !== undefined && this.#retry.retries > 0) exchange.retries = this.#retry.retries;
    return exchange;
  }

  /** Serialized, an exchange is its redacted form: the raw parts never reach a file or a message. */
  toJSON(): Exchange {
    return this.redacted();
  }
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

import type { Json } from '../model/json.js';

/** One request an actor sends. `path` is relative to the target's base URL (path and query). */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as application/json. */
  json?: Json;
  /** Follow redirects (default true); each hop is recorded either way. */
  followRedirects?: boolean;
}

/** One hop of a redirect chain. */
export interface RedirectHop {
  status: number;
  /** Path (and query) of the request that answered with the redirect. */
  from: string;
  /** The Location it pointed to, resolved to a path when on the same origin. */
  location: string;
}

/**
 * The answer to one redirect the client followed, as received: what the actor's browser got
 * before moving on (a 302 whose body still renders the page it should have refused).
 */
export interface HopAnswer {
  status: number;
  /** Response headers, names lower-case, `set-cookie` lines joined by newlines. */
  headers: Record<string, string>;
  /** Body decoded as UTF-8, cut at the size cap like a final body (usually empty). */
  body: string;
  truncated: boolean;
  /** Bytes of the body as received (up to the cap). */
  bodyBytes: number;
}

/** The answer an actor finally received, after following redirects. */
export interface HttpResponse {
  status: number;
  /** Path (and query) of the final URL. */
  path: string;
  /** Response headers, names lower-case. */
  headers: Record<string, string>;
  /** Body decoded as UTF-8 (invalid bytes replaced), cut at the size cap. */
  body: string;
  /** True when the body was cut at the size cap. */
  truncated: boolean;
  /** Bytes of the body as received (up to the cap); when absent, the UTF-8 length of `body`. */
  bodyBytes?: number;
  redirects: RedirectHop[];
  /**
   * The answers of the redirects that were followed, in order: `hops[i]` answered
   * `redirects[i]`. (A last redirect that was not followed is this response itself.)
   */
  hops?: HopAnswer[];
  /** Names of cookies set by this response (all hops). */
  setCookies: string[];
  /** Network time in milliseconds: the sum over every hop of sending the request to the end of its body (waits for the rate limit and concurrency cap excluded, so timing is not distorted). */
  timeMs: number;
}

/**
 * One HTTP request actually sent and its answer, as recorded for reports: cookies and tokens
 * redacted. A redirect chain gives one exchange per hop. For an allowed cross-origin hop,
 * `path` holds the full URL.
 */
export interface Exchange {
  actor: string;
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  /** Form or JSON body with secrets of the tool's own run (CSRF tokens, passwords) redacted. */
  requestBody?: string;
  status: number;
  redirects: RedirectHop[];
  responseHeaders: Record<string, string>;
  bodyBytes: number;
  timeMs: number;
  /**
   * Times this request was sent before, each answered 429 or 503 and sent again after a wait
   * (those attempts are not exchanges of their own). Absent when it went through at once.
   */
  retries?: number;
}

/**
 * One exchange as the recorder keeps it while its case runs: as sent and received, the run's
 * secrets included. The only ways out are redacted: `redacted()`, and JSON serialization (which
 * gives the same). Passing cases are dropped without ever being redacted.
 */
export interface RecordedExchange {
  readonly actor: string;
  /** Milliseconds from sending the request to the end of its answer. */
  readonly timeMs: number;
  /** The exchange with the run's secrets redacted, for reports and curl scripts. */
  redacted(): Exchange;
}

/** An actor's browser: its own cookie jar, every request through the target's safety rails. */
export interface ActorClient {
  readonly actor: string;
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Value of a cookie the jar would send to the target, if any. */
  cookie(name: string): string | undefined;
  /** Serialize the jar (for example to replay an old session cookie after logout). */
  saveCookies(): string;
  restoreCookies(saved: string): void;
  clearCookies(): void;
}

/** A live site during one run: one client per actor, created on first use. */
export interface LiveSite {
  readonly baseUrl: string;
  actor(id: string): ActorClient;
  /** The seeding token, when the user gave one (sent as header `x-bookfuzz-seed-token`). */
  readonly seedToken: string | undefined;
  /**
   * The parallel world this site handle works in (sent as `x-bookfuzz-world` on every request to
   * the site), when a run has several lanes on one site; undefined: the site's one world.
   */
  readonly world?: string | undefined;
}

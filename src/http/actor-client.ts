import type { Dispatcher } from 'undici';
import { CookieJar, cookieCompare, pathMatch, type Cookie } from 'tough-cookie';
import { BookfuzzError } from '../errors.js';
import { hostNotAllowed } from './interceptors/allowlist.js';
import type { HostAllowlist } from './interceptors/host-allowlist.js';
import { HopClock } from './hop-clock.js';
import { decodeUtf8, readResponse } from './read-body.js';
import { flattenHeaders } from './redact.js';
import { transportError } from './transport-error.js';
import type { ActorClient, HopAnswer, HttpRequest, HttpResponse, RedirectHop } from './types.js';
import { resolvedUrl } from './url-memo.js';

/** Redirects followed at most per request; the answer after that is returned as it is. */
export const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const SEED_TOKEN_HEADER = 'x-bookfuzz-seed-token';
const WORLD_HEADER = 'x-bookfuzz-world';

export interface ActorClientOptions {
  actor: string;
  baseUrl: URL;
  /** The live site's composed dispatcher for this actor (allowlist, budget, limits, recording). */
  dispatcher: Dispatcher;
  allowlist: HostAllowlist;
  seedToken: string | undefined;
  /** The site's parallel world to work in: sent as `x-bookfuzz-world` to the site's origin. */
  world?: string | undefined;
  timeoutMs: number;
  maxBodyBytes: number;
  /**
   * When set, an answer 503 (Service Unavailable) that is still 503 after the retry
   * interceptor's retries (`retries`, at most) fails the request with `BF_TRANSPORT`: the site
   * is down, and the run counts it toward giving up. A 429 is always returned as it is.
   */
  unavailableFails?: { retries: number };
}

type Method = HttpRequest['method'];

/**
 * One actor's browser. It keeps its own cookie jar (tough-cookie), sends form or JSON bodies,
 * and follows redirects itself — at most ten, 303 (and 301/302 after a POST) as GET, never to a
 * host that is not allowed (that redirect is returned as it is). Every redirect answer is a hop
 * in `redirects`, followed or not; each followed one keeps its answer (headers, Set-Cookie
 * lines, body) in `hops`. Bodies are read up to the size cap and decoded as UTF-8 with
 * replacement characters. `timeMs` adds up the time each request spent on the network, from
 * leaving (after any rate-limit wait) to the end of its body. Transport failures become
 * `BF_TRANSPORT`; refusals by the safety rails keep their own codes. With `unavailableFails`,
 * so does a 503 the retries did not get past (a 429 is an answer: the step is judged on it).
 */
export function createActorClient(options: ActorClientOptions): ActorClient {
  let jar = newJar();
  const { baseUrl } = options;
  /**
   * Cookie reads kept until the jar changes (tough-cookie's own read walks the store, matches
   * domain and path and goes through a promise every time; a binding reads the session cookie
   * several times a step). A kept read is handed out again only while none of its cookies has
   * expired, and marks them accessed as tough-cookie does (its Max-Age counts from the last
   * access), so every read returns what the jar itself would.
   */
  const reads = new Map<string, { cookies: Cookie[]; header?: string }>();
  /** Cookie headers for paths on the base URL's origin, each with the read of all paths it was made from. */
  const headers = new Map<string, { from: { cookies: Cookie[] }; header: string }>();
  /** True while nothing was put in the jar since it was made (most actors' first requests): every read is then empty. */
  let empty = true;
  const changed = (): void => {
    empty = false;
    reads.clear();
    headers.clear();
  };

  function cookiesFor(url: string, allPaths: boolean): { cookies: Cookie[]; header?: string } {
    const key = allPaths ? `*${url}` : url;
    const known = reads.get(key);
    if (known !== undefined && stillFresh(known.cookies)) return known;
    const read = { cookies: empty ? [] : jar.getCookiesSync(url, allPaths ? { allPaths: true } : undefined) };
    reads.set(key, read);
    return read;
  }

  /**
   * The Cookie header the jar sends to `url` (what `getCookieStringSync` gives). On the base
   * URL's origin, it is made from the one read of all paths there (the read `cookie()` keeps)
   * with tough-cookie's own path match: the jar matches host, security and expiry alike for
   * every path of one origin, so a path not requested since the jar last changed costs no read
   * of the jar. (That read marks every cookie of the origin accessed, as `cookie()` does.)
   */
  function cookieHeader(url: URL): string {
    if (url.origin !== baseUrl.origin) {
      const read = cookiesFor(`${url.origin}${url.pathname}`, false);
      return (read.header ??= joinCookies(read.cookies));
    }
    const path = url.pathname || '/';
    const all = cookiesFor(baseUrl.href, true);
    const known = headers.get(path);
    if (known !== undefined && known.from === all) return known.header;
    const header = joinCookies(all.cookies.filter((c) => typeof c.path !== 'string' || pathMatch(path, c.path)));
    headers.set(path, { from: all, header });
    return header;
  }
  const basePrefix = baseUrl.pathname.replace(/\/+$/, '');

  function resolve(path: string): URL {
    if (path.startsWith('/') && !path.startsWith('//')) return resolvedUrl(`${basePrefix}${path}`, baseUrl.origin);
    return resolvedUrl(path, baseUrl.href);
  }

  function headersFor(url: URL, request: HttpRequest, contentType: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { accept: 'text/html,application/json;q=0.9,*/*;q=0.8', 'user-agent': 'bookfuzz' };
    let callerCookie: string | undefined;
    for (const [rawName, value] of Object.entries(request.headers ?? {})) {
      const name = rawName.toLowerCase();
      if (name === 'host' || name === 'content-length' || name === 'content-type' || name === SEED_TOKEN_HEADER || name === WORLD_HEADER) continue;
      if (name === 'cookie') callerCookie = value;
      else headers[name] = value;
    }
    const sameOrigin = url.origin === baseUrl.origin;
    if (!sameOrigin) {
      delete headers['authorization'];
      delete headers['proxy-authorization'];
    }
    if (contentType !== undefined) headers['content-type'] = contentType;
    const cookies = [callerCookie, cookieHeader(url)].filter((c): c is string => c !== undefined && c !== '');
    if (cookies.length > 0) headers['cookie'] = cookies.join('; ');
    if (options.world !== undefined && sameOrigin) headers[WORLD_HEADER] = options.world;
    if (options.seedToken !== undefined && sameOrigin && url.pathname.startsWith(`${basePrefix}/__bookfuzz/`)) {
      headers[SEED_TOKEN_HEADER] = options.seedToken;
    }
    return headers;
  }

  async function request(request: HttpRequest): Promise<HttpResponse> {
    let method: Method = request.method;
    const firstWhere = `${method} ${request.path}`;
    if (request.form !== undefined && request.json !== undefined) {
      throw new BookfuzzError('BF_MODEL_INVALID', 'a request may send a form or a JSON body, not both', { where: firstWhere });
    }
    let url: URL;
    try {
      url = resolve(request.path);
    } catch (error) {
      throw new BookfuzzError('BF_MODEL_INVALID', `not a valid request path: ${JSON.stringify(request.path)}`, { where: firstWhere, cause: error });
    }
    let body: string | undefined;
    let contentType: string | undefined;
    if (request.form !== undefined) {
      body = new URLSearchParams(request.form).toString();
      contentType = 'application/x-www-form-urlencoded';
    } else if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      contentType = 'application/json';
    }
    const follow = request.followRedirects ?? true;
    const redirects: RedirectHop[] = [];
    const hops: HopAnswer[] = [];
    const setCookies: string[] = [];
    let networkMs = 0;

    for (let hop = 0; ; hop++) {
      const path = `${url.pathname}${url.search}`;
      const where = `${method} ${path}`;
      if (!options.allowlist.allows(url)) throw hostNotAllowed(url.host, where);
      const clock = new HopClock();
      const started = performance.now();
      let status: number;
      let headers: Record<string, string>;
      let text: string;
      let truncated: boolean;
      let bodyBytes: number;
      try {
        const read = await readResponse(
          options.dispatcher,
          {
            origin: url.origin,
            path,
            method,
            headers: headersFor(url, request, contentType),
            body: body ?? null,
            opaque: clock,
            headersTimeout: options.timeoutMs,
            bodyTimeout: options.timeoutMs,
          },
          options.maxBodyBytes,
          options.timeoutMs,
        );
        status = read.status;
        headers = flattenHeaders(read.headers);
        bodyBytes = read.bytes.length;
        text = bodyBytes === 0 ? '' : decodeUtf8(read.bytes, read.truncated);
        truncated = read.truncated;
      } catch (error) {
        throw transportError(error, url.origin === baseUrl.origin ? where : `${method} ${url.href}`, options.timeoutMs);
      }
      networkMs += performance.now() - (clock.sentAt ?? started);
      if (status === 503 && options.unavailableFails !== undefined) {
        throw new BookfuzzError('BF_TRANSPORT', unavailable(options.unavailableFails.retries), { where: url.origin === baseUrl.origin ? where : `${method} ${url.href}` });
      }

      for (const line of (headers['set-cookie'] ?? '').split('\n').filter((l) => l.trim() !== '')) {
        const name = line.split(';')[0]?.split('=')[0]?.trim();
        if (name) setCookies.push(name);
        changed();
        try {
          jar.setCookieSync(line, url.href, { ignoreError: true });
        } catch {
          // A cookie the jar cannot take is ignored, as a browser would.
        }
      }

      const location = headers['location'];
      let next: URL | undefined;
      if (REDIRECT_STATUSES.has(status) && location !== undefined) {
        try {
          next = resolvedUrl(location, url.href);
        } catch {
          next = undefined;
        }
        redirects.push({ status, from: relativeTo(url, baseUrl), location: next ? relativeTo(next, url) : location });
      }
      const followable =
        follow && next !== undefined && hop < MAX_REDIRECTS && (next.protocol === 'http:' || next.protocol === 'https:') && options.allowlist.allows(next);
      if (!followable || next === undefined) {
        return {
          status,
          path,
          headers,
          body: text,
          truncated,
          bodyBytes,
          redirects,
          hops,
          setCookies: [...new Set(setCookies)],
          timeMs: Math.round(networkMs * 10) / 10,
        };
      }
      // Kept as received (references, no copy): a hop's body can render what a redirect should have refused.
      hops.push({ status, headers, body: text, truncated, bodyBytes });
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        contentType = undefined;
      }
      url = next;
    }
  }

  return {
    actor: options.actor,
    request,
    cookie(name) {
      return cookiesFor(baseUrl.href, true).cookies.find((c) => c.key === name)?.value;
    },
    saveCookies() {
      return JSON.stringify(jar.serializeSync() ?? {});
    },
    restoreCookies(saved) {
      changed();
      try {
        jar = CookieJar.deserializeSync(saved);
      } catch (error) {
        throw new BookfuzzError('BF_USAGE', 'restoreCookies was given something that saveCookies did not produce', {
          where: `actor ${options.actor}`,
          cause: error,
        });
      }
    },
    clearCookies() {
      changed();
      jar = newJar();
      empty = true;
    },
  };
}

/** Why a 503 failed the request. */
function unavailable(retries: number): string {
  const after = retries === 0 ? '' : `, still after retrying (up to ${retries} ${retries === 1 ? 'time' : 'times'})`;
  return `the site answered 503 (Service Unavailable)${after}: it is down or overloaded`;
}

/** True when none of the cookies has expired; then marks them accessed now, as a read of the jar does. */
function stillFresh(cookies: readonly Cookie[]): boolean {
  const now = Date.now();
  for (const cookie of cookies) {
    const expiry = cookie.expiryTime();
    if (expiry !== undefined && expiry <= now) return false;
  }
  const accessed = new Date();
  for (const cookie of cookies) cookie.lastAccessed = accessed;
  return true;
}

/** Cookies as a Cookie header, in the order tough-cookie sends them (longest path first, then oldest). */
function joinCookies(cookies: readonly Cookie[]): string {
  return [...cookies].sort(cookieCompare).map((c) => c.cookieString()).join('; ');
}

function newJar(): CookieJar {
  // Loopback staging sites run on http; allow their Secure cookies as browsers do for localhost.
  return new CookieJar(undefined, { allowSecureOnLocal: true, rejectPublicSuffixes: false });
}

/** Path (and query) when `url` is on the same origin as `base`, else the full URL. */
function relativeTo(url: URL, base: URL): string {
  return url.origin === base.origin ? `${url.pathname}${url.search}` : url.href;
}

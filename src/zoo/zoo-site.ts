/**
 * The leak zoo's fixture server framework: a small node:http server on 127.0.0.1 that runs one
 * fixture's routes in one mode, keeps the world the spec seeds (`POST /__zoo/seed`), cookie and
 * bearer-token sessions, per-render CSRF tokens, and wraps EVERY answer in the noise layer
 * (request ids, CSP nonces, etags, timings, banners, shuffled lists, visitor counters, support
 * codes, a tracking cookie, rotating session cookies). See src/zoo/README.md.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Identity } from '../identity/identity.js';
import type { Json, JsonObject } from '../model/json.js';
import { hex, parseCookies, pick, readBody, shuffled } from './fixture-http.js';

/** Which side of the one flaw a fixture runs: `vulnerable` leaks through its channel, `fixed` does not. */
export type ZooMode = 'vulnerable' | 'fixed';

/** The bookfuzz oracle a fixture expects to catch its flaw. */
export type ZooOracle = 'indistinguishable' | 'no-canary-leak' | 'session-dies' | 'authorized';

/** A synthetic person's identity, as bookfuzz generates it (the spec seeds it as it is). */
export type ZooIdentity = Identity;

/** One patient of the world: id, identity and the spec's other fields (`doses`, `registered`, …). */
export interface ZooPatient extends JsonObject {
  id: string;
  identity: ZooIdentity & JsonObject;
}

/** A session the site keeps (cookie or bearer token), owned by one patient. */
export interface ZooSession {
  /** Stable id of the session (never sent: cookie ids rotate, tokens are separate). */
  id: string;
  patientId: string;
  kind: 'cookie' | 'token';
  /** Whatever the fixture wants to keep in the session. */
  data: Record<string, Json>;
}

/** A cookie to set: name, value and attributes as they go in Set-Cookie. */
export interface ZooCookie {
  name: string;
  value: string;
  path?: string;
  maxAge?: number;
  expires?: Date;
  sameSite?: 'Strict' | 'Lax' | 'None';
  httpOnly?: boolean;
  secure?: boolean;
}

interface ReplyBase {
  status: number;
  headers: Record<string, string>;
  cookies: ZooCookie[];
}

/** What a route answers. Build it with `page`, `json`, `redirect` or `text`; the framework adds the noise. */
export type ZooReply =
  | (ReplyBase & { kind: 'page'; title: string; html: string })
  | (ReplyBase & { kind: 'json'; value: JsonObject })
  | (ReplyBase & { kind: 'redirect'; location: string; html: string })
  | (ReplyBase & { kind: 'text'; text: string; contentType: string });

/** Status, extra headers and cookies of a reply (all optional). */
export interface ReplyOptions {
  status?: number;
  headers?: Record<string, string>;
  cookies?: ZooCookie[];
}

/** An HTML page: `html` is the page's main content, already escaped (use `escapeHtml`). Layout and noise are added. */
export function page(title: string, html: string, options: ReplyOptions = {}): ZooReply {
  return { kind: 'page', title, html, status: options.status ?? 200, headers: options.headers ?? {}, cookies: options.cookies ?? [] };
}

/** A JSON answer: `value` is an object; the noise keys (`requestId`, `generatedAt`, `tip`, `links`, `visit`) are added. */
export function json(value: JsonObject, options: ReplyOptions = {}): ZooReply {
  return { kind: 'json', value, status: options.status ?? 200, headers: options.headers ?? {}, cookies: options.cookies ?? [] };
}

/** A redirect (302 unless `status`), with an optional HTML `body` (default: a generic "Found" line). */
export function redirect(location: string, options: ReplyOptions & { body?: string } = {}): ZooReply {
  const html = options.body ?? `<p>Found. Redirecting to <a href="${escapeHtml(location)}">${escapeHtml(location)}</a></p>`;
  return { kind: 'redirect', location, html, status: options.status ?? 302, headers: options.headers ?? {}, cookies: options.cookies ?? [] };
}

/** A plain answer with no layout (still with the noise headers and cookies). */
export function text(body: string, options: ReplyOptions & { contentType?: string } = {}): ZooReply {
  return { kind: 'text', text: body, contentType: options.contentType ?? 'text/plain; charset=utf-8', status: options.status ?? 200, headers: options.headers ?? {}, cookies: options.cookies ?? [] };
}

/** Escape text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The world a route sees: the seeded patients and a fixture-owned state, both replaced by every seed. */
export interface ZooWorld {
  readonly patients: readonly ZooPatient[];
  /** The fixture's own mutable state (bookings, codes …), emptied by every seed. */
  readonly state: Map<string, Json>;
  byId(id: string): ZooPatient | undefined;
  /** The patient whose NHS number matches (spaces ignored). */
  byNhsNumber(nhsNumber: string): ZooPatient | undefined;
}

/** What a route handler gets. */
export interface ZooContext {
  readonly mode: ZooMode;
  /** `mode === 'vulnerable'`: the one switch a fixture's flaw reads. */
  readonly vulnerable: boolean;
  readonly method: string;
  readonly path: string;
  /** `:name` parts of the route's path. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Fields of a urlencoded form body (empty otherwise). */
  readonly form: Readonly<Record<string, string>>;
  /** A JSON body (undefined otherwise). */
  readonly body: Json | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly world: ZooWorld;
  /** The session this request carries (rotating cookie or `Authorization: Bearer`), if any is alive. */
  readonly session: ZooSession | undefined;
  /** The session's patient, if any. */
  readonly patient: ZooPatient | undefined;
  /**
   * Log a patient in. `cookie`: the answer sets the rotating session cookie; `token`: returns a
   * bearer token for the fixture to put in its answer. Ends the session the request carried.
   */
  logIn(patientId: string, kind: 'cookie' | 'token'): string;
  /** End the request's session (all its cookie ids or its token); the cookie is cleared in the answer. */
  logOut(): void;
  /** A fresh CSRF token for this client (a new one every render). */
  csrfToken(): string;
  /** `<input type="hidden" name="_csrf" value=…>` with a fresh token. */
  csrfInput(): string;
  /** Whether the request's `_csrf` field (form or JSON) or `x-csrf-token` header is one of the client's last 20 tokens. */
  csrfValid(): boolean;
}

/** One route: method, path (`/records/:id`), handler. */
export interface ZooRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** POST/PUT/PATCH/DELETE routes check CSRF before the handler (403 without a valid token) unless `csrf: false`. */
  csrf?: boolean;
  handle(context: ZooContext): ZooReply | Promise<ZooReply>;
}

/** A fixture of the leak zoo: a small site leaking through one channel in its vulnerable mode. */
export interface ZooFixture {
  /** Kebab-case, the fixture's file name. */
  name: string;
  /** The one channel it leaks through, in words. */
  channel: string;
  oracle: ZooOracle;
  /** The site and its bug, 1-3 sentences. */
  description: string;
  /** Absolute path of the fixture's flow spec (YAML). */
  spec: string;
  routes: readonly ZooRoute[];
}

/** A running fixture site. */
export interface ZooSite {
  url: string;
  /** Requests the site served so far (seeding included). */
  requests(): number;
  close(): Promise<void>;
}

const sessionCookie = 'zoo_session';
const clientCookie = 'zoo_client';
const visitCookie = 'zoo_visit';
/** How long a rotated-away session cookie id stays valid. */
const rotationGraceMs = 10_000;
const csrfWindow = 20;

const banners = [
  'Winter vaccinations are now open for everyone over 65.',
  'Our phone lines are busy on Monday mornings: please use the website.',
  'Planned maintenance on Sunday from 02:00 to 04:00.',
];
const news = ['New clinic opens in Harrogate', 'Flu season update', 'Changes to repeat prescriptions', 'Pharmacy hours over the holidays', 'How we use your data'];
const tips = ['Keep your NHS number to hand.', 'You can manage your details online.', 'Check your inbox for reminders.'];
const jsonLinks = ['/help', '/privacy', '/accessibility', '/contact'];





function serializeCookie(cookie: ZooCookie): string {
  const parts = [`${cookie.name}=${encodeURIComponent(cookie.value)}`];
  parts.push(`Path=${cookie.path ?? '/'}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.expires) parts.push(`Expires=${cookie.expires.toUTCString()}`);
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.secure) parts.push('Secure');
  return parts.join('; ');
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = got[i] ?? '';
    if (part.startsWith(':')) {
      if (value === '') return undefined;
      params[part.slice(1)] = decodeURIComponent(value);
    } else if (part !== value) return undefined;
  }
  return params;
}


function isPatient(value: unknown): value is ZooPatient {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record['id'] === 'string' && typeof record['identity'] === 'object' && record['identity'] !== null;
}

interface SessionEntry {
  session: ZooSession;
  /** Cookie id → expiry (ms since epoch; Infinity for the current id). */
  cookieIds: Map<string, number>;
  token?: string;
}

/** Everything the site keeps between requests. */
class SiteState {
  patients: ZooPatient[] = [];
  state = new Map<string, Json>();
  readonly sessions = new Map<string, SessionEntry>();
  readonly byCookieId = new Map<string, SessionEntry>();
  readonly byToken = new Map<string, SessionEntry>();
  readonly csrf = new Map<string, string[]>();
  visits = 0;
  served = 0;

  seed(patients: ZooPatient[]): void {
    this.patients = patients;
    this.state = new Map();
    this.sessions.clear();
    this.byCookieId.clear();
    this.byToken.clear();
  }

  world(): ZooWorld {
    const patients = this.patients;
    return {
      patients,
      state: this.state,
      byId: (id) => patients.find((p) => p.id === id),
      byNhsNumber: (nhs) => patients.find((p) => p.identity.nhsNumber.replace(/\s/g, '') === nhs.replace(/\s/g, '')),
    };
  }

  end(entry: SessionEntry): void {
    this.sessions.delete(entry.session.id);
    for (const id of entry.cookieIds.keys()) this.byCookieId.delete(id);
    if (entry.token) this.byToken.delete(entry.token);
  }

  sessionOf(req: IncomingMessage, cookies: Map<string, string>): { entry: SessionEntry; via: 'cookie' | 'token' } | undefined {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const entry = this.byToken.get(auth.slice(7).trim());
      if (entry) return { entry, via: 'token' };
    }
    const id = cookies.get(sessionCookie);
    if (id === undefined) return undefined;
    const entry = this.byCookieId.get(id);
    const expiry = entry?.cookieIds.get(id);
    if (!entry || expiry === undefined) return undefined;
    if (expiry < Date.now()) {
      entry.cookieIds.delete(id);
      this.byCookieId.delete(id);
      return undefined;
    }
    return { entry, via: 'cookie' };
  }

  /** A new cookie id for the session; the ones before it stay valid for the grace period. */
  rotate(entry: SessionEntry): string {
    const now = Date.now();
    for (const [id, expiry] of entry.cookieIds) {
      if (expiry === Infinity) entry.cookieIds.set(id, now + rotationGraceMs);
      else if (expiry < now) {
        entry.cookieIds.delete(id);
        this.byCookieId.delete(id);
      }
    }
    const id = hex(16);
    entry.cookieIds.set(id, Infinity);
    this.byCookieId.set(id, entry);
    return id;
  }
}

/**
 * Start a fixture's site on 127.0.0.1 (a free port) in the given mode.
 *
 * @example
 * const site = await startZooSite(cookieName, 'fixed');
 * const answer = await fetch(`${site.url}/`);
 * await site.close();
 */
export async function startZooSite(fixture: ZooFixture, mode: ZooMode): Promise<ZooSite> {
  const site = new SiteState();
  const server = createServer((req, res) => {
    site.served++;
    handle(fixture, mode, site, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`zoo fixture ${fixture.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => site.served,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(fixture: ZooFixture, mode: ZooMode, site: SiteState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://zoo.invalid');
  const method = req.method ?? 'GET';
  const raw = method === 'GET' || method === 'HEAD' ? '' : await readBody(req, 1_000_000);
  const contentType = req.headers['content-type'] ?? '';
  let body: Json | undefined;
  let form: Record<string, string> = {};
  if (contentType.includes('application/json') && raw !== '') {
    try {
      body = JSON.parse(raw) as Json;
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad JSON');
      return;
    }
  } else if (contentType.includes('application/x-www-form-urlencoded')) {
    form = Object.fromEntries(new URLSearchParams(raw));
  }

  if (method === 'POST' && url.pathname === '/__zoo/seed') {
    const patients = typeof body === 'object' && body !== null && !Array.isArray(body) ? body['patients'] : undefined;
    if (!Array.isArray(patients) || !patients.every(isPatient)) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'expected { "patients": [ { "id", "identity", … } ] }' }));
      return;
    }
    site.seed(patients);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ seeded: patients.length }));
    return;
  }

  const cookies = parseCookies(req.headers.cookie);
  const outCookies: ZooCookie[] = [];
  let clientId = cookies.get(clientCookie);
  if (clientId === undefined || !/^[0-9a-f]{24}$/.test(clientId)) {
    clientId = hex(12);
    outCookies.push({ name: clientCookie, value: clientId, httpOnly: true, sameSite: 'Lax' });
  }
  const client = clientId;
  let current = site.sessionOf(req, cookies);
  let ended = false;
  let loggedInByCookie = false;

  const context: ZooContext = {
    mode,
    vulnerable: mode === 'vulnerable',
    method,
    path: url.pathname,
    params: {},
    query: url.searchParams,
    form,
    body,
    headers: req.headers,
    world: site.world(),
    get session() {
      return current?.entry.session;
    },
    get patient() {
      const id = current?.entry.session.patientId;
      return id === undefined ? undefined : site.world().byId(id);
    },
    logIn(patientId, kind) {
      if (current) site.end(current.entry);
      const entry: SessionEntry = { session: { id: hex(8), patientId, kind, data: {} }, cookieIds: new Map() };
      site.sessions.set(entry.session.id, entry);
      ended = false;
      if (kind === 'token') {
        const token = hex(24);
        entry.token = token;
        site.byToken.set(token, entry);
        current = { entry, via: 'token' };
        return token;
      }
      current = { entry, via: 'cookie' };
      loggedInByCookie = true;
      return entry.session.id;
    },
    logOut() {
      if (current) site.end(current.entry);
      current = undefined;
      ended = true;
    },
    csrfToken() {
      const token = hex(16);
      const list = site.csrf.get(client) ?? [];
      list.push(token);
      if (list.length > csrfWindow) list.splice(0, list.length - csrfWindow);
      site.csrf.set(client, list);
      return token;
    },
    csrfInput() {
      return `<input type="hidden" name="_csrf" value="${context.csrfToken()}">`;
    },
    csrfValid() {
      const fromJson = typeof body === 'object' && body !== null && !Array.isArray(body) ? body['_csrf'] : undefined;
      const header = req.headers['x-csrf-token'];
      const token = form['_csrf'] ?? (typeof fromJson === 'string' ? fromJson : undefined) ?? (typeof header === 'string' ? header : undefined);
      return token !== undefined && (site.csrf.get(client) ?? []).includes(token);
    },
  };

  let reply: ZooReply | undefined;
  let methodSeen = false;
  for (const route of fixture.routes) {
    const params = matchPath(route.path, url.pathname);
    if (!params) continue;
    methodSeen = true;
    if (route.method !== method) continue;
    Object.assign(context.params as Record<string, string>, params);
    const needsCsrf = method !== 'GET' && route.csrf !== false;
    reply = needsCsrf && !context.csrfValid() ? page('Forbidden', '<h1>Forbidden</h1><p>Your form expired. Please go back and try again.</p>', { status: 403 }) : await route.handle(context);
    break;
  }
  reply ??= methodSeen ? page('Method not allowed', '<h1>Method not allowed</h1>', { status: 405 }) : page('Page not found', '<h1>Page not found</h1><p>Check the address and try again.</p>', { status: 404 });

  // Session cookie: set at a cookie log-in, rotated on every answer served as a cookie session,
  // cleared at log-out; never over a session cookie the fixture's reply sets itself (a log-out that
  // only clears the cookie in the browser).
  const replySetsSession = (reply.cookies ?? []).some((cookie) => cookie.name === sessionCookie);
  if (replySetsSession) {
    // The fixture's own session cookie stands.
  } else if (current?.entry.session.kind === 'cookie' && (current.via === 'cookie' || loggedInByCookie)) {
    outCookies.push({ name: sessionCookie, value: site.rotate(current.entry), httpOnly: true, sameSite: 'Lax' });
  } else if (ended && cookies.has(sessionCookie)) {
    outCookies.push({ name: sessionCookie, value: '', maxAge: 0, httpOnly: true, sameSite: 'Lax' });
  }
  outCookies.push({ name: visitCookie, value: hex(10), maxAge: 31_536_000, sameSite: 'Lax' });
  site.visits++;
  write(res, reply, outCookies, site.visits);
}

function write(res: ServerResponse, reply: ZooReply, cookies: ZooCookie[], visit: number): void {
  const requestId = `${hex(4)}-${hex(2)}-${hex(2)}-${hex(6)}`;
  const nonce = randomBytes(12).toString('base64');
  const headers: Record<string, string | string[]> = {
    'x-request-id': requestId,
    'content-security-policy': `default-src 'self'; script-src 'self' 'nonce-${nonce}'`,
    etag: `"${hex(8)}"`,
    'cache-control': 'no-store',
  };
  if (randomInt(2) === 0) headers['server-timing'] = `app;dur=${(Math.random() * 40 + 1).toFixed(1)}`;
  else headers['x-response-time'] = `${(Math.random() * 40 + 1).toFixed(1)}ms`;
  let body: string;
  if (reply.kind === 'json') {
    headers['content-type'] = 'application/json; charset=utf-8';
    body = JSON.stringify({ requestId, ...reply.value, generatedAt: new Date().toISOString(), tip: pick(tips), links: shuffled(jsonLinks), visit });
  } else if (reply.kind === 'text') {
    headers['content-type'] = reply.contentType;
    body = reply.text;
  } else {
    headers['content-type'] = 'text/html; charset=utf-8';
    if (reply.kind === 'redirect') headers['location'] = reply.location;
    body = layout(reply.kind === 'page' ? reply.title : 'Found', reply.html, { requestId, nonce, visit });
  }
  for (const [name, value] of Object.entries(reply.headers)) headers[name.toLowerCase()] = value;
  headers['set-cookie'] = [...reply.cookies, ...cookies].map(serializeCookie);
  res.writeHead(reply.status, headers);
  res.end(body);
}

function layout(title: string, main: string, noise: { requestId: string; nonce: string; visit: number }): string {
  const items = shuffled(news)
    .map((item) => `<li><a href="/news/${item.toLowerCase().replace(/[^a-z]+/g, '-')}">${item}</a></li>`)
    .join('');
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>`,
    `<meta name="request-id" content="${noise.requestId}">`,
    `<script nonce="${noise.nonce}">window.dataLayer = window.dataLayer || [];</script></head>`,
    '<body>',
    `<div class="banner">${pick(banners)}</div>`,
    `<main>${main}</main>`,
    `<aside><h2>Latest news</h2><ul class="news">${items}</ul></aside>`,
    '<footer>',
    `<p>Page generated at ${new Date().toISOString()}</p>`,
    `<p>Visitor number ${noise.visit}</p>`,
    `<p>Reference: ${noise.requestId}</p>`,
    `<p>Support code ${hex(6)}</p>`,
    '</footer></body></html>',
  ].join('\n');
}

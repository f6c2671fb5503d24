import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { layout, type SafeHtml } from './html.js';

/** Largest request body the site reads. */
const MAX_BODY_BYTES = 64 * 1024;

/** An error that becomes an HTTP answer (a page or a JSON error) instead of a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Body = Record<string, unknown>;

/** One request being served: parsed URL, cookies, lazily read body, and what the answer will set. */
export class HttpContext {
  readonly requestId = randomBytes(12).toString('hex');
  readonly now = new Date();
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly cookies: Record<string, string>;
  params: Record<string, string> = {};
  private readonly setCookies: string[] = [];
  private bodyPromise: Promise<Body> | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    const url = new URL(req.url ?? '/', 'http://staging.invalid');
    this.method = (req.method ?? 'GET').toUpperCase();
    this.path = url.pathname;
    this.query = url.searchParams;
    this.cookies = parseCookies(req.headers.cookie);
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  /** The bearer token of an `Authorization: Bearer …` header, if any. */
  bearer(): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(this.header('authorization') ?? '');
    return match?.[1];
  }

  /** The body as fields: a form (`application/x-www-form-urlencoded`) or a JSON object. */
  body(): Promise<Body> {
    this.bodyPromise ??= readBody(this.req);
    return this.bodyPromise;
  }

  /** Queues a `Set-Cookie` (HttpOnly, SameSite=Lax, Path=/); `maxAge` 0 deletes it. */
  setCookie(name: string, value: string, maxAge?: number): void {
    const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
    if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
    if (maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    this.setCookies.push(parts.join('; '));
  }

  private head(status: number, headers: Record<string, string>): void {
    this.res.statusCode = status;
    this.res.setHeader('x-request-id', this.requestId);
    this.res.setHeader('cache-control', 'no-store');
    this.res.setHeader('x-content-type-options', 'nosniff');
    this.res.setHeader('x-frame-options', 'DENY');
    if (this.setCookies.length > 0) this.res.setHeader('set-cookie', this.setCookies);
    for (const [name, value] of Object.entries(headers)) this.res.setHeader(name, value);
  }

  /** `303 See Other` to `location` (after every POST of the HTML site). */
  redirect(location: string): void {
    this.head(303, { location, 'content-type': 'text/plain; charset=utf-8' });
    this.res.end(`See ${location}\n`);
  }

  html(status: number, markup: SafeHtml): void {
    this.head(status, { 'content-type': 'text/html; charset=utf-8' });
    this.res.end(markup.value);
  }

  /** A whole page in the site layout. */
  page(status: number, title: string, main: SafeHtml, frame: { home?: string; service?: string } = {}): void {
    this.html(status, layout({ requestId: this.requestId, now: this.now, title, ...frame }, main));
  }

  /** JSON with a `meta` member carrying the request id and generation time (the volatile part). */
  json(status: number, body: Record<string, unknown>): void {
    this.head(status, { 'content-type': 'application/json; charset=utf-8' });
    this.res.end(JSON.stringify({ ...body, meta: { requestId: this.requestId, generatedAt: this.now.toISOString() } }));
  }

  /** JSON exactly as given (the seeding endpoint). */
  rawJson(status: number, body: unknown): void {
    this.head(status, { 'content-type': 'application/json; charset=utf-8' });
    this.res.end(JSON.stringify(body));
  }

  empty(status: number): void {
    this.head(status, {});
    this.res.end();
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    if (name === '' || name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(raw);
    } catch {
      cookies[name] = raw;
    }
  }
  return cookies;
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'The request body is too large.');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'The JSON body must be an object.');
    return parsed as Body;
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') return Object.fromEntries(new URLSearchParams(text));
  throw new HttpError(415, 'Send a form (application/x-www-form-urlencoded) or JSON.');
}

/** A body field as a trimmed string ('' when absent or not a string or number). */
export function field(body: Body, name: string): string {
  const value = body[name];
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

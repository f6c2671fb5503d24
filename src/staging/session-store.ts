import { randomBytes } from 'node:crypto';
import type { HttpContext } from './http-context.js';

/** A server-side session. The cookie carries `id` (random); `handle` is a sequential name for state dumps. */
export interface Session<D> {
  id: string;
  handle: string;
  /** CSRF token of this session (synchronizer token, checked on every POST). */
  csrf: string;
  /** Wall-clock ms of creation. */
  createdAt: number;
  /** Account id once logged in; undefined for an anonymous (pre-login) session. */
  user: string | undefined;
  data: D;
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** One model's sessions, keyed by a random id carried in an HttpOnly cookie (or a bearer token). */
export class SessionStore<D> {
  private readonly sessions = new Map<string, Session<D>>();
  private counter = 0;

  constructor(
    readonly cookieName: string,
    private readonly initial: () => D,
  ) {}

  /** The session named by the request's cookie, if the server still holds it. */
  fromCookie(ctx: HttpContext): Session<D> | undefined {
    const id = ctx.cookies[this.cookieName];
    return id === undefined ? undefined : this.sessions.get(id);
  }

  byId(id: string): Session<D> | undefined {
    return this.sessions.get(id);
  }

  /** The request's session, or a new anonymous one (its cookie is set on the answer). */
  ensure(ctx: HttpContext): Session<D> {
    return this.fromCookie(ctx) ?? this.create(ctx, undefined);
  }

  /** A new session with a fresh random id and CSRF token, set as the cookie (session ids rotate on log-in). */
  create(ctx: HttpContext, user: string | undefined): Session<D> {
    const session: Session<D> = {
      id: randomToken(),
      handle: `session-${++this.counter}`,
      csrf: randomToken(),
      createdAt: Date.now(),
      user,
      data: this.initial(),
    };
    this.sessions.set(session.id, session);
    ctx.setCookie(this.cookieName, session.id);
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** Tells the browser to forget the cookie (the server-side session is untouched). */
  clearCookie(ctx: HttpContext): void {
    ctx.setCookie(this.cookieName, '', 0);
  }

  all(): Session<D>[] {
    return [...this.sessions.values()];
  }

  clear(): void {
    this.sessions.clear();
    this.counter = 0;
  }

  /** What the state endpoint shows: handles and accounts, never the cookie values. */
  summary(): { handle: string; user: string | null; createdAt: string }[] {
    return this.all().map((s) => ({ handle: s.handle, user: s.user ?? null, createdAt: new Date(s.createdAt).toISOString() }));
  }
}

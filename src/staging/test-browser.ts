/**
 * A tiny browser for the staging site's tests: one cookie jar kept by hand, redirects followed
 * one hop at a time (each recorded), CSRF tokens read from forms. Test support only.
 */

export interface Page {
  status: number;
  /** Path and query of the final answer. */
  path: string;
  body: string;
  headers: Headers;
  /** Location of every redirect followed, in order. */
  redirects: string[];
}

export interface RequestOptions {
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
  /** Follow redirects (default true). */
  follow?: boolean;
}

export class TestBrowser {
  private jar = new Map<string, string>();

  constructor(readonly base: string) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  saveCookies(): string {
    return JSON.stringify([...this.jar]);
  }

  restoreCookies(saved: string): void {
    this.jar = new Map(JSON.parse(saved) as [string, string][]);
  }

  get(path: string, options: RequestOptions = {}): Promise<Page> {
    return this.request('GET', path, options);
  }

  post(path: string, form: Record<string, string>, options: RequestOptions = {}): Promise<Page> {
    return this.request('POST', path, { ...options, form });
  }

  /** Reads the CSRF token of the page at `path`, then posts `form` with it. */
  async submit(formPage: string, action: string, form: Record<string, string>, options: RequestOptions = {}): Promise<Page> {
    const page = await this.get(formPage);
    return this.post(action, { ...form, _csrf: csrfOf(page.body) }, options);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Page> {
    const redirects: string[] = [];
    let current = path;
    let currentMethod = method;
    let body: string | undefined;
    const headers: Record<string, string> = { ...options.headers };
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    for (let hop = 0; hop < 10; hop++) {
      const cookie = [...this.jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
      const init: RequestInit = { method: currentMethod, headers: { ...headers, ...(cookie ? { cookie } : {}) }, redirect: 'manual' };
      if (body !== undefined) init.body = body;
      const res = await fetch(new URL(current, this.base), init);
      for (const line of res.headers.getSetCookie()) this.store(line);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location && options.follow !== false) {
        redirects.push(location);
        current = location;
        currentMethod = 'GET';
        body = undefined;
        delete headers['content-type'];
        await res.arrayBuffer();
        continue;
      }
      if (location) redirects.push(location);
      const url = new URL(current, this.base);
      return { status: res.status, path: url.pathname + url.search, body: await res.text(), headers: res.headers, redirects };
    }
    throw new Error(`too many redirects from ${path}`);
  }

  private store(line: string): void {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = decodeURIComponent(pair.slice(eq + 1).trim());
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
    if (expired || value === '') this.jar.delete(name);
    else this.jar.set(name, value);
  }
}

/** The CSRF token of the first form in a page. */
export function csrfOf(body: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!match?.[1]) throw new Error('no CSRF token in the page');
  return match[1];
}

/** The request id of a page (its volatile nonce). */
export function requestIdOf(body: string): string | undefined {
  return /<meta name="request-id" content="([^"]+)">/.exec(body)?.[1];
}

/** Seeds a model's world through the seeding endpoint. */
export async function seed(base: string, token: string, model: string, world: unknown): Promise<void> {
  const res = await fetch(new URL('/__bookfuzz/seed', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bookfuzz-seed-token': token },
    body: JSON.stringify({ model, world }),
  });
  if (res.status !== 200) throw new Error(`seed ${model}: ${res.status} ${await res.text()}`);
}

/** Reads a model's server state back. */
export async function stateOf<T = Record<string, unknown>>(base: string, token: string, model: string): Promise<T> {
  const res = await fetch(new URL(`/__bookfuzz/state?model=${encodeURIComponent(model)}`, base), { headers: { 'x-bookfuzz-seed-token': token } });
  if (res.status !== 200) throw new Error(`state ${model}: ${res.status}`);
  return (await res.json()) as T;
}

/** Test sites for one model's tests: the fixed site, and one site per flaw with only that flaw on. */
export interface SiteSet {
  fixed: { url: string };
  flawed(flaw: string): { url: string };
  close(): Promise<void>;
}

export async function startSiteSet(
  start: (options: { flaws: string[]; seedToken: string }) => Promise<{ url: string; close(): Promise<void> }>,
  flaws: readonly string[],
  seedToken: string,
): Promise<SiteSet> {
  const fixed = await start({ flaws: [], seedToken });
  const flawed = new Map<string, { url: string; close(): Promise<void> }>();
  for (const flaw of flaws) flawed.set(flaw, await start({ flaws: [flaw], seedToken }));
  return {
    fixed,
    flawed(flaw) {
      const site = flawed.get(flaw);
      if (!site) throw new Error(`no test site with flaw ${flaw}`);
      return site;
    },
    async close() {
      await Promise.all([fixed, ...flawed.values()].map((s) => s.close()));
    },
  };
}

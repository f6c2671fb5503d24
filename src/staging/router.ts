import type { HttpContext } from './http-context.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
export type Handler = (ctx: HttpContext) => void | Promise<void>;

interface Route {
  method: Method;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/** Method + path routing; `:name` segments become `ctx.params.name`. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: Method, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  get(path: string, handler: Handler): this {
    return this.add('GET', path, handler);
  }

  post(path: string, handler: Handler): this {
    return this.add('POST', path, handler);
  }

  /** The handler for a request, with its path parameters; `allowed` lists methods of a path that matched otherwise. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | { allowed: Method[] } {
    const allowed: Method[] = [];
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        const raw = m[i + 1] ?? '';
        try {
          params[name] = decodeURIComponent(raw);
        } catch {
          params[name] = raw;
        }
      });
      return { handler: route.handler, params };
    }
    return { allowed };
  }
}

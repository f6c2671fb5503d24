import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { html } from './html.js';
import { HttpContext, HttpError } from './http-context.js';
import { householdBookingSite } from './household-booking-routes.js';
import type { ModelSite } from './model-site.js';
import { nhsCovidBookingSite } from './nhs-covid-booking-routes.js';
import { recordAccessSite } from './record-access-routes.js';
import { referralSmartcardSite } from './referral-smartcard-routes.js';
import { Router } from './router.js';
import { sealedEnvelopeSite } from './sealed-envelope-routes.js';
import { registerSeedRoutes, WORLD_HEADER } from './seed-routes.js';
import { resolveStagingFlaws } from './staging-flaws.js';

export interface StagingSiteOptions {
  /** Flaws to switch on (flat list; names are unique across models). Default: none (the fixed site). */
  flaws?: readonly string[];
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Enables `/__bookfuzz/seed`, `/__bookfuzz/state` and `/__bookfuzz/advance-clock` for requests carrying it. */
  seedToken?: string;
  /** CPU time (ms) of the secret-path lookups of the timing flaws (and of the fixed variants' lookup for everyone). Default 2. */
  timingWorkMs?: number;
  /** Parallel worlds kept at most (named by `x-bookfuzz-world`); the least recently used goes first. Default 64. */
  maxWorlds?: number;
}

/** What a parallel world may be called. */
const WORLD_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export interface StagingSite {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Routes of the whole site: the index page, every model, the seeding endpoints. */
function buildRouter(sites: readonly ModelSite[], seedToken: string | undefined): Router {
  const router = new Router();
  router.get('/', (ctx) => {
    const links = sites.map((s) => html`<li><a href="/${s.name}/">${s.title}</a> <code>/${s.name}/</code></li>`);
    ctx.page(200, 'bookfuzz reference staging site', html`<p>Synthetic data only. Services:</p><ul>${links}</ul>`);
  });
  for (const site of sites) site.register(router);
  registerSeedRoutes(router, new Map(sites.map((s) => [s.name, s])), seedToken);
  return router;
}

function wantsJson(path: string): boolean {
  return path.startsWith('/__bookfuzz/') || path.includes('/api/');
}

/** Answers an error: JSON under `/api/` and `/__bookfuzz/`, an HTML page elsewhere. Never a stack trace. */
function answerError(ctx: HttpContext, status: number, message: string): void {
  if (ctx.res.headersSent) {
    ctx.res.end();
    return;
  }
  const code = status === 404 ? 'not-found' : status === 403 ? 'forbidden' : status >= 500 ? 'server-error' : 'bad-request';
  if (wantsJson(ctx.path)) return ctx.json(status, { error: code, message });
  const title = status === 404 ? 'Page not found' : status === 403 ? 'You cannot do that' : status >= 500 ? 'Sorry, there is a problem with the service' : 'Something went wrong';
  ctx.page(status, title, html`<p>${message}</p><p><a href="/">Back to the start</a></p>`);
}

/**
 * Starts the reference staging site: a real HTTP server (127.0.0.1 only) implementing the five
 * flows with each flaw a switch. See `src/staging/README.md` for routes, fields and login rules.
 *
 * @example
 * const site = await startStagingSite({ flaws: ['idor-view'], seedToken: 't0k3n' });
 * await fetch(`${site.url}/household-booking/api/slots`);
 * await site.close();
 */
export async function startStagingSite(options: StagingSiteOptions = {}): Promise<StagingSite> {
  const flaws = resolveStagingFlaws(options.flaws ?? []);
  const timingOptions = options.timingWorkMs === undefined ? {} : { timingWorkMs: options.timingWorkMs };
  const newRouter = (): Router =>
    buildRouter(
      [
        nhsCovidBookingSite(flaws, timingOptions),
        householdBookingSite(flaws, timingOptions),
        referralSmartcardSite(flaws),
        recordAccessSite(flaws),
        sealedEnvelopeSite(flaws),
      ],
      options.seedToken,
    );
  const router = newRouter();
  // Parallel worlds: with a seed token, a request naming a world in `x-bookfuzz-world` is served
  // by a whole site of its own (worlds, sessions, audit, clocks), so that several lanes of one
  // fuzzing run can each seed and use their own worlds at the same time.
  const worlds = new Map<string, Router>();
  const maxWorlds = options.maxWorlds ?? 64;
  const routerFor = (name: string): Router => {
    let found = worlds.get(name);
    if (found) worlds.delete(name);
    else found = newRouter();
    worlds.set(name, found);
    for (const oldest of worlds.keys()) {
      if (worlds.size <= maxWorlds) break;
      worlds.delete(oldest);
    }
    return found;
  };

  const server: Server = createServer((req, res) => {
    const ctx = new HttpContext(req, res);
    const world = ctx.header(WORLD_HEADER);
    if (world !== undefined && (options.seedToken === undefined || options.seedToken === '')) {
      return answerError(ctx, 400, `This site was started without a seed token, so it keeps one world: ${WORLD_HEADER} is not accepted.`);
    }
    if (world !== undefined && !WORLD_NAME.test(world)) {
      return answerError(ctx, 400, `${WORLD_HEADER} must be 1 to 64 letters, digits, "-" or "_".`);
    }
    const found = (world === undefined ? router : routerFor(world)).match(ctx.method, ctx.path);
    if (!('handler' in found)) {
      if (found.allowed.length > 0) res.setHeader('allow', [...new Set(found.allowed)].join(', '));
      return answerError(ctx, found.allowed.length > 0 ? 405 : 404, found.allowed.length > 0 ? 'That method is not allowed here.' : 'There is no page at this address.');
    }
    ctx.params = found.params;
    Promise.resolve()
      .then(() => found.handler(ctx))
      .catch((error: unknown) => {
        if (error instanceof HttpError) return answerError(ctx, error.status, error.message);
        return answerError(ctx, 500, 'Try again later.');
      });
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

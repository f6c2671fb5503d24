import { csrfMatches } from './csrf.js';
import { field, type HttpContext } from './http-context.js';
import type { ModelSite } from './model-site.js';
import type { Router } from './router.js';

export const SEED_TOKEN_HEADER = 'x-bookfuzz-seed-token';
/** Names one of the site's parallel worlds (`start-staging-site.ts`); echoed as `world` by the seeding endpoint. */
export const WORLD_HEADER = 'x-bookfuzz-world';

/**
 * The test-only endpoints under `/__bookfuzz/`: seed a model's world, read its state back, move
 * its clock on. They exist only when the site was started with a seed token (else 404), and
 * answer 403 unless the request carries that token in `x-bookfuzz-seed-token`.
 */
export function registerSeedRoutes(router: Router, sites: ReadonlyMap<string, ModelSite>, seedToken: string | undefined): void {
  /** True when the request may use the endpoints; otherwise answers 404 (no token configured) or 403. */
  const allowed = (ctx: HttpContext): boolean => {
    if (seedToken === undefined || seedToken === '') {
      ctx.rawJson(404, { error: 'not-found' });
      return false;
    }
    if (!csrfMatches(seedToken, ctx.header(SEED_TOKEN_HEADER) ?? '')) {
      ctx.rawJson(403, { error: 'forbidden', message: `missing or wrong ${SEED_TOKEN_HEADER}` });
      return false;
    }
    return true;
  };
  const siteNamed = (ctx: HttpContext, name: string): ModelSite | undefined => {
    const site = sites.get(name);
    if (!site) ctx.rawJson(400, { error: 'unknown-model', message: `no model "${name}"`, models: [...sites.keys()] });
    return site;
  };

  router.post('/__bookfuzz/seed', async (ctx) => {
    if (!allowed(ctx)) return;
    const body = await ctx.body();
    const site = siteNamed(ctx, field(body, 'model'));
    if (!site) return;
    const problem = site.seed(body['world']);
    if (problem) return ctx.rawJson(400, { error: 'invalid-world', message: problem });
    const world = ctx.header(WORLD_HEADER);
    ctx.rawJson(200, { seeded: site.name, ...(world !== undefined ? { world } : {}) });
  });

  router.get('/__bookfuzz/state', (ctx) => {
    if (!allowed(ctx)) return;
    const site = siteNamed(ctx, ctx.query.get('model') ?? '');
    if (site) ctx.rawJson(200, { model: site.name, ...site.state() });
  });

  router.post('/__bookfuzz/advance-clock', async (ctx) => {
    if (!allowed(ctx)) return;
    const body = await ctx.body();
    const site = siteNamed(ctx, field(body, 'model'));
    if (!site) return;
    const minutes = body['minutes'];
    if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 0) {
      return ctx.rawJson(400, { error: 'invalid-minutes', message: 'minutes must be a non-negative integer' });
    }
    if (!site.advanceClock(minutes)) return ctx.rawJson(400, { error: 'no-clock', message: `${site.name} has no clock` });
    ctx.rawJson(200, { model: site.name, ...site.state() });
  });
}

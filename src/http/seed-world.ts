import { BookfuzzError } from '../errors.js';
import type { Json } from '../model/json.js';
import type { LiveSite } from './types.js';

/** The actor name of the client that seeds worlds and reads state: never one of a model's actors. */
export const seedingActor = '__setup';

/**
 * Put a world on a site through the bookfuzz seeding convention: `POST /__bookfuzz/seed` with
 * `{ model, world }` (the token goes in `x-bookfuzz-seed-token`), answered by `200` and a JSON
 * body `{ "seeded": ... }`. Anything else is an error that says what to do: no endpoint or a
 * wrong token (BF_USAGE: give --seed-token), a world the site refuses (BF_MODEL_INVALID), or an
 * answer that is not the convention's (BF_TRANSPORT: this is not the site you think it is).
 * A site handle working in a parallel world (`site.world`, sent as `x-bookfuzz-world`) needs
 * the site to echo that world as `"world"` in its answer: a site with one world would let
 * parallel lanes overwrite each other's worlds (BF_USAGE).
 *
 * @example
 * async setup(world, site) { await seedWorld(site, 'nhs-covid-booking', world); }
 */
export async function seedWorld(site: LiveSite, model: string, world: object): Promise<void> {
  const where = 'POST /__bookfuzz/seed';
  // The client writes the body with JSON.stringify, which drops what JSON cannot hold exactly as
  // a copy through JSON text would: the world goes as it is, serialized once.
  const answer = await site.actor(seedingActor).request({ method: 'POST', path: '/__bookfuzz/seed', json: { model, world: world as Json } });
  if (answer.status === 403 || answer.status === 404) {
    throw new BookfuzzError(
      'BF_USAGE',
      `the site has no seeding endpoint or refused the seed token (${answer.status}); ${model} puts its worlds on the site through /__bookfuzz/seed: give --seed-token`,
      { where },
    );
  }
  if (answer.status === 400) throw new BookfuzzError('BF_MODEL_INVALID', `the site refused the world: ${answer.body.slice(0, 300)}`, { where });
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    body = undefined;
  }
  if (answer.status !== 200 || typeof body !== 'object' || body === null || !('seeded' in body)) {
    throw new BookfuzzError('BF_TRANSPORT', `the seeding endpoint answered ${answer.status} without {"seeded": ...}: is this a bookfuzz staging site?`, { where });
  }
  if (site.world !== undefined && (!('world' in body) || body.world !== site.world)) {
    throw new BookfuzzError(
      'BF_USAGE',
      `the site keeps one world (it did not answer the seed with "world": "${site.world}"), so parallel lanes and twin sides would overwrite each other's worlds: run with --workers 1 and without --parallel-worlds, or use a site that supports x-bookfuzz-world`,
      { where },
    );
  }
}

import { BookfuzzError } from '../errors.js';
import type { JsonObject } from './json.js';
import type { Model, ModelSpec } from './model.js';

const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declare a model. Checks that the parts fit together (actions name known actors, variants
 * name known flaws, secrets are hidden from known actors) and fills in defaults: variants
 * `vulnerable` (every flaw) and `fixed` (none), at most 8 steps.
 *
 * @example
 * export const model = defineModel({
 *   name: 'my-flow', title: 'My flow', description: '...',
 *   actors: { visitor: { description: 'a member of the public' } },
 *   actions: { 'open-service': { description: 'open the start page', actors: ['visitor'] } },
 *   flaws: {}, world: fc.record({ patients: fc.constant([]) }), secrets: {},
 *   canaries: () => [], policy: {}, simulator: (world) => ({ step: () => ({ observation: {}, outcome: 'ok' }), world: () => world }),
 * });
 */
export function defineModel<W extends object>(spec: ModelSpec<W>): Model<W> {
  const where = `model ${typeof spec.name === 'string' ? spec.name : '(unnamed)'}`;
  const fail = (message: string): never => {
    throw new BookfuzzError('BF_MODEL_INVALID', message, { where });
  };
  if (typeof spec.name !== 'string' || !kebab.test(spec.name)) fail(`name must be kebab-case, got ${JSON.stringify(spec.name)}`);
  for (const key of ['title', 'description'] as const) {
    if (typeof spec[key] !== 'string' || spec[key].length === 0) fail(`"${key}" must be a non-empty string`);
  }
  if (!spec.actors || Object.keys(spec.actors).length === 0) fail('declares no actors');
  if (!spec.actions || Object.keys(spec.actions).length === 0) fail('declares no actions');
  for (const fn of ['canaries', 'simulator'] as const) {
    if (typeof spec[fn] !== 'function') fail(`"${fn}" must be a function`);
  }
  if (!spec.world || typeof spec.world.generate !== 'function') fail('"world" must be a fast-check arbitrary');
  const actors = new Set(Object.keys(spec.actors));
  for (const [id, action] of Object.entries(spec.actions)) {
    if (!kebab.test(id)) fail(`action id "${id}" must be kebab-case`);
    if (!Array.isArray(action.actors) || action.actors.length === 0) fail(`action "${id}" names no actors`);
    for (const actor of action.actors) {
      if (!actors.has(actor)) fail(`action "${id}" names unknown actor "${actor}" (actors: ${[...actors].join(', ')})`);
    }
  }
  for (const [id, secret] of Object.entries(spec.secrets ?? {})) {
    for (const actor of secret.hiddenFrom) {
      if (!actors.has(actor)) fail(`secret "${id}" is hidden from unknown actor "${actor}"`);
    }
    if (typeof secret.apply !== 'function' || typeof secret.erase !== 'function') {
      fail(`secret "${id}" needs apply(world, variation) and erase(world)`);
    }
  }
  for (const [id, flaw] of Object.entries(spec.flaws ?? {})) {
    if (!kebab.test(id)) fail(`flaw id "${id}" must be kebab-case`);
    if (!Array.isArray(flaw.oracles) || flaw.oracles.length === 0) fail(`flaw "${id}" names no oracle expected to find it`);
  }
  const allFlaws = Object.keys(spec.flaws ?? {});
  const variants: Record<string, readonly string[]> = { vulnerable: allFlaws, fixed: [], ...(spec.variants ?? {}) };
  for (const [variant, flaws] of Object.entries(variants)) {
    for (const flaw of flaws) {
      if (!allFlaws.includes(flaw)) fail(`variant "${variant}" names unknown flaw "${flaw}"`);
    }
  }
  const maxSteps = spec.maxSteps ?? 8;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) fail('"maxSteps" must be a positive integer');
  return { ...spec, flaws: spec.flaws ?? {}, secrets: spec.secrets ?? {}, variants, maxSteps };
}

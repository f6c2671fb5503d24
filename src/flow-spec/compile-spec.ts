import * as fc from 'fast-check';
import { defineModel } from '../model/define-model.js';
import type { Json, JsonObject } from '../model/json.js';
import type { ActionSpec, ActorSpec, Model, Step } from '../model/model.js';
import { journeySteps } from '../world/journey-steps.js';
import { specBinding } from './spec-binding.js';
import type { SpecContext } from './spec-context.js';
import { specPolicy } from './spec-policy.js';
import { specSimulator } from './spec-simulator.js';
import { specCanaries, specSecrets, worldArbitrary, type SpecWorld } from './spec-world.js';

/** Actions that may be generated: irreversible ones only when allowed. */
function generatedActions(context: SpecContext): string[] {
  return Object.entries(context.spec.actions)
    .filter(([, action]) => context.allowIrreversible || !action.irreversible)
    .map(([name]) => name);
}

/**
 * A validated spec as a bookfuzz model: world, secrets, canaries, policy, the screens (or a
 * world-keeping) simulator, a step generator (journeys + random single steps, irreversible
 * actions left out unless allowed) and the HTTP binding. The result goes through `defineModel`
 * like any TypeScript model.
 */
export function compileSpec(context: SpecContext): Model<SpecWorld> {
  const { spec } = context;
  const allowed = new Set(generatedActions(context));
  const actors: Record<string, ActorSpec> = {};
  for (const [name, actor] of Object.entries(spec.actors)) actors[name] = { description: actor.description || name };
  const actions: Record<string, ActionSpec> = {};
  for (const [name, action] of Object.entries(spec.actions)) {
    const inputs: Record<string, fc.Arbitrary<Json>> = {};
    if (action.target === 'patient') inputs['patient'] = fc.nat({ max: 7 });
    for (const [key, gen] of Object.entries(action.input)) {
      inputs[key] = 'oneOf' in gen ? fc.constantFrom(...(gen.oneOf as Json[])) : fc.integer({ min: gen.integer[0], max: gen.integer[1] });
    }
    const spec: ActionSpec = { description: action.description || name, actors: action.actors, mutates: action.mutates, ...(action.irreversible ? { irreversible: true } : {}) };
    if (Object.keys(inputs).length > 0) spec.input = fc.record(inputs) as fc.Arbitrary<JsonObject>;
    actions[name] = spec;
  }
  const generated = Object.fromEntries(Object.entries(actions).filter(([name]) => allowed.has(name)));
  // A journey stops just before its first irreversible step when those are not allowed.
  const journeys: Record<string, string[]> = {};
  for (const [actor, journey] of Object.entries(spec.journeys ?? {})) {
    const cut = journey.findIndex((a) => !allowed.has(a));
    const kept = cut < 0 ? journey : journey.slice(0, cut);
    if (kept.length > 0) journeys[actor] = kept;
  }
  let steps: fc.Arbitrary<Step[]>;
  if (Object.keys(generated).length === 0) steps = fc.constant([]);
  else steps = journeySteps(generated, journeys, { maxSteps: spec.maxSteps });

  const model = defineModel<SpecWorld>({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    actors,
    actions,
    flaws: spec.flaws,
    ...(spec.variants ? { variants: spec.variants } : {}),
    world: worldArbitrary(spec, context.pool),
    secrets: specSecrets(spec, context.pool),
    canaries: (world) => specCanaries(spec, world).map(({ value, owner, field }) => ({ value, owner, field })),
    policy: specPolicy(context),
    simulator: specSimulator(context),
    maxSteps: spec.maxSteps,
    steps,
    http: specBinding(context),
    shows: {
      recordViews: Object.values(spec.actions).some((action) => action.recordView !== undefined),
      endedSessions: Object.values(spec.actions).some((action) => action.ends !== undefined && action.ends.length > 0),
    },
    ...(spec.screens ? {} : { liveOnly: `model mode needs screens (or use fuzz): ${context.source.file} has no screens` }),
  });
  return model;
}

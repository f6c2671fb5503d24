import * as fc from 'fast-check';
import type { Json, JsonObject } from '../model/json.js';
import type { Model, Step } from '../model/model.js';
import { firstDifference } from '../observe/first-difference.js';

/**
 * One generated case: a world, an independent variation of one of its secrets, and a step list.
 * The twin is `secret.apply(world, variation)`; because world and variation are drawn apart,
 * each shrinks on its own and the twins stay twins while shrinking.
 */
export interface TwinCase<W extends object = object> {
  world: W;
  secret: string;
  variation: Json;
  steps: Step[];
}

/**
 * Arbitrary of twin cases for a model. The twins of every case differ in the varied secret: a
 * variation that sets the value the world already has (doses 0 → 0) is drawn again, never run,
 * and shrinking keeps to cases whose twins differ. A model without secrets varies nothing (its
 * twins are equal, and only oracles that judge one world at a time apply).
 */
export function twinCaseArbitrary<W extends object>(model: Model<W>): fc.Arbitrary<TwinCase<W>> {
  const secretNames = Object.keys(model.secrets);
  const variation: fc.Arbitrary<{ secret: string; variation: Json }> =
    secretNames.length === 0
      ? fc.constant({ secret: '', variation: null })
      : fc.oneof(
          ...secretNames.map((name) =>
            (model.secrets[name]?.variation ?? fc.constant(null)).map((v) => ({ secret: name, variation: v })),
          ),
        );
  return fc
    .record({ world: model.world, choice: variation, steps: model.steps ?? defaultSteps(model) })
    .map(({ world, choice, steps }) => ({ world, secret: choice.secret, variation: choice.variation, steps }))
    .filter((kase) => twinsDiffer(model, kase));
}

/**
 * Whether the case's twin worlds differ (always true for a model without secrets, whose twins
 * are equal by design). A case whose variation changes nothing would compare a world with itself:
 * any noise would then pass for the secret's effect.
 */
export function twinsDiffer<W extends object>(model: Model<W>, kase: TwinCase<W>): boolean {
  if (kase.secret === '' || model.secrets[kase.secret] === undefined) return true;
  return firstDifference(kase.world as unknown as Json, twinOf(model, kase) as unknown as Json) !== null;
}

/** Any action, by any actor it names, in any order, one to `maxSteps` steps. */
export function defaultSteps(model: Model): fc.Arbitrary<Step[]> {
  const options: fc.Arbitrary<Step>[] = [];
  for (const [action, spec] of Object.entries(model.actions)) {
    for (const actor of spec.actors) {
      const input: fc.Arbitrary<JsonObject> = spec.input ?? fc.constant({});
      options.push(input.map((value) => ({ actor, action, input: value })));
    }
  }
  return fc.array(fc.oneof(...options), { minLength: 1, maxLength: model.maxSteps, size: 'max' });
}

/** The twin world of a case. */
export function twinOf<W extends object>(model: Model<W>, kase: TwinCase<W>): W {
  const secret = model.secrets[kase.secret];
  return secret ? secret.apply(kase.world, kase.variation) : kase.world;
}

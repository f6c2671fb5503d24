import type { JsonObject } from '../model/json.js';
import type { Step } from '../model/model.js';
import { evaluate, parseExpression, truthy, type Expr } from './expression.js';
import type { FlowSpec } from './spec-schema.js';
import type { SpecSource } from './spec-source.js';
import { patientAt, patientView, type PoolRow, type SpecPatient, type SpecWorld } from './spec-world.js';
import { renderStrings } from './template.js';

/** A validated spec and what compiling it needs: where each part is, the pool, the options. */
export interface SpecContext {
  spec: FlowSpec;
  source: SpecSource;
  pool: PoolRow[] | undefined;
  allowIrreversible: boolean;
  /** A condition, parsed once. */
  condition(text: string): Expr;
  holds(text: string | undefined, scope: unknown): boolean;
}

export function specContext(spec: FlowSpec, source: SpecSource, pool: PoolRow[] | undefined, allowIrreversible: boolean): SpecContext {
  const cache = new Map<string, Expr>();
  const condition = (text: string) => {
    let expr = cache.get(text);
    if (!expr) {
      expr = parseExpression(text);
      cache.set(text, expr);
    }
    return expr;
  };
  return {
    spec,
    source,
    pool,
    allowIrreversible,
    condition,
    holds: (text, scope) => text === undefined || truthy(evaluate(condition(text), scope)),
  };
}

/** The patient an actor is (`is:` in the spec), if any. */
export function selfOf(context: SpecContext, actor: string, world: SpecWorld): SpecPatient | undefined {
  const index = context.spec.actors[actor]?.is;
  return index === undefined ? undefined : patientAt(world, index);
}

/** The actor as templates and conditions see it: `name`, `roles` and its `with` values. */
export function actorView(context: SpecContext, actor: string, world: SpecWorld, extract: JsonObject = {}): JsonObject {
  const spec = context.spec.actors[actor];
  const self = patientView(selfOf(context, actor, world));
  const base: JsonObject = { name: actor, roles: [...(spec?.roles ?? [])] };
  const values = renderStrings(spec?.with ?? {}, { scope: { actor: base, self, world, extract } });
  return { ...base, ...values };
}

/** The scope of a step's templates and conditions (before extracts are added). */
export function stepScope(context: SpecContext, step: Step, world: SpecWorld, victim: SpecPatient | undefined): Record<string, unknown> {
  return {
    actor: actorView(context, step.actor, world),
    self: patientView(selfOf(context, step.actor, world)),
    victim: patientView(victim),
    input: step.input,
    world,
  };
}

import { expressionPaths, parseExpression } from '../flow-spec/expression.js';
import type { FlowSpec } from '../flow-spec/spec-schema.js';
import { decide, type Decided } from './decide.js';

/** Actors some action lists (those that ever act), in the order `actors` declares them. */
export function actingActors(spec: FlowSpec): string[] {
  const acting = new Set(Object.values(spec.actions).flatMap((action) => action.actors));
  return Object.keys(spec.actors).filter((actor) => acting.has(actor));
}

/** A condition decided for one actor alone (its name and roles), whatever the world, victim and inputs. */
export function decideForActor(spec: FlowSpec, condition: string, actor: string): Decided {
  const roles = spec.actors[actor]?.roles ?? [];
  return decide(parseExpression(condition), { actor: { name: actor, roles } }, { actor: ['name', 'roles'] });
}

/** Roots whose fields are a patient's (where a secret field is read). */
const patientRoots = new Set(['victim', 'self', 'owner']);

/** The secret fields a condition (or `shows` path) reads: `victim.doses` reads `doses`. */
export function secretFieldsRead(condition: string | undefined, secretFields: ReadonlySet<string>): string[] {
  if (condition === undefined) return [];
  return expressionPaths(parseExpression(condition))
    .filter(([root, field]) => root !== undefined && patientRoots.has(root) && field !== undefined && secretFields.has(field))
    .map(([, field]) => field ?? '');
}

/** Every screen a spec's `screens` names: the start, each `to` and each `from`. */
export function screenNames(spec: FlowSpec): string[] {
  const screens = spec.screens;
  if (!screens) return [];
  const names = new Set<string>([screens.start]);
  for (const t of screens.transitions) {
    for (const from of fromList(t.from)) names.add(from);
    names.add(t.to);
  }
  return [...names];
}

/** A transition's `from` as a list (none: from any screen). */
export function fromList(from: string | string[] | undefined): string[] {
  return from === undefined ? [] : Array.isArray(from) ? from : [from];
}

/** Actions whose steps may show a secret: with screens, a transition's condition or `shows` reads its field; without, the step names a patient. */
export function secretDependentActions(spec: FlowSpec, secretField: string): Set<string> {
  const fields = new Set([secretField]);
  const out = new Set<string>();
  if (spec.screens) {
    for (const t of spec.screens.transitions) {
      const reads = [...secretFieldsRead(t.if, fields), ...Object.values(t.shows ?? {}).flatMap((path) => secretFieldsRead(path, fields))];
      if (reads.length > 0) out.add(t.action);
    }
    return out;
  }
  for (const [name, action] of Object.entries(spec.actions)) if (action.target === 'patient') out.add(name);
  return out;
}

import { type Expr, readPath } from '../flow-spec/expression.js';
import { partialTruth } from '../flow-spec/partial-truth.js';

/** A condition's value when only part of its scope is known: true, false, or unknown. */
export type Decided = boolean | 'unknown';

/**
 * Decide a spec condition from what is known without a world: `known` holds the roots (or
 * fields of roots) that are fixed — `{ actor: { name: 'visitor', roles: [] } }` — and `fields`
 * says, per root, which of its fields are known (others read as unknown). `and`/`or` follow
 * three-valued logic, so `actor.name == 'x' and victim.doses > 1` is false for actor y whatever
 * the victim.
 *
 * @example
 * decide(parseExpression("actor.name == 'patient'"), { actor: { name: 'visitor' } }, { actor: ['name'] }) // → false
 */
export function decide(expr: Expr, known: Record<string, unknown>, fields: Record<string, readonly string[]>): Decided {
  // As dotted paths: a root with fields listed is known in those fields only, else as a whole.
  const paths: Record<string, unknown> = {};
  for (const [root, value] of Object.entries(known)) {
    const listed = fields[root];
    if (listed === undefined) paths[root] = value;
    else for (const field of listed) paths[`${root}.${field}`] = readPath(value, [field]);
  }
  return partialTruth(expr, paths);
}

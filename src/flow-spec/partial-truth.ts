import { evaluate, readPath, truthy, type Expr } from './expression.js';

/** What a condition is when only some of its paths are known: true, false, or it depends on the rest. */
export type Truth = true | false | 'unknown';

/**
 * Evaluate a spec condition knowing only the paths `known` gives (`screen`, `actor.name`; a path
 * under a known one is read from it: `actor` known gives `actor.roles` too); every other path is
 * unknown, and so is anything that reads one (Kleene logic: `false and x` is false, `true or x`
 * true). A diagram uses it to leave out the screens and actors a guard always refuses, and
 * transitions that an earlier one always takes first; the lint, to tell a rule that never applies.
 *
 * @example
 * partialTruth(parseExpression("screen != 'none' and victim.doses == 1"), { screen: 'none' }) // → false
 */
export function partialTruth(expr: Expr, known: Readonly<Record<string, unknown>>): Truth {
  const value = partialValue(expr, known);
  return value === UNKNOWN ? 'unknown' : truthy(value);
}

const UNKNOWN = Symbol('unknown');
type Partial = unknown;

function partialValue(expr: Expr, known: Readonly<Record<string, unknown>>): Partial {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path': {
      // The longest known path the condition's path starts with, then the rest read from its value.
      for (let length = expr.path.length; length > 0; length--) {
        const key = expr.path.slice(0, length).join('.');
        if (key in known) return length === expr.path.length ? known[key] : readPath(known[key], expr.path.slice(length));
      }
      return UNKNOWN;
    }
    case 'list': {
      const items = expr.items.map((item) => partialValue(item, known));
      return items.includes(UNKNOWN) ? UNKNOWN : items;
    }
    case 'not': {
      const inner = partialValue(expr.operand, known);
      return inner === UNKNOWN ? UNKNOWN : !truthy(inner);
    }
    case 'binary': {
      const left = partialValue(expr.left, known);
      const right = partialValue(expr.right, known);
      if (expr.op === 'and') {
        if ((left !== UNKNOWN && !truthy(left)) || (right !== UNKNOWN && !truthy(right))) return false;
        return left === UNKNOWN || right === UNKNOWN ? UNKNOWN : true;
      }
      if (expr.op === 'or') {
        if ((left !== UNKNOWN && truthy(left)) || (right !== UNKNOWN && truthy(right))) return true;
        return left === UNKNOWN || right === UNKNOWN ? UNKNOWN : false;
      }
      if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
      return evaluate({ kind: 'binary', op: expr.op, left: { kind: 'literal', value: left }, right: { kind: 'literal', value: right } }, {});
    }
  }
}

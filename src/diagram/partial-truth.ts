import { evaluate, truthy, type Expr } from '../flow-spec/expression.js';

/** What a condition is when only some of its paths are known: true, false, or it depends on the rest. */
export type Truth = true | false | 'unknown';

/**
 * Evaluate a spec condition knowing only the paths `known` gives (`screen`, `actor.name`); every
 * other path is unknown, and so is anything that reads one (Kleene logic: `false and x` is false,
 * `true or x` true). A diagram uses it to leave out the screens and actors a guard always refuses,
 * and transitions that an earlier one always takes first.
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
      const key = expr.path.join('.');
      return key in known ? known[key] : UNKNOWN;
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

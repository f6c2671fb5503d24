import { readPath, type Expr } from '../flow-spec/expression.js';

/** A condition's value when only part of its scope is known: true, false, or unknown. */
export type Decided = boolean | 'unknown';

type Value = { known: true; value: unknown } | { known: false };

const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const truthy = (value: unknown): boolean => value !== null && value !== undefined && value !== false && value !== 0 && value !== '';

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
  const value = valueOf(expr, known, fields);
  return value.known ? truthy(value.value) : 'unknown';
}

function valueOf(expr: Expr, known: Record<string, unknown>, fields: Record<string, readonly string[]>): Value {
  switch (expr.kind) {
    case 'literal':
      return { known: true, value: expr.value };
    case 'path': {
      const [root, field] = expr.path;
      if (root === undefined || !(root in known)) return { known: false };
      const knownFields = fields[root];
      if (knownFields !== undefined && (field === undefined || !knownFields.includes(field))) return { known: false };
      return { known: true, value: readPath(known, expr.path) };
    }
    case 'list': {
      const items = expr.items.map((item) => valueOf(item, known, fields));
      return items.every((item) => item.known) ? { known: true, value: items.map((item) => (item.known ? item.value : null)) } : { known: false };
    }
    case 'not': {
      const operand = decide(expr.operand, known, fields);
      return operand === 'unknown' ? { known: false } : { known: true, value: !operand };
    }
    case 'binary': {
      if (expr.op === 'and' || expr.op === 'or') {
        const left = decide(expr.left, known, fields);
        const right = decide(expr.right, known, fields);
        const decisive = expr.op === 'and' ? false : true;
        if (left === decisive || right === decisive) return { known: true, value: decisive };
        if (left === 'unknown' || right === 'unknown') return { known: false };
        return { known: true, value: !decisive };
      }
      const left = valueOf(expr.left, known, fields);
      const right = valueOf(expr.right, known, fields);
      if (!left.known || !right.known) return { known: false };
      return { known: true, value: compared(expr.op, left.value, right.value) };
    }
  }
}

function compared(op: string, left: unknown, right: unknown): boolean {
  switch (op) {
    case '==':
      return equal(left, right);
    case '!=':
      return !equal(left, right);
    case 'in':
      return Array.isArray(right) && right.some((r) => equal(left, r));
    case 'contains':
      return Array.isArray(left) ? left.some((l) => equal(l, right)) : typeof left === 'string' && typeof right === 'string' && left.includes(right);
    default: {
      const c = typeof left === 'number' && typeof right === 'number' ? left - right : typeof left === 'string' && typeof right === 'string' ? (left < right ? -1 : left > right ? 1 : 0) : null;
      if (c === null) return false;
      return op === '>=' ? c >= 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c < 0;
    }
  }
}

/**
 * The small condition language of flow specs: `victim.doses >= 1`, `actor == 'patient'`,
 * `canary.field in ['nhsNumber', 'familyName']`, `item.redacted == false and item.date >= owner.accessGrantedOn`,
 * `roles contains 'vaccinator'`, `not session.verified`. Values are numbers, quoted strings,
 * `true`/`false`/`null`, lists `[…]` and dotted paths into the scope. Comparisons of two
 * strings are lexical (ISO dates compare as dates). A missing path is `null`.
 */

export type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'path'; path: string[] }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'not'; operand: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr };

type BinaryOp = 'and' | 'or' | '==' | '!=' | '>=' | '<=' | '>' | '<' | 'in' | 'contains';

export class ExpressionError extends Error {}

const tokenPattern = /\s*(?:(\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(==|!=|>=|<=|>|<|\[|\]|,|\(|\))|([A-Za-z_][\w-]*(?:\.[\w-]+)*))/y;

type Token = { type: 'number'; value: number } | { type: 'string'; value: string } | { type: 'op'; value: string } | { type: 'word'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  tokenPattern.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    tokenPattern.lastIndex = at;
    const m = tokenPattern.exec(text);
    if (!m) throw new ExpressionError(`cannot read "${text.slice(at).trim()}" in condition "${text}"`);
    at = tokenPattern.lastIndex;
    if (m[1] !== undefined) tokens.push({ type: 'number', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ type: 'string', value: m[2].replace(/\\(.)/g, '$1') });
    else if (m[3] !== undefined) tokens.push({ type: 'string', value: m[3].replace(/\\(.)/g, '$1') });
    else if (m[4] !== undefined) tokens.push({ type: 'op', value: m[4] });
    else if (m[5] !== undefined) tokens.push({ type: 'word', value: m[5] });
  }
  return tokens;
}

/** Parse a condition; throws `ExpressionError` with a readable message. */
export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isWord = (w: string) => peek()?.type === 'word' && peek()?.value === w;
  const isOp = (o: string) => peek()?.type === 'op' && peek()?.value === o;
  const expect = (o: string) => {
    if (!isOp(o)) throw new ExpressionError(`expected "${o}" in condition "${text}"`);
    i++;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (isWord('or')) {
      i++;
      left = { kind: 'binary', op: 'or', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): Expr => {
    let left = notExpr();
    while (isWord('and')) {
      i++;
      left = { kind: 'binary', op: 'and', left, right: notExpr() };
    }
    return left;
  };
  const notExpr = (): Expr => {
    if (isWord('not')) {
      i++;
      return { kind: 'not', operand: notExpr() };
    }
    return comparison();
  };
  const comparison = (): Expr => {
    const left = value();
    const t = peek();
    if (t && ((t.type === 'op' && ['==', '!=', '>=', '<=', '>', '<'].includes(t.value)) || (t.type === 'word' && (t.value === 'in' || t.value === 'contains')))) {
      i++;
      return { kind: 'binary', op: t.value as BinaryOp, left, right: value() };
    }
    return left;
  };
  const value = (): Expr => {
    const t = peek();
    if (!t) throw new ExpressionError(`condition "${text}" ends too early`);
    i++;
    if (t.type === 'number' || t.type === 'string') return { kind: 'literal', value: t.value };
    if (t.type === 'op' && t.value === '(') {
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (t.type === 'op' && t.value === '[') {
      const items: Expr[] = [];
      while (!isOp(']')) {
        items.push(value());
        if (isOp(',')) i++;
        else if (!isOp(']')) throw new ExpressionError(`expected "," or "]" in condition "${text}"`);
      }
      i++;
      return { kind: 'list', items };
    }
    if (t.type === 'word') {
      if (t.value === 'true') return { kind: 'literal', value: true };
      if (t.value === 'false') return { kind: 'literal', value: false };
      if (t.value === 'null') return { kind: 'literal', value: null };
      return { kind: 'path', path: t.value.split('.') };
    }
    throw new ExpressionError(`unexpected "${t.value}" in condition "${text}"`);
  };
  const expr = orExpr();
  if (i < tokens.length) throw new ExpressionError(`unexpected "${String(tokens[i]?.value)}" in condition "${text}"`);
  return expr;
}

/** Every path an expression reads (for checking them against the spec's names at load time). */
export function expressionPaths(expr: Expr): string[][] {
  switch (expr.kind) {
    case 'literal':
      return [];
    case 'path':
      return [expr.path];
    case 'list':
      return expr.items.flatMap(expressionPaths);
    case 'not':
      return expressionPaths(expr.operand);
    case 'binary':
      return [...expressionPaths(expr.left), ...expressionPaths(expr.right)];
  }
}

/** Read a dotted path in a scope; `null` when any part is missing. */
export function readPath(scope: unknown, path: readonly string[]): unknown {
  let current: unknown = scope;
  for (const part of path) {
    if (current === null || current === undefined || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined ? null : current;
}

function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function evaluate(expr: Expr, scope: unknown): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return readPath(scope, expr.path);
    case 'list':
      return expr.items.map((item) => evaluate(item, scope));
    case 'not':
      return !truthy(evaluate(expr.operand, scope));
    case 'binary': {
      if (expr.op === 'and') return truthy(evaluate(expr.left, scope)) && truthy(evaluate(expr.right, scope));
      if (expr.op === 'or') return truthy(evaluate(expr.left, scope)) || truthy(evaluate(expr.right, scope));
      const left = evaluate(expr.left, scope);
      const right = evaluate(expr.right, scope);
      switch (expr.op) {
        case '==':
          return equal(left, right);
        case '!=':
          return !equal(left, right);
        case 'in':
          return Array.isArray(right) && right.some((r) => equal(left, r));
        case 'contains':
          return Array.isArray(left) ? left.some((l) => equal(l, right)) : typeof left === 'string' && typeof right === 'string' && left.includes(right);
        default: {
          const c = compare(left, right);
          if (c === null) return false;
          return expr.op === '>=' ? c >= 0 : expr.op === '<=' ? c <= 0 : expr.op === '>' ? c > 0 : c < 0;
        }
      }
    }
  }
}

export function truthy(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && value !== 0 && value !== '';
}

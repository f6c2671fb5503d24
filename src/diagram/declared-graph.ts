import { expressionPaths, parseExpression, type Expr } from '../flow-spec/expression.js';
import type { FlowSpec } from '../flow-spec/spec-schema.js';
import { ANY_SCREEN, type FlowGraph, type FlowTransition } from './flow-graph.js';
import { partialTruth, type Truth } from '../flow-spec/partial-truth.js';

export interface DeclaredGraphOptions {
  /** The variant's name and the flaws it switches on: transitions with another `flaw` are left out. */
  variant: string;
  flaws: readonly string[];
}

/**
 * The diagram a spec's `screens` declare, as the simulator reads them: on a screen, for an action
 * and actor, the transitions are tried in order and the first that fits is taken. A transition is
 * drawn from each screen of its `from`, or, without `from`, once from the pseudo-state "any
 * screen" (`ANY_SCREEN`); for the actors its guard may let through; unless its guard refuses there
 * for sure (known: `screen`, `actor.name`, and on a start screen no transition leads back to,
 * `session.*` unset) or an earlier transition is always taken first. Transitions of flaws the
 * variant leaves off are not drawn; a guard that reads a secret's field (`victim.doses`) marks its
 * transition secret-dependent. Returns undefined for a spec without `screens`.
 */
export function declaredGraph(spec: FlowSpec, options: DeclaredGraphOptions): FlowGraph | undefined {
  const screens = spec.screens;
  if (!screens) return undefined;
  const on = new Set(options.flaws);
  const fromList = (from: string | string[] | undefined): string[] => (from === undefined ? [ANY_SCREEN] : Array.isArray(from) ? from : [from]);
  const states = unique([screens.start, ...screens.transitions.flatMap((t) => [...fromList(t.from).filter((f) => f !== ANY_SCREEN), t.to])]);
  const secretFields = Object.values(spec.secrets).map((s) => s.field);
  const parsed = screens.transitions.map((t) => (t.if === undefined ? undefined : parseExpression(t.if)));
  const sessionKeys = unique(screens.transitions.flatMap((t) => Object.keys(t.set ?? {})));
  const startIsFresh = !screens.transitions.some((t) => t.to === screens.start);
  /** A transition from `source` may be taken on `screen`: the same screen, or any screen. */
  const covers = (source: string, screen: string): boolean => source === ANY_SCREEN || source === screen;

  const drawn = new Map<string, FlowTransition>();
  for (const source of [ANY_SCREEN, ...states]) {
    const known: Record<string, unknown> = source === ANY_SCREEN ? {} : { screen: source };
    if (source === screens.start && startIsFresh) for (const key of sessionKeys) known[`session.${key}`] = null;
    for (const [action, declared] of Object.entries(spec.actions)) {
      for (const actor of declared.actors) {
        let maybeEarlier = false;
        for (const [index, t] of screens.transitions.entries()) {
          if (t.action !== action || (t.flaw !== undefined && !on.has(t.flaw))) continue;
          const from = fromList(t.from);
          // Earlier transitions that may be taken on this source (any screen: only those from any screen).
          if (!from.some((f) => (source === ANY_SCREEN ? f === ANY_SCREEN : covers(f, source)))) continue;
          const truth: Truth = guardTruth(parsed[index], { ...known, 'actor.name': actor });
          if (truth === false) continue;
          if (from.includes(source)) {
            const key = `${index}\u0000${source}`;
            const existing = drawn.get(key);
            if (existing) {
              if (!existing.actors.includes(actor)) existing.actors.push(actor);
              existing.otherwise ||= maybeEarlier;
            } else {
              const transition: FlowTransition = {
                from: source,
                to: t.to,
                action,
                actors: [actor],
                outcome: t.outcome,
                secret: readsSecret(parsed[index], secretFields),
                flaws: t.flaw === undefined ? [] : [t.flaw],
              };
              if (t.if !== undefined) transition.guard = t.if;
              if (maybeEarlier) transition.otherwise = true;
              drawn.set(key, transition);
            }
          }
          if (truth === true) break;
          maybeEarlier = true;
        }
      }
    }
  }
  // In the order the spec writes them: by transition, then by screen.
  const sources = [ANY_SCREEN, ...states];
  const order = (key: string): [number, number] => {
    const [index, source] = key.split('\u0000');
    return [Number(index), sources.indexOf(source ?? '')];
  };
  const transitions = [...drawn.entries()]
    .sort(([a], [b]) => {
      const [ia, sa] = order(a);
      const [ib, sb] = order(b);
      return ia - ib || sa - sb;
    })
    .map(([, t]) => t);
  const flawNote = options.flaws.length === 0 ? 'no flaws' : `flaws ${options.flaws.join(', ')}`;
  return {
    model: spec.name,
    title: `${spec.name}: declared screens (variant ${options.variant})`,
    source: 'declared',
    variant: options.variant,
    flaws: [...options.flaws],
    start: screens.start,
    states,
    transitions,
    note: `declared in the spec's screens, ${options.variant.startsWith('flaws:') ? flawNote : `variant ${options.variant} (${flawNote})`}`,
  };
}

function guardTruth(expr: Expr | undefined, known: Record<string, unknown>): Truth {
  return expr === undefined ? true : partialTruth(expr, known);
}

/** Whether a condition reads a secret field of a patient (`victim.doses`, `self.doses`). */
function readsSecret(expr: Expr | undefined, fields: readonly string[]): boolean {
  if (expr === undefined) return false;
  return expressionPaths(expr).some((path) => path.slice(1).some((part) => fields.includes(part)));
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

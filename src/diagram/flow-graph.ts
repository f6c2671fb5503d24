/**
 * A flow as a state diagram: screens (or observed places) as states, actions as transitions.
 * Built from a spec's declared `screens` or by exploring a model's simulator; drawn as Mermaid
 * (`mermaid.ts`) or SVG (`render-svg.ts`).
 */

/**
 * The `from` of a transition a spec declares without `from`: it may be taken on any screen. Drawn
 * as one pseudo-state "any screen" (not a screen) with the transition leaving it, instead of one
 * copy of it per screen.
 */
export const ANY_SCREEN = '*';

/** How the "any screen" pseudo-state is labelled in a drawing. */
export const anyScreenLabel = '(any screen)';

/** One transition: an action taken on `from` (a state, or `ANY_SCREEN`) that leads to `to`. */
export interface FlowTransition {
  from: string;
  to: string;
  action: string;
  /** The actors that may take it (declared: the action's actors the guard lets through; observed: those seen). */
  actors: string[];
  /** The condition, as written in the spec (declared diagrams only). */
  guard?: string;
  /** Declared: an earlier transition of the same action on the same screen may be taken instead (this one is the "otherwise"). */
  otherwise?: boolean;
  outcome: 'ok' | 'refused';
  /** The transition depends on a secret: its guard reads one (declared), or twin worlds that differ only in a secret went different ways (observed). */
  secret: boolean;
  /** Planted flaws without which this transition does not exist (empty: it exists in the fixed flow too). */
  flaws: string[];
  /** Observed diagrams: how many steps took it in the exploration. */
  seen?: number;
}

/** Where the diagram came from: a spec's `screens`, or an exploration of the simulator. */
export type FlowGraphSource = 'declared' | 'observed';

export interface FlowGraph {
  /** The model's name. */
  model: string;
  title: string;
  source: FlowGraphSource;
  /** The variant drawn (`vulnerable`, `fixed`, `flaws:a,b`) and its flaws. */
  variant: string;
  flaws: string[];
  /** The state every actor starts in. */
  start: string;
  /** Every state, in first-seen order (start first). */
  states: string[];
  transitions: FlowTransition[];
  /** One line that says how the diagram was made (declared, or observed over how many cases). */
  note: string;
}

/** States that only transitions of a flaw lead to (drawn as flaw states): every transition into them needs a flaw. */
export function flawOnlyStates(graph: FlowGraph): string[] {
  return graph.states.filter((state) => {
    if (state === graph.start) return false;
    const into = graph.transitions.filter((t) => t.to === state && t.from !== state);
    return into.length > 0 && into.every((t) => t.flaws.length > 0);
  });
}

/** Whether any transition leaves the "any screen" pseudo-state. */
export function hasAnyScreen(graph: FlowGraph): boolean {
  return graph.transitions.some((t) => t.from === ANY_SCREEN);
}

/** A transition's label: action, actors, guard, and the marks for secret and flaw. */
export function transitionLabel(t: FlowTransition): string {
  const parts = [`${t.action} (${t.actors.join(', ')})`];
  if (t.guard !== undefined) parts.push(`${t.otherwise ? 'else if' : 'if'} ${t.guard}`);
  else if (t.otherwise) parts.push('otherwise');
  if (t.outcome === 'refused') parts.push('refused');
  if (t.secret) parts.push('[secret]');
  if (t.flaws.length > 0) parts.push(`[flaw ${t.flaws.join(', ')}]`);
  return parts.join(' ');
}

import type { FlowGraph, FlowTransition } from '../diagram/flow-graph.js';
import { renderMermaid } from '../diagram/mermaid.js';
import { observedStart } from '../diagram/observed-graph.js';
import type { ConformStep, Departure } from './departure.js';

/** One actor's move at one step of a departure's journey, on one side. */
interface Move {
  from: string;
  to: string;
  action: string;
  actor: string;
  outcome: 'ok' | 'refused';
}

/** Each step as a move of its actor (each actor followed on its own), on the spec's screens or the site's pages. */
function moves(trace: readonly ConformStep[], place: (record: ConformStep) => string | undefined, outcome: (record: ConformStep) => 'ok' | 'refused'): Move[] {
  const at = new Map<string, string>();
  return trace.map((record) => {
    const from = at.get(record.step.actor) ?? observedStart;
    const to = place(record) ?? from;
    at.set(record.step.actor, to);
    return { from, to, action: record.step.action, actor: record.step.actor, outcome: outcome(record) };
  });
}

function graphOf(model: string, title: string, note: string, steps: Move[]): FlowGraph {
  const states = [observedStart];
  const transitions: FlowTransition[] = [];
  for (const move of steps) {
    for (const state of [move.from, move.to]) if (!states.includes(state)) states.push(state);
    const same = transitions.find((t) => t.from === move.from && t.to === move.to && t.action === move.action && t.outcome === move.outcome);
    if (same) {
      if (!same.actors.includes(move.actor)) same.actors.push(move.actor);
      same.seen = (same.seen ?? 1) + 1;
    } else transitions.push({ from: move.from, to: move.to, action: move.action, actors: [move.actor], outcome: move.outcome, secret: false, flaws: [], seen: 1 });
  }
  return { model, title, source: 'observed', variant: 'journey', flaws: [], start: observedStart, states, transitions, note };
}

/**
 * The two diagrams of a departure's journey, drawn with the diagram module: the screens the spec
 * puts each actor on (`declared`) and the pages the site showed (`observed`), step by step, as
 * Mermaid `stateDiagram-v2`. The last transition is where the two part.
 */
export function departureDiagrams(model: string, departure: Departure): { declared: string; observed: string } {
  const last = departure.trace.length;
  const where = `step ${last}: ${departure.actor} ${departure.action}`;
  const declared = graphOf(
    model,
    `${model}: the journey as the spec has it (departs at ${where})`,
    `declared: the spec's screens for the ${last} step${last === 1 ? '' : 's'} of the departure`,
    moves(departure.trace, (r) => r.declared.screen, (r) => r.declared.outcome),
  );
  const observed = graphOf(
    model,
    `${model}: the journey as the site did it (departs at ${where})`,
    `observed: the pages the site showed for the same ${last} step${last === 1 ? '' : 's'}`,
    moves(departure.trace, (r) => r.observed.page, (r) => r.observed.outcome),
  );
  return { declared: renderMermaid(declared), observed: renderMermaid(observed) };
}

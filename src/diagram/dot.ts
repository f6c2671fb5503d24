import { ANY_SCREEN, anyScreenLabel, flawOnlyStates, hasAnyScreen, transitionLabel, type FlowGraph, type FlowTransition } from './flow-graph.js';
import { stateIds } from './state-ids.js';

/** Colours of the drawing, shared with the report's finding diagrams. */
export const diagramColours = {
  ink: '#1b1f24',
  muted: '#57606a',
  flaw: '#cf222e',
  flawFill: '#ffebe9',
  secret: '#8250df',
  refused: '#6e7781',
  anyFill: '#f6f8fa',
} as const;

/**
 * The flow in Graphviz DOT, laid out top to bottom: the start marked by a dot, each state a
 * rounded box (the states only a flaw reaches filled red), the "(any screen)" pseudo-state
 * dashed. Transitions are labelled as in Mermaid; a flaw's transitions are red and dashed, a
 * refused one grey, a secret-dependent one's label violet. Transitions between the same two states
 * drawn the same way share one arrow, a label line each; long labels wrap at about 36 characters.
 */
export function renderDot(graph: FlowGraph): string {
  const any = hasAnyScreen(graph);
  const ids = stateIds(any ? [...graph.states, anyScreenLabel] : graph.states);
  const id = (state: string): string => ids.get(state === ANY_SCREEN ? anyScreenLabel : state) ?? state;
  const flawStates = new Set(flawOnlyStates(graph));
  const c = diagramColours;
  const lines = [
    'digraph flow {',
    `  graph [rankdir=TB, fontname="Helvetica", fontsize=14, labelloc=t, label=${quote(`${graph.title}\n${graph.note}`)}, nodesep=0.4, ranksep=0.5, pad=0.2]`,
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color=${quote(c.ink)}, fontname="Helvetica", fontsize=11]`,
    `  edge [fontname="Helvetica", fontsize=9, color=${quote(c.ink)}, fontcolor=${quote(c.ink)}, arrowsize=0.7]`,
    `  __start [shape=point, width=0.15, label="", fillcolor=${quote(c.ink)}]`,
  ];
  for (const state of graph.states) {
    const flaw = flawStates.has(state);
    lines.push(`  ${id(state)} [label=${quote(state)}${flaw ? `, fillcolor=${quote(c.flawFill)}, color=${quote(c.flaw)}, fontcolor=${quote(c.flaw)}` : ''}]`);
  }
  if (any) lines.push(`  ${id(ANY_SCREEN)} [label=${quote(anyScreenLabel)}, style="rounded,dashed,filled", fillcolor=${quote(c.anyFill)}, color=${quote(c.muted)}, fontcolor=${quote(c.muted)}]`);
  lines.push(`  __start -> ${id(graph.start)}`);
  for (const group of parallelGroups(graph.transitions)) lines.push(`  ${id(group[0]?.from ?? '')} -> ${id(group[0]?.to ?? '')} [${edgeAttributes(group).join(', ')}]`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** How a transition is drawn: a flaw's, refused, secret-dependent, or plain. */
function drawnAs(t: FlowTransition): string {
  return t.flaws.length > 0 ? 'flaw' : t.outcome === 'refused' ? 'refused' : t.secret ? 'secret' : 'plain';
}

/**
 * Transitions between the same two states drawn the same way, as one arrow with a label line
 * each (a state with four refused actions looping on it gets one loop, not four).
 */
function parallelGroups(transitions: readonly FlowTransition[]): FlowTransition[][] {
  const groups = new Map<string, FlowTransition[]>();
  for (const t of transitions) {
    const key = [t.from, t.to, drawnAs(t)].join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()];
}

function edgeAttributes(group: readonly FlowTransition[]): string[] {
  const c = diagramColours;
  const attributes = [`label=${quote(group.map((t) => wrap(transitionLabel(t), 36)).join('\n'))}`];
  const kind = group[0] === undefined ? 'plain' : drawnAs(group[0]);
  if (kind === 'flaw') attributes.push(`color=${quote(c.flaw)}`, `fontcolor=${quote(c.flaw)}`, 'style=dashed', 'penwidth=1.6');
  else if (kind === 'refused') attributes.push(`color=${quote(c.refused)}`, `fontcolor=${quote(c.refused)}`);
  else if (kind === 'secret') attributes.push(`fontcolor=${quote(c.secret)}`);
  return attributes;
}

/** A DOT string: quotes and backslashes escaped, line breaks as `\n` (centred lines). */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** Break a label into lines of about `width` characters at spaces. */
export function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

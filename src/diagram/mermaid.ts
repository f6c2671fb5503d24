import { ANY_SCREEN, anyScreenLabel, flawOnlyStates, hasAnyScreen, transitionLabel, type FlowGraph } from './flow-graph.js';
import { stateIds } from './state-ids.js';

/**
 * The flow as Mermaid `stateDiagram-v2` (for Markdown and pull requests): a front-matter title,
 * a comment saying how it was made, each state declared with its name as label, `[*]` into the
 * start state, one line per transition labelled `action (actors) if guard refused [secret] [flaw
 * name]`, and the states only a flaw reaches in the class `flaw` (drawn red). Parsed back by
 * `parseMermaid`. Transitions a spec declares without `from` leave the pseudo-state "(any screen)",
 * drawn dashed.
 *
 * @example
 * io.stdout.write(renderMermaid(declaredGraph(spec, { variant: 'vulnerable', flaws }) ))
 */
export function renderMermaid(graph: FlowGraph): string {
  const any = hasAnyScreen(graph);
  const ids = stateIds(any ? [...graph.states, anyScreenLabel] : graph.states);
  const id = (state: string): string => ids.get(state === ANY_SCREEN ? anyScreenLabel : state) ?? state;
  const lines = ['---', `title: ${JSON.stringify(graph.title)}`, '---', 'stateDiagram-v2', `  %% ${mermaidText(graph.note)}`];
  for (const state of graph.states) lines.push(`  state "${state.replace(/"/g, "'")}" as ${id(state)}`);
  if (any) lines.push(`  state "${anyScreenLabel}" as ${id(ANY_SCREEN)}`);
  lines.push(`  [*] --> ${id(graph.start)}`);
  for (const t of graph.transitions) lines.push(`  ${id(t.from)} --> ${id(t.to)} : ${mermaidText(transitionLabel(t))}`);
  const flawStates = flawOnlyStates(graph);
  if (flawStates.length > 0) {
    lines.push('  classDef flaw fill:#ffebe9,stroke:#cf222e,color:#82071e');
    lines.push(`  class ${flawStates.map(id).join(',')} flaw`);
  }
  if (any) {
    lines.push('  classDef anyScreen fill:#f6f8fa,stroke:#57606a,stroke-dasharray:4 3,color:#57606a');
    lines.push(`  class ${id(ANY_SCREEN)} anyScreen`);
  }
  return `${lines.join('\n')}\n`;
}

/** Text Mermaid keeps as written on one line: no line breaks, no `;` (a statement end), no `#` (an entity). */
export function mermaidText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/;/g, ',').replace(/#/g, 'no. ');
}

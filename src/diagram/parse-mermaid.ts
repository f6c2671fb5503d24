import { ANY_SCREEN, anyScreenLabel } from './flow-graph.js';

/** A Mermaid state diagram read back: the subset `renderMermaid` writes. */
export interface ParsedMermaid {
  title: string | undefined;
  /** State names (labels), in the order declared; the "(any screen)" pseudo-state is not one of them. */
  states: string[];
  /** The state `[*]` leads to. */
  start: string | undefined;
  transitions: ParsedTransition[];
  /** States in each class (`class a,b flaw`), by class name. */
  classes: Record<string, string[]>;
}

/** A transition line, its label read into its parts. */
export interface ParsedTransition {
  /** A state's name, or `ANY_SCREEN` for the "(any screen)" pseudo-state. */
  from: string;
  to: string;
  label: string;
  action: string;
  actors: string[];
  guard?: string;
  outcome: 'ok' | 'refused';
  secret: boolean;
  flaws: string[];
}

const labelPattern = /^(\S+) \(([^)]*)\)(?: (?:else if|if) (.*?))?(?: otherwise)?( refused)?( \[secret\])?(?: \[flaw ([^\]]+)\])?$/;

/**
 * Read a Mermaid `stateDiagram-v2` written by `renderMermaid` (front-matter title, `state "name"
 * as id`, `[*] --> id`, `a --> b : label`, `classDef`, `class ids name`, `%%` comments). Throws
 * on a line outside that subset, so a test notices anything new the writer emits.
 *
 * @example
 * parseMermaid(renderMermaid(graph)).transitions.map((t) => t.action)
 */
export function parseMermaid(text: string): ParsedMermaid {
  const lines = text.split('\n');
  let title: string | undefined;
  let at = 0;
  if (lines[0] === '---') {
    const end = lines.indexOf('---', 1);
    if (end < 0) throw new Error('front matter is not closed');
    for (const line of lines.slice(1, end)) {
      const m = /^title: (.*)$/.exec(line);
      if (m) title = m[1]?.startsWith('"') ? (JSON.parse(m[1]) as string) : m[1];
    }
    at = end + 1;
  }
  if (lines[at]?.trim() !== 'stateDiagram-v2') throw new Error(`expected "stateDiagram-v2", got "${lines[at] ?? ''}"`);
  const names = new Map<string, string>();
  const name = (id: string): string => {
    const known = names.get(id);
    if (known === undefined) throw new Error(`state "${id}" is used before it is declared`);
    return known;
  };
  const out: ParsedMermaid = { title, states: [], start: undefined, transitions: [], classes: {} };
  for (const raw of lines.slice(at + 1)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('%%') || line.startsWith('classDef ')) continue;
    let m = /^state "([^"]*)" as (\w+)$/.exec(line);
    if (m) {
      // The pseudo-state of transitions declared without `from` reads back as ANY_SCREEN, not a state.
      const label = m[1] ?? '';
      names.set(m[2] ?? '', label === anyScreenLabel ? ANY_SCREEN : label);
      if (label !== anyScreenLabel) out.states.push(label);
      continue;
    }
    m = /^\[\*\] --> (\w+)$/.exec(line);
    if (m) {
      out.start = name(m[1] ?? '');
      continue;
    }
    m = /^(\w+) --> (\w+) : (.*)$/.exec(line);
    if (m) {
      out.transitions.push({ from: name(m[1] ?? ''), to: name(m[2] ?? ''), ...readLabel(m[3] ?? '') });
      continue;
    }
    m = /^class ([\w,]+) (\w+)$/.exec(line);
    if (m) {
      out.classes[m[2] ?? ''] = (m[1] ?? '').split(',').map(name);
      continue;
    }
    throw new Error(`not a line this parser reads: "${line}"`);
  }
  return out;
}

function readLabel(label: string): Omit<ParsedTransition, 'from' | 'to'> {
  const m = labelPattern.exec(label);
  if (!m) throw new Error(`not a transition label: "${label}"`);
  const parsed: Omit<ParsedTransition, 'from' | 'to'> = {
    label,
    action: m[1] ?? '',
    actors: (m[2] ?? '').split(', ').filter((a) => a !== ''),
    outcome: m[4] ? 'refused' : 'ok',
    secret: m[5] !== undefined,
    flaws: m[6] ? m[6].split(', ') : [],
  };
  if (m[3] !== undefined) parsed.guard = m[3];
  return parsed;
}

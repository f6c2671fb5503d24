import { resolve } from 'node:path';
import { flowGraphOf } from '../../diagram/flow-graph-of.js';
import { renderMermaid } from '../../diagram/mermaid.js';
import { writeFileAtomic } from '../../engine/corpus.js';
import type { Io } from '../io.js';

/** The formats `bookfuzz diagram` writes. */
export const diagramFormats = ['mermaid', 'svg'] as const;
export type DiagramFormat = (typeof diagramFormats)[number];

export interface DiagramArgs {
  model: string;
  variant?: string | undefined;
  flaws?: string[] | undefined;
  format: DiagramFormat;
  out?: string | undefined;
  /** Observed diagrams: generated cases and their seed. */
  cases?: number | undefined;
  seed?: number | undefined;
}

/**
 * `bookfuzz diagram <model|spec>`: the flow as a state diagram, Mermaid `stateDiagram-v2` (default)
 * or a self-contained SVG (`--format svg`), on stdout or into `--out`. A spec with `screens` is
 * drawn as declared; any other model as observed by exploring its simulator (its title says so).
 */
export async function diagramCommand(io: Io, args: DiagramArgs): Promise<number> {
  const graph = await flowGraphOf(args.model, {
    cwd: io.cwd,
    ...(args.variant !== undefined ? { variant: args.variant } : {}),
    ...(args.flaws !== undefined ? { flaws: args.flaws } : {}),
    ...(args.cases !== undefined ? { cases: args.cases } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
  });
  const text = args.format === 'svg' ? await (await import('../../diagram/render-svg.js')).renderSvg(graph) : renderMermaid(graph);
  if (args.out === undefined) {
    io.stdout.write(text);
    return 0;
  }
  writeFileAtomic(resolve(io.cwd, args.out), text);
  const how = graph.source === 'declared' ? 'declared screens' : 'observed, not declared';
  io.stderr.write(`wrote ${args.out}: ${graph.states.length} states, ${graph.transitions.length} transitions (${how}, variant ${graph.variant})\n`);
  return 0;
}

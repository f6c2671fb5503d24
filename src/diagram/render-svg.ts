import { escapeMarkup } from '../report/escape-markup.js';
import { renderDot } from './dot.js';
import type { FlowGraph } from './flow-graph.js';

interface Layout {
  dot(source: string): string;
}

let layout: Promise<Layout> | undefined;

/**
 * Graphviz compiled to WebAssembly (`@hpcc-js/wasm-graphviz`), loaded once per process on first
 * use: about half a second to compile, then a diagram takes tens of milliseconds.
 */
function graphviz(): Promise<Layout> {
  layout ??= import('@hpcc-js/wasm-graphviz').then(({ Graphviz }) => Graphviz.load());
  return layout;
}

/**
 * The flow as one self-contained SVG document: laid out and drawn by Graphviz from `renderDot`,
 * with the document type declaration (a link to a DTD) and Graphviz's comments taken out and the
 * diagram's title as the SVG's `<title>`. Nothing in it loads or runs anything.
 *
 * @example
 * writeFileSync('flow.svg', await renderSvg(declaredGraph(spec, { variant: 'vulnerable', flaws })!))
 */
export async function renderSvg(graph: FlowGraph): Promise<string> {
  const svg = (await graphviz()).dot(renderDot(graph));
  return cleanSvg(svg, graph.title);
}

function cleanSvg(svg: string, title: string): string {
  const start = svg.indexOf('<svg');
  const body = svg
    .slice(start)
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    .replace(/<title>flow<\/title>/, `<title>${escapeMarkup(title)}</title>`);
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { builtinModelsDir, listModelNames, loadModel } from '../model/load-model.js';
import { flowGraphOfModel } from './flow-graph-of.js';
import { anyScreenLabel, hasAnyScreen } from './flow-graph.js';
import { renderSvg } from './render-svg.js';

/** Every shipped model and every shipped spec. */
const targets = [
  ...listModelNames(),
  ...listModelNames()
    .map((name) => join(builtinModelsDir, name, 'spec.yaml'))
    .filter((file) => existsSync(file)),
];

/** Every text an SVG shows (Graphviz writes each label line as one `<text>`). */
function texts(svg: string): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text') (Array.isArray(value) ? value : [value]).forEach((t) => out.push(typeof t === 'object' && t !== null ? String((t as Record<string, unknown>)['#text'] ?? '') : String(t)));
        else walk(value);
      }
    }
  };
  walk(new XMLParser({ ignoreAttributes: true, processEntities: true }).parse(svg));
  // Graphviz writes some characters as numeric references (`-` as `&#45;`).
  return out.map((t) => t.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))));
}

describe.each(targets)('the SVG diagram of %s', (target) => {
  it('is one well-formed, self-contained SVG document showing every screen', async () => {
    const graph = await flowGraphOfModel(await loadModel(target), { cases: 100 });
    const svg = await renderSvg(graph);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toMatch(/<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<!DOCTYPE|<script|<image|<foreignObject|xlink:href=|url\(/i);
    const shown = texts(svg);
    for (const state of graph.states) expect(shown, `state ${state}`).toContain(state);
    if (hasAnyScreen(graph)) expect(shown).toContain(anyScreenLabel);
    expect(shown.join(' ')).toContain(graph.title);
  });
});

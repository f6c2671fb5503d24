import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { twinPaths } from '../diagram/finding-paths.js';
import type { Finding } from '../engine/finding.js';
import type { JsonObject } from '../model/json.js';
import { oracles } from '../oracles/index.js';
import { findingDiagram } from './finding-diagram.js';
import { renderHtml } from './html.js';
import { hostileDocument, hostileName, testDocuments, type TestDocuments } from './test-documents.js';

let docs: TestDocuments;
beforeAll(async () => {
  docs = await testDocuments();
}, 120_000);

/** The finding of the incident: the visitor's screen after submit-identity depends on the doses. */
function screenFinding(): Finding {
  const finding = docs.vulnerable.findings.find((f) => f.oracle === 'indistinguishable' && f.firstDifference.field === 'screen');
  if (!finding) throw new Error('the nhs-covid-booking run (seed 1) has no screen finding');
  return finding;
}

/** The article of a finding in a report, and the SVG in it parsed (every element kept with its attributes). */
function drawnIn(html: string, finding: Finding): { svg: string; article: string; texts: string[]; parting: number } {
  const start = html.indexOf(`<article id="finding-${finding.id}">`);
  const article = html.slice(start, html.indexOf('</article>', start));
  const svg = /<svg class="paths"[\s\S]*?<\/svg>/.exec(article)?.[0] ?? '';
  expect(XMLValidator.validate(svg)).toBe(true);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true }).parse(svg) as unknown;
  const texts: string[] = [];
  let parting = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      const attributes = (record[':@'] ?? {}) as Record<string, string>;
      if (String(attributes['class'] ?? '').split(' ').includes('parting')) parting++;
      for (const [key, value] of Object.entries(record)) {
        if (key === '#text') texts.push(String(value));
        else if (key !== ':@') walk(value);
      }
    }
  };
  walk(parsed);
  return { svg, article, texts, parting };
}

describe('the finding diagram in the HTML report', () => {
  it('draws the nhs-covid-booking finding: both paths, the parting step marked, its two screens side by side', () => {
    const finding = screenFinding();
    const html = renderHtml([docs.vulnerable], oracles);
    const { svg, article, texts, parting } = drawnIn(html, finding);
    expect(article).toContain('<figure class="paths">');
    const at = finding.firstDifference.step;
    const a = String(finding.observations.a[at - 1]?.['screen']);
    const b = String(finding.observations.b[at - 1]?.['screen']);
    expect(new Set([a, b])).toEqual(new Set(['booking-reference', 'screening-questions']));
    // Both screens of the parting step, in the parting row (band and two boxes), A left of B.
    const boxes = [...svg.matchAll(/<g class="screen parting"><rect x="(\d+(?:\.\d+)?)"[^>]*\/><text[^>]*>([^<]*)<\/text><\/g>/g)].map((m) => ({ x: Number(m[1]), label: m[2] }));
    expect(boxes.map((box) => box.label)).toEqual([a, b]);
    expect((boxes[0]?.x ?? 0) < (boxes[1]?.x ?? 0)).toBe(true);
    expect(parting).toBe(4); // the band, both boxes, the step's name
    expect(texts).toContain('the twins part here');
    const step = finding.steps[at - 1];
    expect(texts).toContain(`${at} ${step?.actor} ${step?.action} ◀`);
    // Every step's screen in both worlds is drawn, the steps before the parting once for both.
    for (const [i, s] of finding.steps.entries()) {
      expect(texts).toContain(`${i + 1} ${s.actor} ${s.action}${i + 1 === at ? ' ◀' : ''}`);
      for (const side of ['a', 'b'] as const) expect(texts).toContain(String(finding.observations[side][i]?.['screen']));
    }
    expect(article).toContain(`The twins part at step ${at}`);
  });

  it('draws every finding of the run, and nothing in the drawing loads or links anything', () => {
    const html = renderHtml([docs.vulnerable], oracles);
    for (const finding of docs.vulnerable.findings) {
      const { svg } = drawnIn(html, finding);
      expect(svg).not.toMatch(/https?:|href|src=|url\(|<script|<image|<use/i);
    }
  });

  it('escapes what the finding holds: a hostile actor name stays text in a well-formed SVG', () => {
    const document = hostileDocument(docs.vulnerable);
    const finding = document.findings[0];
    if (!finding) throw new Error('no finding');
    const { svg, texts } = drawnIn(renderHtml([document], oracles), finding);
    // Read back as text (the parser decodes the escapes), never as markup.
    expect(texts.some((t) => t.includes('-<script>alert('))).toBe(true);
    expect(svg).not.toMatch(/<script/i);
    expect(findingDiagram(finding)).not.toContain(hostileName);
  });
});

/** A live finding: each step's observation holds the responses, the last one's path is where the actor is. */
function liveFinding(pathsA: string[], pathsB: string[], statusB = 200): Finding {
  const observation = (path: string, status = 200): JsonObject => ({ outcome: 'ok', responses: [{ status: 302, path: '/start', redirects: [] }, { status, path, redirects: [] }] });
  const base = structuredClone(docs.vulnerable.findings[0]) as Finding;
  return {
    ...base,
    steps: pathsA.map((_, i) => ({ actor: 'visitor', action: `step-${i + 1}`, input: {} })),
    observations: { a: pathsA.map((p) => observation(p)), b: pathsB.map((p, i) => observation(p, i === pathsB.length - 1 ? statusB : 200)) },
    firstDifference: { step: pathsA.length, field: 'responses[1].body.title' },
  };
}

describe('twinPaths', () => {
  it('follows a live finding by the path its responses ended on, and parts where the paths do', () => {
    const paths = twinPaths(liveFinding(['/book', '/book/identity', '/book/reference'], ['/book', '/book/identity', '/book/screening']));
    expect(paths.steps.map((s) => [s.a.to, s.b.to])).toEqual([
      ['/book', '/book'],
      ['/book/identity', '/book/identity'],
      ['/book/reference', '/book/screening'],
    ]);
    expect(paths).toMatchObject({ parting: 3, partedBy: 'place', anyPlace: true });
    const svg = findingDiagram(liveFinding(['/book', '/book/reference'], ['/book', '/book/screening']));
    expect(svg).toContain('/book/reference');
    expect(svg).toContain('/book/screening');
  });

  it('names a status that is not 2xx with the path, and parts at the first difference when the places agree', () => {
    const refused = twinPaths(liveFinding(['/a', '/b'], ['/a', '/b'], 403));
    expect(refused.steps[1]?.b.to).toBe('/b 403');
    expect(refused.parting).toBe(2);
    const same = twinPaths(liveFinding(['/a', '/b'], ['/a', '/b']));
    expect(same).toMatchObject({ parting: 2, partedBy: 'observation' });
    expect(findingDiagram(liveFinding(['/a', '/b'], ['/a', '/b']))).toContain('what it shows differs in responses[1].body.title');
  });
});

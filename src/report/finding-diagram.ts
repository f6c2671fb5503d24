import { diagramColours } from '../diagram/dot.js';
import { twinPaths, type PathMove, type PathStep, type TwinPaths } from '../diagram/finding-paths.js';
import type { Finding } from '../engine/finding.js';
import { escapeMarkup as e } from './escape-markup.js';

/** Said under the name of the step where the twins part. */
const partingNote = 'the twins part here';

/** Drawing sizes, in px. */
const size = { font: 12, char: 7, box: 30, gap: 40, pad: 14, columnGap: 28, minBox: 130, maxChars: 44, header: 18 } as const;

/**
 * A finding drawn: the twins' paths step by step, top to bottom, as one inline SVG (no script, no
 * link, nothing loaded). While the twins are on the same screens one box per step spans both
 * columns; from the step where they part (highlighted, with "the twins part here") world A's
 * screen is on the left and world B's on the right, side by side. Each step is named in the
 * left margin (`3 visitor submit-identity`); a refused step's arrow is grey and dashed. Screens
 * are read from the observations (live: the path each step's last response ended on). Returns ''
 * for a finding without steps.
 */
export function findingDiagram(finding: Finding): string {
  const paths = twinPaths(finding);
  if (paths.steps.length === 0) return '';
  const svg = drawPaths(paths, new Set(finding.steps.map((s) => s.actor)).size > 1);
  return `<figure class="paths">${svg}<figcaption>${e(caption(finding, paths))}</figcaption></figure>`;
}

/** One sentence under the drawing: where the twins part and what each saw there. */
function caption(finding: Finding, paths: TwinPaths): string {
  const step = paths.steps[paths.parting - 1];
  const where = paths.anyPlace ? '' : ' (the observations show no screen or page: each box is where the actor started)';
  if (!step) return `The twins' paths${where}.`;
  const a = placeText(step.a);
  const b = placeText(step.b);
  if (paths.partedBy === 'observation') {
    return `Both twins are on ${a} at step ${paths.parting}; what it shows differs in ${finding.firstDifference.field}${where}.`;
  }
  return `The twins part at step ${paths.parting} (${step.actor} ${step.action}): world A goes to ${a}, world B to ${b}${where}.`;
}

const placeText = (move: PathMove): string => `${move.to}${move.outcome === 'refused' ? ' (refused)' : ''}`;

interface Box {
  x: number;
  y: number;
  width: number;
  label: string;
  parting: boolean;
}

function drawPaths(paths: TwinPaths, namedActors: boolean): string {
  const c = diagramColours;
  const clip = (text: string): string => (text.length > size.maxChars ? `${text.slice(0, size.maxChars - 1)}…` : text);
  const label = (actor: string, place: string): string => clip(namedActors ? `${actor}: ${place}` : place);
  const stepText = (s: PathStep): string => clip(`${s.step} ${s.actor} ${s.action}`);
  const first = paths.steps[0];
  const startLabel = first ? first.a.from : '';
  const labels = [startLabel, ...paths.steps.flatMap((s) => [label(s.actor, s.a.to), label(s.actor, s.b.to)])];
  const boxWidth = Math.max(size.minBox, ...labels.map((l) => l.length * size.char + 20));
  const gutter = Math.max(partingNote.length, ...paths.steps.map((s) => stepText(s).length + 2)) * size.char + 2 * size.pad;
  const left = gutter;
  const width = left + 2 * boxWidth + size.columnGap + size.pad;
  const shared = (s: PathStep): boolean => s.step < paths.parting;
  const rowY = (row: number): number => size.pad + size.header + row * (size.box + size.gap);
  const columnX = { a: left, b: left + boxWidth + size.columnGap, both: left + (boxWidth + size.columnGap) / 2 };

  const parts: string[] = [];
  const boxes: { a: Box; b: Box }[] = [];
  const startBox: Box = { x: columnX.both, y: rowY(0), width: boxWidth, label: clip(startLabel), parting: false };
  boxes.push({ a: startBox, b: startBox });
  for (const [i, s] of paths.steps.entries()) {
    const y = rowY(i + 1);
    const parting = s.step === paths.parting;
    if (shared(s)) {
      const box: Box = { x: columnX.both, y, width: boxWidth, label: label(s.actor, s.a.to), parting };
      boxes.push({ a: box, b: box });
    } else {
      boxes.push({
        a: { x: columnX.a, y, width: boxWidth, label: label(s.actor, s.a.to), parting },
        b: { x: columnX.b, y, width: boxWidth, label: label(s.actor, s.b.to), parting },
      });
    }
  }
  const height = rowY(paths.steps.length) + size.box + size.pad;

  // The parting step's band, behind everything.
  const partingRow = paths.parting;
  if (partingRow >= 1 && partingRow <= paths.steps.length) {
    const y = rowY(partingRow) - size.gap + 6;
    parts.push(`<rect class="parting" x="0" y="${y}" width="${width}" height="${size.gap + size.box + 2}" fill="#fff3b0"/>`);
  }
  parts.push(`<text x="${columnX.a + boxWidth / 2}" y="${size.pad + 4}" text-anchor="middle" fill="${c.muted}" font-size="11">world A</text>`);
  parts.push(`<text x="${columnX.b + boxWidth / 2}" y="${size.pad + 4}" text-anchor="middle" fill="${c.muted}" font-size="11">world B</text>`);

  for (const [i, s] of paths.steps.entries()) {
    const from = boxes[i];
    const to = boxes[i + 1];
    if (!from || !to) continue;
    const parting = s.step === paths.parting;
    const midY = rowY(i + 1) - size.gap / 2 + 4;
    const text = `${stepText(s)}${parting ? ' ◀' : ''}`;
    parts.push(`<text class="step${parting ? ' parting' : ''}" x="${size.pad}" y="${midY}" fill="${c.ink}" font-size="11"${parting ? ' font-weight="700"' : ''}>${e(text)}</text>`);
    if (to.a === to.b) parts.push(arrow(from.a, to.a, s.a));
    else {
      parts.push(arrow(from.a, to.a, s.a));
      parts.push(arrow(from.b, to.b, s.b));
    }
  }
  if (partingRow >= 1 && partingRow <= paths.steps.length) {
    // Under the parting step's name, inside its band.
    const y = rowY(partingRow) - size.gap / 2 + 20;
    parts.push(`<text x="${size.pad}" y="${y}" fill="#7d4e00" font-size="11" font-weight="700">${partingNote}</text>`);
  }
  for (const pair of boxes) {
    parts.push(box(pair.a));
    if (pair.b !== pair.a) parts.push(box(pair.b));
  }
  const title = `The twins' paths: world A on the left, world B on the right, parting at step ${paths.parting}`;
  return (
    `<svg class="paths" role="img" aria-label="${e(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="${size.font}">` +
    `<title>${e(title)}</title>${parts.join('')}</svg>`
  );
}

function box(b: Box): string {
  const c = diagramColours;
  const stroke = b.parting ? '#bf8700' : c.ink;
  return (
    `<g class="screen${b.parting ? ' parting' : ''}"><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${size.box}" rx="6" fill="#ffffff" stroke="${stroke}" stroke-width="${b.parting ? 2.5 : 1}"/>` +
    `<text x="${b.x + b.width / 2}" y="${b.y + size.box / 2 + 4}" text-anchor="middle" fill="${c.ink}">${e(b.label)}</text></g>`
  );
}

/** An arrow from the bottom of one box to the top of the next, its head drawn as a triangle (no marker: nothing referenced). */
function arrow(from: Box, to: Box, move: PathMove): string {
  const c = diagramColours;
  const x1 = from.x + from.width / 2;
  const y1 = from.y + size.box;
  const x2 = to.x + to.width / 2;
  const y2 = to.y;
  const refused = move.outcome === 'refused';
  const colour = refused ? c.refused : c.ink;
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const head = (d: number) => `${(x2 - 8 * Math.cos(angle + d)).toFixed(1)},${(y2 - 8 * Math.sin(angle + d)).toFixed(1)}`;
  const line =
    `<line x1="${x1}" y1="${y1}" x2="${x2.toFixed(1)}" y2="${(y2 - 2).toFixed(1)}" stroke="${colour}" stroke-width="1.4"${refused ? ' stroke-dasharray="4 3"' : ''}/>` +
    `<polygon points="${x2.toFixed(1)},${y2} ${head(0.4)} ${head(-0.4)}" fill="${colour}"/>`;
  const note = refused ? `<text x="${((x1 + x2) / 2 + 6).toFixed(1)}" y="${((y1 + y2) / 2 + 4).toFixed(1)}" fill="${c.refused}" font-size="10">refused</text>` : '';
  return `<g class="move${refused ? ' refused' : ''}">${line}${note}</g>`;
}

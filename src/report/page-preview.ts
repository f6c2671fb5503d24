import type { Json, JsonObject } from '../model/json.js';
import { diffRegion } from './diff-region.js';
import { escapeMarkup as e } from './escape-markup.js';

/** An observed HTML body (`htmlSkeleton`): title, structure lines, visible text. */
interface PageSkeleton {
  title: string;
  structure: string[];
  text: string[];
}

/** The skeleton of an observed HTML body, or undefined when the body is not one. */
export function pageSkeleton(body: Json | undefined): PageSkeleton | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || body['type'] !== 'html') return undefined;
  const strings = (value: Json | undefined): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  return { title: typeof body['title'] === 'string' ? body['title'] : '', structure: strings(body['structure']), text: strings(body['text']) };
}

/** Form fields a visitor does not see but the page carries: hidden inputs, as their structure lines. */
const HIDDEN_FIELD = /^\s*input\b[^\s]*\[type=hidden\]/;

/**
 * A page as a visitor reads it, rebuilt from what bookfuzz observed of it (findings keep the
 * skeleton, not the page): its title, its visible text block by block, then its hidden fields;
 * what is not on `other` (the twin world's page) is marked, and runs of equal text blocks away
 * from any difference are folded (`<details>`, which needs no script). A complete document with a
 * Content-Security-Policy that allows nothing but its inline style, for an iframe's `srcdoc`.
 *
 * @example
 * pagePreview(skeletonA, skeletonB) // → '<!DOCTYPE html><html>…<p><mark>Status on record: vaccinated</mark></p>…'
 */
export function pagePreview(page: PageSkeleton, other: PageSkeleton | undefined): string {
  const otherText = new Set(other?.text ?? []);
  const otherStructure = new Set((other?.structure ?? []).map((line) => line.trim()));
  const marked = (text: string, same: boolean): string => (same ? e(text) : `<mark>${e(text)}</mark>`);
  const hidden = page.structure.filter((line) => HIDDEN_FIELD.test(line)).map((line) => line.trim());
  return [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<style>${css}</style></head><body>`,
    `<p class="title">${marked(page.title, other === undefined || other.title === page.title)}</p>`,
    ...textRegion(page.text, (text) => other === undefined || otherText.has(text), marked),
    hidden.length > 0 ? `<h2>Hidden fields</h2>${hidden.map((line) => `<p class="field">${marked(line, other === undefined || otherStructure.has(line))}</p>`).join('')}` : '',
    '</body></html>',
  ].join('');
}

/** The page's text blocks: those not on the other page with a few around them, the equal runs between folded in `<details>`. */
function textRegion(text: readonly string[], same: (text: string) => boolean, marked: (text: string, same: boolean) => string): string[] {
  const paragraph = (i: number): string => `<p>${marked(text[i] ?? '', same(text[i] ?? ''))}</p>`;
  const differs = text.map((t) => !same(t));
  if (!differs.includes(true)) return text.map((_, i) => paragraph(i));
  return diffRegion(differs, 2).map((segment) =>
    segment.kind === 'shown'
      ? segment.rows.map(paragraph).join('')
      : `<details><summary>${segment.rows.length} equal text block${segment.rows.length === 1 ? '' : 's'}</summary>${segment.rows.map(paragraph).join('')}</details>`,
  );
}

/** The HTML bodies of the responses of an observation, by response index. */
export function observedPages(observation: JsonObject): (PageSkeleton | undefined)[] {
  const responses = observation['responses'];
  if (!Array.isArray(responses)) return [];
  return responses.map((r) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? pageSkeleton(r['body']) : undefined));
}

const css = [
  'body{font:15px/1.4 system-ui,sans-serif;margin:.75rem;color:#0b0c0c}',
  'p{margin:0 0 .4rem}.title{font-weight:700;border-bottom:1px solid #b1b4b6;padding-bottom:.3rem}',
  'h2{font-size:13px;color:#505a5f;margin:.8rem 0 .3rem}.field{font:12px ui-monospace,monospace;overflow-wrap:anywhere}',
  'mark{background:#ffdd00}summary{color:#505a5f;font-size:13px;margin:0 0 .4rem}',
].join('');

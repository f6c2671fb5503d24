import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import type { ActorClient, HttpResponse } from '../http/types.js';
import type { ExtractorSpec } from './spec-schema.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/**
 * Apply one extractor to an answer: a CSS selector (tag, `#id`, `.class`, `[attr]`,
 * `[attr=value]`, `[attr^=value]`, compound and descendant selectors, `,` for alternatives) with
 * an attribute or the text; a regular expression (group 1 if it has groups, `last` for the last
 * match); a JSON pointer; a cookie the actor's jar now holds; a response header. Undefined when
 * nothing matched.
 */
export function extractValue(extractor: ExtractorSpec, response: HttpResponse, client: ActorClient, pattern?: string): string | undefined {
  if (extractor.cookie !== undefined) return client.cookie(extractor.cookie);
  if (extractor.header !== undefined) return response.headers[extractor.header.toLowerCase()];
  if (extractor.json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body);
    } catch {
      return undefined;
    }
    const value = jsonPointer(parsed, extractor.json);
    return value === undefined || value === null ? undefined : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  if (extractor.regex !== undefined) {
    const re = new RegExp(pattern ?? extractor.regex, 'g');
    const matches = [...response.body.matchAll(re)];
    const match = extractor.last ? matches[matches.length - 1] : matches[0];
    if (!match) return undefined;
    return match[extractor.group ?? (match.length > 1 ? 1 : 0)];
  }
  if (extractor.css !== undefined) {
    const element = selectFirst(response.body, extractor.css);
    if (!element) return undefined;
    return extractor.attr !== undefined ? element.attrs.find((a) => a.name === extractor.attr)?.value : textOf(element).trim();
  }
  return undefined;
}

export function jsonPointer(value: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return value;
  let current = value;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = part === '-' ? current[current.length - 1] : current[Number(part)];
    else if (current !== null && typeof current === 'object') current = (current as Record<string, unknown>)[part];
    else return undefined;
  }
  return current;
}

interface Compound {
  tag?: string;
  id?: string;
  classes: string[];
  attrs: { name: string; op?: '=' | '^=' | '*=' | '$='; value?: string }[];
}

const compoundPart = /([a-zA-Z][\w-]*)|#([\w-]+)|\.([\w-]+)|\[\s*([\w-]+)\s*(?:(\^=|\*=|\$=|=)\s*(?:"([^"]*)"|'([^']*)'|([^\]\s]+)))?\s*\]/gy;

/** Parse a selector list; throws on what it cannot read (checked at load time). */
export function parseSelector(selector: string): Compound[][] {
  return selector.split(',').map((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '')
      .map((text) => {
        const compound: Compound = { classes: [], attrs: [] };
        compoundPart.lastIndex = 0;
        let at = 0;
        while (at < text.length) {
          compoundPart.lastIndex = at;
          const m = compoundPart.exec(text);
          if (!m || m.index !== at) throw new Error(`unsupported CSS selector "${selector}" (supported: tag, #id, .class, [attr], [attr=value], [attr^=value], descendants, ",")`);
          at = compoundPart.lastIndex;
          if (m[1]) compound.tag = m[1].toLowerCase();
          else if (m[2]) compound.id = m[2];
          else if (m[3]) compound.classes.push(m[3]);
          else if (m[4]) {
            const attr: Compound['attrs'][number] = { name: m[4].toLowerCase() };
            if (m[5]) {
              attr.op = m[5] as '=' | '^=' | '*=' | '$=';
              attr.value = m[6] ?? m[7] ?? m[8] ?? '';
            }
            compound.attrs.push(attr);
          }
        }
        return compound;
      }),
  );
}

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function matches(element: Element, c: Compound): boolean {
  const attr = (name: string) => element.attrs.find((a) => a.name === name)?.value;
  if (c.tag && element.tagName !== c.tag) return false;
  if (c.id && attr('id') !== c.id) return false;
  const classes = (attr('class') ?? '').split(/\s+/);
  if (c.classes.some((cls) => !classes.includes(cls))) return false;
  return c.attrs.every((a) => {
    const v = attr(a.name);
    if (v === undefined) return false;
    if (!a.op || a.value === undefined) return true;
    if (a.op === '=') return v === a.value;
    if (a.op === '^=') return v.startsWith(a.value);
    if (a.op === '$=') return v.endsWith(a.value);
    return v.includes(a.value);
  });
}

function selectFirst(html: string, selector: string): Element | undefined {
  const alternatives = parseSelector(selector);
  let found: Element | undefined;
  const walk = (node: Node, ancestors: Element[]) => {
    if (found) return;
    if (isElement(node)) {
      for (const chain of alternatives) {
        const last = chain[chain.length - 1];
        if (!last || !matches(node, last)) continue;
        // Descendant combinators: earlier compounds must match ancestors in order.
        let k = chain.length - 2;
        for (let a = ancestors.length - 1; a >= 0 && k >= 0; a--) {
          const ancestor = ancestors[a];
          const compound = chain[k];
          if (ancestor && compound && matches(ancestor, compound)) k--;
        }
        if (k < 0) {
          found = node;
          return;
        }
      }
    }
    const next = isElement(node) ? [...ancestors, node] : ancestors;
    const children = 'childNodes' in node ? node.childNodes : [];
    for (const child of children) walk(child, next);
  };
  walk(parse(html) as unknown as Node, []);
  return found;
}

function textOf(node: Node): string {
  if ('value' in node && typeof node.value === 'string' && node.nodeName === '#text') return node.value;
  const children = 'childNodes' in node ? node.childNodes : [];
  return children.map(textOf).join('');
}

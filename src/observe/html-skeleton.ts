import type { DefaultTreeAdapterTypes } from 'parse5';
import { parseHtml } from './parse-html.js';
import type { JsonObject } from '../model/json.js';
import { pathTemplate } from './path-template.js';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

/** What stands for a per-request secret of the page (CSRF token, nonce). */
export const TOKEN_PLACEHOLDER = '‹token›';

/**
 * The skeleton of an HTML page as a visitor without JavaScript sees it:
 *
 * - `title`: the document title;
 * - `structure`: one line per element in document order, indented by depth, in a compact
 *   selector form — `form[action=/bookings/{n}/edit][method=post]`,
 *   `input[type=hidden][name=_csrf][value=‹token›]`, `h1#title.govuk-heading-l`. Links and form
 *   actions are path templates; hidden input values and CSRF/nonce meta contents are
 *   `‹token›` (a hidden value carrying an identifier — a 10-digit number, an NHI-like id, an
 *   email — is kept, masked like text, since it is a leak in plain sight); script, style and
 *   template contents are left out;
 * - `text`: the visible text, one entry per block (paragraph, heading, cell, list item…), with
 *   white space collapsed;
 * - `comments`: HTML comments, only when there are any (a canary in a comment is still a leak).
 *
 * Every text and attribute value goes through `mask` (typed values, volatile tokens). The
 * parser is parse5, which builds the same tree a browser would, also from invalid HTML, with
 * scripting off so `<noscript>` content is read as the page a no-JS visitor gets.
 *
 * @example
 * htmlSkeleton('<h1>Booking reference</h1><p>BK1001</p>', (t) => t).text // → ['Booking reference', 'BK1001']
 */
export function htmlSkeleton(html: string, mask: (text: string) => string): JsonObject {
  const document = parseHtml(html);
  const structure: string[] = [];
  const text: string[] = [];
  const comments: string[] = [];
  let title = '';
  let line = '';
  const flush = (): void => {
    const collapsed = line.replace(/\s+/g, ' ').trim();
    if (collapsed !== '') text.push(mask(collapsed));
    line = '';
  };

  const walk = (node: Node, depth: number, inHead: boolean): void => {
    if (node.nodeName === '#text' && 'value' in node) {
      if (!inHead) line += node.value;
      return;
    }
    if (node.nodeName === '#comment' && 'data' in node) {
      const comment = node.data.replace(/\s+/g, ' ').trim();
      if (comment !== '') comments.push(mask(comment));
      return;
    }
    if (!isElement(node)) {
      if ('childNodes' in node) for (const child of node.childNodes) walk(child, depth, inHead);
      return;
    }
    const tag = node.tagName;
    if (SKIPPED.has(tag)) return;
    if (tag === 'title') {
      title = mask(textContent(node).replace(/\s+/g, ' ').trim());
      return;
    }
    // In <head> only <meta> says anything a visitor meets (refresh, CSRF meta); title is kept apart.
    if (!inHead || tag === 'meta') structure.push(`${'  '.repeat(depth)}${describe(node, mask)}`);
    const block = BLOCK.has(tag);
    if (block || tag === 'br') flush();
    if (tag === 'svg' || tag === 'math') return; // drawing, not text
    const childHead = inHead || tag === 'head';
    for (const child of node.childNodes) walk(child, depth + 1, childHead);
    if (block) flush();
  };
  walk(document, 0, false);
  flush();

  const out: JsonObject = { type: 'html', title, structure, text };
  if (comments.length > 0) out['comments'] = comments;
  return out;
}

const SKIPPED = new Set(['script', 'style', 'template', 'link', 'base']);

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'button', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'label',
  'legend', 'li', 'main', 'nav', 'ol', 'option', 'p', 'pre', 'section', 'select', 'summary', 'table', 'tbody', 'td',
  'textarea', 'tfoot', 'th', 'thead', 'tr', 'ul', 'noscript',
]);

const TEXT_ATTRIBUTES = ['role', 'aria-label', 'title', 'alt', 'placeholder'];
const SECRET_NAME = /csrf|xsrf|token|nonce|secret|passw|passcode|^code$|^otp$|^pin$/i;
/** Values that identify a person: kept even in hidden fields. */
const IDENTIFIER = /(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)|\b[A-Z]{3}\d{4}\b|\b[A-Z]{3}\d{2}[A-Z]{2}\b|@/;

function describe(element: Element, mask: (text: string) => string): string {
  const tag = element.tagName;
  const attrs = new Map(element.attrs.map((a) => [a.name, a.value]));
  let out = tag;
  const id = attrs.get('id');
  if (id) out += `#${mask(id)}`;
  const classes = (attrs.get('class') ?? '').split(/\s+/).filter((c) => c !== '');
  if (classes.length > 0) out += `.${classes.map(mask).join('.')}`;
  const add = (name: string, value: string | undefined): void => {
    if (value !== undefined) out += `[${name}=${value}]`;
  };
  const flag = (name: string): void => {
    if (attrs.has(name)) out += `[${name}]`;
  };

  const type = attrs.get('type')?.toLowerCase();
  switch (tag) {
    case 'a':
    case 'area':
      add('href', template(attrs.get('href'), mask));
      break;
    case 'form':
      add('action', template(attrs.get('action'), mask));
      add('method', (attrs.get('method') ?? 'get').toLowerCase());
      break;
    case 'iframe':
    case 'frame':
      add('src', template(attrs.get('src'), mask));
      break;
    case 'input':
      add('type', type ?? 'text');
      add('name', attrs.get('name'));
      add('value', inputValue(type ?? 'text', attrs.get('name') ?? '', attrs.get('value'), mask));
      flag('checked');
      break;
    case 'button':
    case 'select':
    case 'textarea':
      add('type', type);
      add('name', attrs.get('name'));
      if (tag === 'button') add('value', maybe(attrs.get('value'), mask));
      break;
    case 'option':
      add('value', maybe(attrs.get('value'), mask));
      flag('selected');
      break;
    case 'meta':
      metaAttributes(attrs, add, mask);
      break;
    default:
      break;
  }
  for (const name of TEXT_ATTRIBUTES) add(name, maybe(attrs.get(name), mask));
  for (const [name, value] of attrs) if (name.startsWith('data-')) add(name, mask(value));
  for (const name of ['disabled', 'readonly', 'required', 'hidden', 'open']) flag(name);
  return out;
}

function inputValue(type: string, name: string, value: string | undefined, mask: (text: string) => string): string | undefined {
  if (value === undefined || type === 'password') return undefined;
  if (type === 'hidden') {
    if (SECRET_NAME.test(name) || !IDENTIFIER.test(value)) return value === '' ? '' : TOKEN_PLACEHOLDER;
    return mask(value);
  }
  return mask(value);
}

function metaAttributes(attrs: Map<string, string>, add: (name: string, value: string | undefined) => void, mask: (text: string) => string): void {
  const key = attrs.get('name') ?? attrs.get('property') ?? attrs.get('http-equiv');
  const which = attrs.has('name') ? 'name' : attrs.has('property') ? 'property' : attrs.has('http-equiv') ? 'http-equiv' : undefined;
  if (attrs.has('charset')) add('charset', attrs.get('charset')?.toLowerCase());
  if (which === undefined || key === undefined) return;
  add(which, key.toLowerCase());
  const content = attrs.get('content');
  if (content === undefined) return;
  if (SECRET_NAME.test(key)) return add('content', TOKEN_PLACEHOLDER);
  if (key.toLowerCase() === 'refresh') {
    // "5; url=/bookings/1042" → "5; url=/bookings/{n}"
    return add('content', content.replace(/(url\s*=\s*['"]?)([^'"\s]+)/i, (_m, prefix: string, url: string) => `${prefix}${mask(pathTemplate(url))}`));
  }
  add('content', mask(content));
}

function template(url: string | undefined, mask: (text: string) => string): string | undefined {
  return url === undefined ? undefined : mask(url.startsWith('#') ? url : pathTemplate(url));
}

function maybe(value: string | undefined, mask: (text: string) => string): string | undefined {
  return value === undefined ? undefined : mask(value);
}

function textContent(node: Node): string {
  if (node.nodeName === '#text' && 'value' in node) return node.value;
  if ('childNodes' in node) return node.childNodes.map(textContent).join('');
  return '';
}

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

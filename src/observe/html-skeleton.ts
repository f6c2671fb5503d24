import { parse, type DefaultTreeAdapterTypes } from 'parse5';
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
 *   selector form — `form[action=/bookings/{n}/edit?step=2][method=post]`,
 *   `input[type=hidden][name=status][value=vaccinated]`, `h1#title.govuk-heading-l`, with id,
 *   classes, `data-*` and `aria-*` attributes, `role`, `title`, `alt`, `placeholder`, `style`
 *   and flags (`disabled`, `checked`, `selected`…). Links, form actions and image sources are
 *   path templates with their query values; form fields show their names and values, hidden
 *   ones included (a hidden `status=vaccinated` is a leak in plain sight), through `mask` like
 *   any text, so random-looking tokens read `‹token›`; fields named like a CSRF token, nonce
 *   or password and CSRF/nonce meta contents are `‹token›` whatever their value; script, style
 *   and template contents are left out;
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
  const document = parse(html, { scriptingEnabled: false });
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

const TEXT_ATTRIBUTES = ['role', 'title', 'alt', 'placeholder', 'style'];
/** Fields whose value is a per-request secret of the page, whatever it looks like. */
const SECRET_NAME = /csrf|xsrf|token|nonce|secret|passw|passcode|^code$|^otp$|^pin$/i;

type Attributes = Element['attrs'];

/** An attribute's value. Elements have a handful, so a scan beats building a map per element. */
function attr(attrs: Attributes, name: string): string | undefined {
  for (const a of attrs) if (a.name === name) return a.value;
  return undefined;
}

/** `[name=value]`, or nothing when there is no value. */
function pair(name: string, value: string | undefined): string {
  return value === undefined ? '' : `[${name}=${value}]`;
}

/** `[name]` when the attribute is there. */
function flag(attrs: Attributes, name: string): string {
  return attr(attrs, name) === undefined ? '' : `[${name}]`;
}

const FLAGS = ['disabled', 'readonly', 'required', 'hidden', 'open'];

function describe(element: Element, mask: (text: string) => string): string {
  const tag = element.tagName;
  const attrs = element.attrs;
  let out = tag;
  const id = attr(attrs, 'id');
  if (id) out += `#${mask(id)}`;
  const classes = (attr(attrs, 'class') ?? '').split(/\s+/).filter((c) => c !== '');
  if (classes.length > 0) out += `.${classes.map(mask).join('.')}`;

  const type = attr(attrs, 'type')?.toLowerCase();
  switch (tag) {
    case 'a':
    case 'area':
      out += pair('href', template(attr(attrs, 'href'), mask));
      break;
    case 'form':
      out += pair('action', template(attr(attrs, 'action'), mask));
      out += pair('method', (attr(attrs, 'method') ?? 'get').toLowerCase());
      break;
    case 'iframe':
    case 'frame':
    case 'img':
    case 'source':
    case 'embed':
      out += pair('src', template(attr(attrs, 'src'), mask));
      break;
    case 'object':
      out += pair('data', template(attr(attrs, 'data'), mask));
      break;
    case 'input':
      out += pair('type', type ?? 'text');
      out += pair('name', attr(attrs, 'name'));
      out += pair('value', inputValue(type ?? 'text', attr(attrs, 'name') ?? '', attr(attrs, 'value'), mask));
      if (type === 'image') out += pair('src', template(attr(attrs, 'src'), mask));
      out += pair('formaction', template(attr(attrs, 'formaction'), mask));
      out += flag(attrs, 'checked');
      break;
    case 'button':
    case 'select':
    case 'textarea':
      out += pair('type', type);
      out += pair('name', attr(attrs, 'name'));
      if (tag === 'button') {
        out += pair('value', secretOr(attr(attrs, 'name') ?? '', attr(attrs, 'value'), mask));
        out += pair('formaction', template(attr(attrs, 'formaction'), mask));
      }
      break;
    case 'option':
      out += pair('value', maybe(attr(attrs, 'value'), mask));
      out += flag(attrs, 'selected');
      break;
    case 'meta':
      out += metaAttributes(attrs, mask);
      break;
    default:
      break;
  }
  for (const name of TEXT_ATTRIBUTES) out += pair(name, maybe(attr(attrs, name), mask));
  // parse5 keeps no duplicated attribute names (the first wins, as in a browser).
  for (const a of attrs) if (a.name.startsWith('aria-') || a.name.startsWith('data-')) out += pair(a.name, mask(a.value));
  for (const name of FLAGS) out += flag(attrs, name);
  return out;
}

/** A field's value through `mask`, hidden fields included; none for a password; `‹token›` for a field named like a secret. */
function inputValue(type: string, name: string, value: string | undefined, mask: (text: string) => string): string | undefined {
  if (value === undefined || type === 'password') return undefined;
  return secretOr(name, value, mask);
}

function secretOr(name: string, value: string | undefined, mask: (text: string) => string): string | undefined {
  if (value === undefined) return undefined;
  if (value !== '' && SECRET_NAME.test(name)) return TOKEN_PLACEHOLDER;
  return mask(value);
}

/** What names a meta element's content, in order of precedence. */
const META_KEYS = ['name', 'property', 'http-equiv'];

function metaAttributes(attrs: Attributes, mask: (text: string) => string): string {
  const which = META_KEYS.find((name) => attr(attrs, name) !== undefined);
  const key = which === undefined ? undefined : attr(attrs, which);
  let out = '';
  const charset = attr(attrs, 'charset');
  if (charset !== undefined) out += pair('charset', charset.toLowerCase());
  if (which === undefined || key === undefined) return out;
  out += pair(which, key.toLowerCase());
  const content = attr(attrs, 'content');
  if (content === undefined) return out;
  if (SECRET_NAME.test(key)) return out + pair('content', TOKEN_PLACEHOLDER);
  if (key.toLowerCase() === 'refresh') {
    // "5; url=/bookings/1042" → "5; url=/bookings/{n}"
    return out + pair('content', content.replace(/(url\s*=\s*['"]?)([^'"\s]+)/i, (_m, prefix: string, url: string) => `${prefix}${mask(pathTemplate(url))}`));
  }
  return out + pair('content', mask(content));
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

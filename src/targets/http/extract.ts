import { parseHtml } from '../../observe/parse-html.js';
import type { DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** A form on a page: where it posts and the values of its named fields (hidden ones included). */
export interface PageForm {
  action: string;
  method: string;
  fields: Record<string, string>;
}

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function attribute(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

function walk(node: Node, visit: (element: Element) => void): void {
  if (isElement(node)) visit(node);
  const children = 'childNodes' in node ? node.childNodes : [];
  for (const child of children) walk(child, visit);
  if (isElement(node) && node.tagName === 'template' && 'content' in node) walk(node.content as Node, visit);
}

/**
 * Every form of an HTML page with its action, method and field values, as a browser would
 * submit them untouched (inputs, selected options, textareas; unchecked boxes left out).
 *
 * @example
 * const [form] = pageForms(html);
 * await client.request({ method: 'POST', path: form.action, form: { ...form.fields, nhsNumber } });
 */
export function pageForms(html: string): PageForm[] {
  const forms: PageForm[] = [];
  walk(parseHtml(html) as unknown as Node, (element) => {
    if (element.tagName !== 'form') return;
    const fields: Record<string, string> = {};
    walk(element, (field) => {
      const name = attribute(field, 'name');
      if (name === undefined) return;
      if (field.tagName === 'input') {
        const type = (attribute(field, 'type') ?? 'text').toLowerCase();
        if ((type === 'checkbox' || type === 'radio') && attribute(field, 'checked') === undefined) return;
        if (type === 'submit' || type === 'button' || type === 'image') return;
        fields[name] = attribute(field, 'value') ?? '';
      } else if (field.tagName === 'textarea') {
        fields[name] = field.childNodes.map((c) => ('value' in c ? String(c.value) : '')).join('');
      } else if (field.tagName === 'select') {
        let chosen: string | undefined;
        walk(field, (option) => {
          if (option.tagName !== 'option') return;
          const value = attribute(option, 'value') ?? '';
          if (chosen === undefined || attribute(option, 'selected') !== undefined) chosen = value;
        });
        fields[name] = chosen ?? '';
      }
    });
    forms.push({ action: attribute(element, 'action') ?? '', method: (attribute(element, 'method') ?? 'get').toLowerCase(), fields });
  });
  return forms;
}

/** The value of the first input (any form) with this name, e.g. a CSRF token `_csrf`. */
export function inputValue(html: string, name: string): string | undefined {
  for (const form of pageForms(html)) if (name in form.fields) return form.fields[name];
  let found: string | undefined;
  walk(parseHtml(html) as unknown as Node, (element) => {
    if (found === undefined && element.tagName === 'input' && attribute(element, 'name') === name) found = attribute(element, 'value') ?? '';
  });
  return found;
}

/** The href of every link on a page, in order. */
export function pageLinks(html: string): string[] {
  const links: string[] = [];
  walk(parseHtml(html) as unknown as Node, (element) => {
    const href = element.tagName === 'a' ? attribute(element, 'href') : undefined;
    if (href !== undefined) links.push(href);
  });
  return links;
}

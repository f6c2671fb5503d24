import { Parser } from 'htmlparser2';

/** A form on a page: where it posts and the values of its named fields (hidden ones included). */
export interface PageForm {
  action: string;
  method: string;
  fields: Record<string, string>;
}

/** What one pass over a page finds: its forms, the first input of each name anywhere, its links. */
interface PageScan {
  forms: PageForm[];
  inputs: Map<string, string>;
  links: string[];
}

/** Input types a browser never submits by themselves. */
const BUTTON_TYPES = new Set(['submit', 'button', 'image', 'reset']);

/**
 * One streaming pass over a page with htmlparser2's tokenizer (no tree): a binding reads the
 * forms of nearly every page it gets, and a pass costs about half of a full parse5 parse and
 * leaves almost no garbage. The tokenizer reads script, style, title and textarea contents as
 * text and comments as comments, entities are decoded, the first of two same-named attributes
 * wins and a second `<form>` inside an open one is ignored, as in a browser. A field belongs to
 * the form open at its place in the page, even when the markup around it is broken (a browser's
 * form owner); a form left open ends with the page.
 *
 * With `until`, the pass stops when a form that has a field of that name closes: nothing later
 * in the page can change that form's fields, and no later form comes before it.
 */
function scanPage(html: string, until?: string): PageScan {
  const forms: PageForm[] = [];
  const inputs = new Map<string, string>();
  const links: string[] = [];
  let form: PageForm | undefined;
  let textarea: { name: string; text: string } | undefined;
  let select: { name: string; chosen: string | undefined } | undefined;

  const parser = new Parser(
    {
      onopentag(tag, attributes) {
        const name = attributes['name'];
        switch (tag) {
          case 'form':
            // No prototype: a field named `__proto__` is a field like any other.
            form = { action: attributes['action'] ?? '', method: (attributes['method'] ?? 'get').toLowerCase(), fields: Object.create(null) as Record<string, string> };
            forms.push(form);
            break;
          case 'a':
            if (attributes['href'] !== undefined) links.push(attributes['href']);
            break;
          case 'input': {
            if (name === undefined) break;
            const value = attributes['value'] ?? '';
            if (!inputs.has(name)) inputs.set(name, value);
            const type = (attributes['type'] ?? 'text').toLowerCase();
            if (form === undefined || BUTTON_TYPES.has(type)) break;
            if ((type === 'checkbox' || type === 'radio') && attributes['checked'] === undefined) break;
            form.fields[name] = value;
            break;
          }
          case 'textarea':
            if (form === undefined || name === undefined) break;
            form.fields[name] = ''; // keeps the field's place among the others
            textarea = { name, text: '' };
            break;
          case 'select':
            if (form === undefined || name === undefined) break;
            form.fields[name] = '';
            select = { name, chosen: undefined };
            break;
          case 'option':
            if (select !== undefined && (select.chosen === undefined || attributes['selected'] !== undefined)) select.chosen = attributes['value'] ?? '';
            break;
          default:
            break;
        }
      },
      ontext(text) {
        if (textarea !== undefined) textarea.text += text;
      },
      onclosetag(tag) {
        if (tag === 'textarea' && textarea !== undefined) {
          // A browser drops the one newline right after <textarea>.
          if (form !== undefined) form.fields[textarea.name] = textarea.text.replace(/^\r?\n/, '');
          textarea = undefined;
        } else if (tag === 'select' && select !== undefined) {
          if (form !== undefined) form.fields[select.name] = select.chosen ?? '';
          select = undefined;
        } else if (tag === 'form') {
          if (until !== undefined && form !== undefined && Object.hasOwn(form.fields, until)) parser.pause();
          form = undefined;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return { forms, inputs, links };
}

/**
 * Every form of an HTML page with its action, method and field values, as a browser would
 * submit them untouched (inputs, selected options, textareas; unchecked boxes and buttons left out).
 *
 * @example
 * const [form] = pageForms(html);
 * await client.request({ method: 'POST', path: form.action, form: { ...form.fields, nhsNumber } });
 */
export function pageForms(html: string): PageForm[] {
  return scanPage(html).forms;
}

/**
 * The value of the first input (any form, else anywhere on the page) with this name, e.g. a CSRF
 * token `_csrf`. The page is read up to the end of the first form that has the field (about half
 * of a page, for a token at the top of its form).
 */
export function inputValue(html: string, name: string): string | undefined {
  return valueIn(scanPage(html, name), name);
}

/** `inputValue` from a pass over the whole page (tests: the two must always agree). */
export function inputValueReadingWholePage(html: string, name: string): string | undefined {
  return valueIn(scanPage(html), name);
}

function valueIn(page: PageScan, name: string): string | undefined {
  for (const form of page.forms) if (Object.hasOwn(form.fields, name)) return form.fields[name];
  return page.inputs.get(name);
}

/** The href of every link on a page, in order. */
export function pageLinks(html: string): string[] {
  return scanPage(html).links;
}

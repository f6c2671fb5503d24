/** HTML building for the staging site: every interpolated value is escaped unless it is already `SafeHtml`. */

/** A piece of markup that is already safe to emit as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = string | number | boolean | SafeHtml | null | undefined | readonly HtmlValue[];

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('');
  return escapeHtml(String(value));
}

/**
 * Tagged template for markup: `html\`<p>${name}</p>\`` escapes `name`; nested `html` results and
 * arrays of them are inserted as they are.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** What every page carries besides its own content. */
export interface PageFrame {
  /** Random per request: the page's volatile nonce. */
  requestId: string;
  /** When the page was generated (wall clock). */
  now: Date;
  title: string;
  /** Model prefix for the header link, e.g. `/sealed-envelope`. */
  home?: string;
  /** Name of the service shown in the header. */
  service?: string;
}

function clockTime(now: Date): string {
  return now.toISOString().slice(11, 19);
}

/** A whole HTML document: header, main content, footer with the generation time and request id. */
export function layout(frame: PageFrame, main: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="request-id" content="${frame.requestId}">
<title>${frame.title}${frame.service ? ` – ${frame.service}` : ''}</title>
</head>
<body>
<header><a href="${frame.home ?? '/'}">${frame.service ?? 'bookfuzz staging'}</a></header>
<main>
<h1>${frame.title}</h1>
${main}
</main>
<footer><p>Page generated at <time datetime="${frame.now.toISOString()}">${clockTime(frame.now)}</time> · request ${frame.requestId}</p></footer>
</body>
</html>
`;
}

/** A hidden CSRF field for a form. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A POST form with a CSRF token and a single submit button (log out, confirm). */
export function buttonForm(action: string, csrf: string, label: string, hidden: Record<string, string> = {}): SafeHtml {
  const fields = Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`<form method="post" action="${action}">${csrfField(csrf)}${fields}<button type="submit">${label}</button></form>`;
}

/** A short error/notice paragraph when a message is given. */
export function notice(message: string | undefined, kind: 'error' | 'info' = 'error'): SafeHtml {
  return message ? html`<p class="${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${message}</p>` : html``;
}

/** An NHS number as shown on screen, 3-3-4. */
export function spacedNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

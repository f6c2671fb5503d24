/**
 * Characters XML 1.0 forbids anywhere in a document (C0 controls other than tab, line feed and
 * carriage return, lone surrogates, U+FFFE and U+FFFF). HTML treats them as parse errors too.
 */
const forbidden = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Text made safe for XML and HTML, in element content and in quoted attribute values alike:
 * forbidden characters are dropped and `& < > " '` become entities.
 *
 * @example
 * escapeMarkup(`O'Brien-<script>`) // → 'O&#39;Brien-&lt;script&gt;'
 */
export function escapeMarkup(text: string): string {
  return text.replace(forbidden, '').replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

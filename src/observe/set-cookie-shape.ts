import { pathTemplate } from './path-template.js';

/** Longest cookie value shown as it is (after masking); longer ones are shown as their shape. */
export const READABLE_COOKIE_LENGTH = 16;

/**
 * What an actor learns from one `Set-Cookie` line: its name, and a text holding the value's
 * shape and the attributes, sorted, names lower-case — `‹b64{43}›; httponly; path=/; samesite=lax`.
 *
 * - A short readable value (16 characters or fewer, not mixing letters and digits over 8
 *   characters) is kept, through `mask` (typed and volatile values): `registered`, `1`, `yes`.
 *   An empty value (a deletion) reads as nothing before the first `;`.
 * - A long or random-looking value reads as its shape, charset and length: `‹hex{32}›`,
 *   `‹b64{43}›`, `‹digits{20}›`, `‹text{120}›`, so a rotating session id does not differ.
 * - `path` is a path template, `domain` lower-case, `max-age` and `expires` values go through
 *   `mask` (an `Expires` date reads `‹date› ‹time› GMT`), `samesite` lower-case, flags
 *   (`secure`, `httponly`, `partitioned`) by name.
 *
 * @example
 * setCookieShape('sid=3f9a7c2e41b84d0f9a1c3f9a7c2e41b8; Path=/; HttpOnly', (t) => t)
 * // → { name: 'sid', text: '‹hex{32}›; httponly; path=/' }
 */
export function setCookieShape(line: string, mask: (text: string) => string): { name: string; text: string } {
  const [first = '', ...rest] = line.split(';');
  const eq = first.indexOf('=');
  const name = (eq === -1 ? first : first.slice(0, eq)).trim();
  const rawValue = eq === -1 ? '' : first.slice(eq + 1).trim();
  const attributes: string[] = [];
  for (const part of rest) {
    const at = part.indexOf('=');
    const key = (at === -1 ? part : part.slice(0, at)).trim().toLowerCase();
    if (key === '') continue;
    const value = at === -1 ? undefined : part.slice(at + 1).trim();
    attributes.push(value === undefined ? key : `${key}=${attributeValue(key, value, mask)}`);
  }
  attributes.sort();
  return { name, text: [valueShape(rawValue, mask), ...attributes].join('; ') };
}

function attributeValue(key: string, value: string, mask: (text: string) => string): string {
  if (key === 'path') return mask(pathTemplate(value));
  if (key === 'domain' || key === 'samesite') return value.toLowerCase();
  return mask(value);
}

/** The value as it is (masked) when short and readable, else its shape. */
function valueShape(raw: string, mask: (text: string) => string): string {
  const unquoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  const value = decoded(unquoted);
  if (value.length <= READABLE_COOKIE_LENGTH && !randomLooking(value)) return mask(value);
  return `‹${charset(unquoted)}{${unquoted.length}}›`;
}

/** Mixes letters and digits over 8 characters or more: a generated id, not a word. */
function randomLooking(value: string): boolean {
  return value.length >= 8 && /[A-Za-z]/.test(value) && /\d/.test(value);
}

function charset(value: string): string {
  if (/^\d+$/.test(value)) return 'digits';
  if (/^[0-9a-f]+$/.test(value) || /^[0-9A-F]+$/.test(value)) return 'hex';
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) || /^[A-Za-z0-9_-]+={0,2}$/.test(value)) return 'b64';
  return 'text';
}

function decoded(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Small pieces every fixture site (the leak zoo's, the spec fixtures') needs to answer like a real
 * site: random choices for its noise, cookies read from a request, a request body read in full.
 */

/** The list in a random order. */
export function shuffled<T>(list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** One element of the list, at random. */
export function pick<T>(list: readonly T[]): T {
  return list[randomInt(list.length)] as T;
}

/** `bytes` random bytes as hex. */
export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** The cookies of a `Cookie` header, by name (values URL-decoded). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    out.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return out;
}

/** The request's body as text; more than `limit` bytes is an error. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new Error('body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

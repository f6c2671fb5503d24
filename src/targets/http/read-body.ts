import type { Readable } from 'node:stream';
import { DeadlineError } from './transport-error.js';

export interface ReadBody {
  bytes: Buffer;
  /** True when reading stopped at the cap (the rest was never read; the connection is dropped). */
  truncated: boolean;
}

/**
 * Read a response body up to `maxBytes`, then stop: the stream is destroyed, so a huge or
 * endless body costs at most `maxBytes` of memory. Fails with a `DeadlineError` if the body has
 * not ended within `deadlineMs` (a server trickling bytes forever).
 */
export async function readBody(body: Readable, maxBytes: number, deadlineMs: number): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const timer = setTimeout(() => body.destroy(new DeadlineError(`body deadline of ${deadlineMs} ms`)), deadlineMs);
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      if (buffer.length === 0) continue;
      const room = maxBytes - size;
      if (buffer.length > room) {
        // Past the cap: keep what fits and never read the rest.
        if (room > 0) chunks.push(buffer.subarray(0, room));
        size = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(buffer);
      size += buffer.length;
    }
  } finally {
    clearTimeout(timer);
    if (!body.destroyed) body.destroy();
  }
  return { bytes: Buffer.concat(chunks, size), truncated };
}

/**
 * Decode as UTF-8, invalid bytes replaced with U+FFFD. A cut body may end inside a multi-byte
 * character: that incomplete tail is dropped rather than shown as a replacement character.
 */
export function decodeUtf8(bytes: Buffer, truncated: boolean): string {
  let end = bytes.length;
  if (truncated) end -= incompleteTail(bytes);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, end));
}

function incompleteTail(bytes: Buffer): number {
  // Look back at most 3 bytes for the lead byte of a sequence that runs past the end.
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

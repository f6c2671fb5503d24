import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { DeadlineError } from './transport-error.js';

/** An answer as it came off the wire: status, headers and the body up to the cap. */
export interface CappedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  bytes: Buffer;
  /** True when reading stopped at the cap (the rest was never read; the connection is dropped). */
  truncated: boolean;
}

/**
 * Send one request through `dispatcher` and read its answer's body up to `maxBytes`, then
 * stop: the request is aborted, so a huge or endless body costs at most `maxBytes` of memory.
 * Fails with a `DeadlineError` if the body has not ended within `deadlineMs` of the headers
 * (a server trickling bytes forever), and with undici's own error for anything else.
 * `opaque` rides along to the interceptors, as with `request()`.
 *
 * The body is collected straight from undici's handler calls: no stream per answer, and the
 * headers are parsed once (undici's `request()` parses them twice and wraps a stream around
 * the body, which cost more than a tenth of the live client's time).
 */
export function readResponse(dispatcher: Dispatcher, request: Dispatcher.DispatchOptions & { opaque?: unknown }, maxBytes: number, deadlineMs: number): Promise<CappedResponse> {
  return new Promise((resolve, reject) => {
    const handler = new BodyCollector(maxBytes, deadlineMs, resolve, reject);
    try {
      dispatcher.dispatch(request, handler);
    } catch (error) {
      handler.onResponseError(undefined, error instanceof Error ? error : new Error(String(error)));
    }
  });
}

class BodyCollector implements Dispatcher.DispatchHandler {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private timer: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(
    private readonly maxBytes: number,
    private readonly deadlineMs: number,
    private readonly resolve: (response: CappedResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** Present so undici takes this for a handler of its current interface (it checks for this method). */
  onRequestStart(): void {}

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // informational: the real answer follows
    this.status = statusCode;
    this.headers = headers;
    this.timer = setTimeout(() => controller.abort(new DeadlineError(`body deadline of ${this.deadlineMs} ms`)), this.deadlineMs);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled || chunk.length === 0) return;
    const room = this.maxBytes - this.size;
    if (chunk.length > room) {
      // Past the cap: keep what fits and never read the rest.
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.size = this.maxBytes;
      this.finish(true);
      controller.abort(new Error('response body cut at the size cap'));
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  onResponseEnd(): void {
    this.finish(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.settle()) this.reject(error);
  }

  private finish(truncated: boolean): void {
    if (!this.settle()) return;
    const bytes = this.chunks.length === 1 && this.chunks[0] !== undefined ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.resolve({ status: this.status, headers: this.headers, bytes, truncated });
  }

  /** Stop the deadline; true the first time only (after a cut, undici still reports the abort). */
  private settle(): boolean {
    clearTimeout(this.timer);
    if (this.settled) return false;
    this.settled = true;
    return true;
  }
}

/**
 * Decode as UTF-8, invalid bytes replaced with U+FFFD. A cut body may end inside a multi-byte
 * character: that incomplete tail is dropped rather than shown as a replacement character.
 */
export function decodeUtf8(bytes: Buffer, truncated: boolean): string {
  let end = bytes.length;
  if (truncated) end -= incompleteTail(bytes);
  return UTF8.decode(bytes.subarray(0, end));
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

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

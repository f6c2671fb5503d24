import { BookfuzzError, isBookfuzzError } from '../errors.js';

/** Marks an error raised by our own whole-response deadline. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * Turn whatever a request threw into a `BookfuzzError`: our own errors pass through, anything
 * from undici or the socket becomes `BF_TRANSPORT` with plain words for what happened.
 */
export function transportError(error: unknown, where: string, timeoutMs: number): BookfuzzError {
  if (isBookfuzzError(error)) return error;
  return new BookfuzzError('BF_TRANSPORT', describe(error, timeoutMs), { where, cause: error });
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof DeadlineError) return `the response did not finish within ${timeoutMs} ms (timeout)`;
  const codes = errorCodes(error);
  const has = (...wanted: string[]): boolean => wanted.some((c) => codes.includes(c));
  if (has('UND_ERR_HEADERS_TIMEOUT')) return `no answer within ${timeoutMs} ms (timeout waiting for the response headers)`;
  if (has('UND_ERR_BODY_TIMEOUT')) return `the response body stalled for ${timeoutMs} ms (timeout)`;
  if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) return `could not connect within ${timeoutMs} ms (timeout)`;
  if (has('ECONNREFUSED')) return 'connection refused: nothing is listening there';
  if (has('ECONNRESET', 'EPIPE')) return 'the server reset the connection';
  if (has('ENOTFOUND', 'EAI_AGAIN')) return 'the host name could not be resolved';
  if (codes.some((c) => c.startsWith('HPE_') || c === 'HTTPParserError')) return `the server sent a malformed HTTP response (${parserDetail(error)})`;
  if (has('UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'ResponseContentLengthMismatchError')) return 'the server sent a body that does not match its Content-Length';
  if (has('UND_ERR_HEADERS_OVERFLOW')) return 'the server sent response headers larger than allowed';
  if (has('UND_ERR_SOCKET')) return 'the server closed the connection before the response was complete';
  if (has('UND_ERR_CLOSED', 'UND_ERR_DESTROYED')) return 'the live site was already closed';
  if (has('UND_ERR_ABORTED')) return 'the request was aborted';
  const message = error instanceof Error ? error.message : String(error);
  return `the request failed: ${message || 'unknown transport error'}`;
}

function parserDetail(error: unknown): string {
  return error instanceof Error ? error.message : 'unparsable';
}

/** Every `code` (and error class name) on the error, its causes and (for AggregateError) its parts. */
function errorCodes(error: unknown, depth = 0): string[] {
  if (depth > 5 || error === null || typeof error !== 'object') return [];
  const out: string[] = [];
  const code: unknown = (error as { code?: unknown }).code;
  if (typeof code === 'string') out.push(code);
  const name: unknown = (error as { name?: unknown }).name;
  if (typeof name === 'string') out.push(name);
  out.push(...errorCodes((error as { cause?: unknown }).cause, depth + 1));
  if (error instanceof AggregateError) for (const part of error.errors) out.push(...errorCodes(part, depth + 1));
  return out;
}

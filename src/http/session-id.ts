import { createHash } from 'node:crypto';

/**
 * A stable short id for a session secret (a cookie value, a bearer token) to report as a step's
 * `session`: `prefix` and the first 12 hex digits of its SHA-256. The same secret always gives the
 * same id, and the secret itself never leaves the binding. `undefined` stays `undefined`.
 *
 * @example
 * const session = sessionId('nhs-', client.cookie('nhs_session')); // 'nhs-3f2a9c0b1d7e' or undefined
 */
export function sessionId(prefix: string, secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  // A binding asks for the same session's id at every step: the digests of recent secrets are kept (in this process, never written anywhere).
  let digest = recent.get(secret);
  if (digest === undefined) {
    digest = createHash('sha256').update(secret).digest('hex').slice(0, 12);
    if (recent.size >= 1024) recent.clear();
    recent.set(secret, digest);
  }
  return `${prefix}${digest}`;
}

/** Digests of the secrets seen last (at most 1024, forgotten all at once). */
const recent = new Map<string, string>();

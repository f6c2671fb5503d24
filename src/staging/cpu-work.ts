import { createHash } from 'node:crypto';

/** Default CPU time (ms) of the staging site's secret-path lookups (`history-lookup-timing`, `dose-lookup-timing`). */
export const defaultTimingWorkMs = 2;

/**
 * Real CPU work standing in for a lookup: hash the entries of a generated history, one after the
 * other, until `ms` milliseconds have passed (at least one entry). Blocks the event loop, as a
 * synchronous lookup or password hash would. Returns the last digest so nothing is optimised away.
 */
export function lookupWork(key: string, ms: number): string {
  const start = performance.now();
  let digest = key;
  let entry = 0;
  do {
    digest = createHash('sha256').update(`${digest}:${key}:entry-${entry++}:dose:batch:site`).digest('hex');
  } while (performance.now() - start < ms);
  return digest;
}

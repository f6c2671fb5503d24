import { createHash } from 'node:crypto';

/** Default CPU time (ms) of the staging site's secret-path lookups (`history-lookup-timing`, `dose-lookup-timing`). */
export const defaultTimingWorkMs = 2;

/**
 * Real CPU work standing in for a lookup: hash the entries of a generated history into one
 * digest until `ms` milliseconds have passed (at least one entry). Blocks the event loop, as a
 * synchronous lookup or password hash would. Returns the digest so nothing is optimised away.
 *
 * One hash object takes every entry. With a new one per entry (about 2,000 per lookup), the
 * garbage collector had thousands of native objects to finalize: the site's young-generation
 * collections took 9 ms on average, 15% of its time under load, while a real lookup or password
 * hash leaves next to nothing behind.
 */
export function lookupWork(key: string, ms: number): string {
  const start = performance.now();
  const hash = createHash('sha256');
  let entry = 0;
  do {
    hash.update(`${key}:entry-${entry++}:dose:batch:site`);
  } while (performance.now() - start < ms);
  return hash.digest('hex');
}

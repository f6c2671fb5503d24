import { auditComplete } from './audit-complete.js';
import { authorized } from './authorized.js';
import { indistinguishable } from './indistinguishable.js';
import { noCanaryLeak } from './no-canary-leak.js';
import type { Oracle } from './oracle.js';
import { sessionDies } from './session-dies.js';
import { timing } from './timing.js';

/** The one list of oracles. A file in this folder missing here fails a test. */
export const oracles: readonly Oracle[] = [indistinguishable, authorized, noCanaryLeak, sessionDies, auditComplete, timing];

export function oracleById(id: string): Oracle | undefined {
  return oracles.find((oracle) => oracle.id === id);
}

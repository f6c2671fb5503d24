import { indistinguishable } from './indistinguishable.js';
import type { Oracle } from './oracle.js';

/** The one list of oracles. A file in this folder missing here fails a test. */
export const oracles: readonly Oracle[] = [indistinguishable];

export function oracleById(id: string): Oracle | undefined {
  return oracles.find((oracle) => oracle.id === id);
}

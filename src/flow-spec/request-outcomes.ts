import type { RequestOutcome } from '../model/request-outcome.js';

/** What became of one request (or one extractor): done, answered but not done, or no usable answer. */
export type OutcomeKind = 'ok' | 'refused' | 'failed';

/** Counts of set-up, log-in, extractor and cleanup requests over a run, kept in the order first seen. */
export interface OutcomeCounter {
  count(what: string, phase: RequestOutcome['phase'], where: string | undefined, kind: OutcomeKind, problem?: string): void;
  /** The counts so far (copies). */
  list(): RequestOutcome[];
  /** One line per kind of request that was not always done, for the run's notes. */
  notes(): string[];
}

export function outcomeCounter(): OutcomeCounter {
  const outcomes = new Map<string, RequestOutcome>();
  return {
    count(what, phase, where, kind, problem) {
      const key = `${phase}\u0000${what}\u0000${where ?? ''}`;
      let outcome = outcomes.get(key);
      if (!outcome) {
        outcome = { what, phase, ...(where !== undefined ? { where } : {}), sent: 0, ok: 0, refused: 0, failed: 0 };
        outcomes.set(key, outcome);
      }
      outcome.sent++;
      outcome[kind]++;
      if (kind !== 'ok' && problem !== undefined) outcome.last = problem;
    },
    list: () => [...outcomes.values()].map((o) => ({ ...o })),
    notes: () =>
      [...outcomes.values()]
        .filter((o) => o.refused + o.failed > 0)
        .map((o) => {
          const parts = [o.refused > 0 ? `${o.refused} refused` : '', o.failed > 0 ? `${o.failed} failed` : ''].filter((p) => p !== '').join(', ');
          const verb = o.phase === 'extract' ? 'looked' : 'sent';
          return `${o.what}: ${verb} ${o.sent}×, ${o.ok} ok, ${parts}${o.last !== undefined ? ` (last: ${o.last})` : ''}${o.where !== undefined ? ` at ${o.where}` : ''}`;
        }),
  };
}

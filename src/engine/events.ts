import type { Finding } from './finding.js';
import type { RequestPhase, RunDocument } from './run-document.js';

/** What the engine tells listeners (reporters, progress bars, the vitest entry) while it works. */
export type EngineEvent =
  | { type: 'run-started'; model: string; variant: string; oracles: string[]; runs: number; seed: number }
  /** Every 50 cases (and when a worker's chunk ends); `requests`: sent so far in the whole run, when the runner counts them. */
  | { type: 'case-finished'; oracle: string; cases: number; requests?: number }
  /** Live mode, the timing oracle: how far the test of the current case is (`samples` kept per class, at most `max`). */
  | { type: 'timing'; test: 'twins' | 'null'; samples: number; discarded: number; max: number }
  /**
   * A finding, the moment it is confirmed (searched in this thread) or its chunk's result arrives
   * (worker threads); `cases`: cases run so far in the whole run. Announced again, with the same
   * `finding.key`, when its shrinking ends (`finding.found.shrunk` true): save it over the first.
   */
  | { type: 'finding'; finding: Finding; cases?: number }
  /**
   * What the engine is doing now (live mode: where its requests go), and the requests sent so far
   * in the whole run when the runner counts them. `done`: the search is over, reports follow.
   */
  | { type: 'phase'; phase: RequestPhase | 'done'; requests?: number }
  | { type: 'run-finished'; document: RunDocument };

export type EngineListener = (event: EngineEvent) => void;

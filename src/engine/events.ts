import type { Finding } from './finding.js';
import type { RunDocument } from './run-document.js';

/** What the engine tells listeners (reporters, progress bars, the vitest entry) while it works. */
export type EngineEvent =
  | { type: 'run-started'; model: string; variant: string; oracles: string[]; runs: number; seed: number }
  | { type: 'case-finished'; oracle: string; cases: number }
  /** A finding, the moment it is confirmed (searched in this thread) or its chunk's result arrives (worker threads); `cases`: cases run so far in the whole run. */
  | { type: 'finding'; finding: Finding; cases?: number }
  | { type: 'run-finished'; document: RunDocument };

export type EngineListener = (event: EngineEvent) => void;

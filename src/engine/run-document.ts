import type { RequestOutcome } from '../model/request-outcome.js';
import type { Finding } from './finding.js';

export type { RequestOutcome } from '../model/request-outcome.js';

/** The document of one run: what `--json` prints, what reports are made from. Versioned. */
export interface RunDocument {
  version: 1;
  tool: 'bookfuzz';
  mode: 'model' | 'live';
  model: string;
  /** The model's entry file, when it was loaded from a file (SARIF locations point here). */
  modelFile?: string;
  variant: string;
  flaws: string[];
  oracles: string[];
  runs: number;
  seed: number;
  /**
   * `inconclusive`: the run could not test what it was asked to (set-up failed for most cases,
   * the target kept failing), whatever it found; `reason` says why.
   */
  status: 'passed' | 'failed' | 'interrupted' | 'inconclusive';
  /** With status `inconclusive`: what could not be tested and why, in words a user can act on. */
  reason?: string;
  stats: RunStats;
  findings: Finding[];
  /** Live mode: the base URL fuzzed. */
  target?: string;
  /** `i/n` when this run covered one shard of the chunks (`--shard`); `bookfuzz merge` combines shards. */
  shard?: string;
  /** What the user should know: transport errors, a spent budget, candidates that did not reproduce. */
  notes?: string[];
  /** Live mode: how each kind of request went (set-up, log-in, extractors, cleanup), in the order first sent. */
  outcomes?: RequestOutcome[];
}

/** Where a live run's requests went: the engine's phases, and set-up / cleanup around every run side. */
export type RequestPhase = 'calibration' | 'search' | 'noise-check' | 'confirmation' | 'shrinking' | 'timing' | 'setup' | 'cleanup';

export const requestPhases: readonly RequestPhase[] = ['calibration', 'search', 'noise-check', 'confirmation', 'shrinking', 'timing', 'setup', 'cleanup'];

/** What a run did and what it cost. */
export interface RunStats {
  cases: number;
  steps: number;
  durationMs: number;
  /** Live mode: requests sent in all, and by phase (a request of a side's set-up counts as `setup` whatever the engine was doing). */
  requests?: { total: number; byPhase: Partial<Record<RequestPhase, number>> };
  /** Live mode: per action, how its steps went (every run side of every phase). */
  actions?: ActionStats[];
}

/** How the steps of one action went over a live run. */
export interface ActionStats {
  action: string;
  /** Steps of this action that were performed (requests sent). */
  sent: number;
  /** Done (the binding said `ok`). */
  ok: number;
  /** Answered, but refused (an outcome `refused`, an extractor that found nothing). */
  refused: number;
  /** No usable answer: a transport error or a spent budget at this step. */
  failed: number;
}

import type { Finding } from './finding.js';

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
  status: 'passed' | 'failed' | 'interrupted';
  stats: { cases: number; steps: number; durationMs: number };
  findings: Finding[];
  /** Live mode: the base URL fuzzed. */
  target?: string;
  /** `i/n` when this run covered one shard of the chunks (`--shard`); `bookfuzz merge` combines shards. */
  shard?: string;
  /** What the user should know: transport errors, a spent budget, candidates that did not reproduce. */
  notes?: string[];
}

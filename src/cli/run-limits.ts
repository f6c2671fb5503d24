import { endlessRuns } from '../engine/chunks.js';
import type { RunDocument } from '../engine/run-document.js';
import { BookfuzzError } from '../errors.js';
import type { ProgressOptions } from './progress.js';

/** How long a run goes on and how it reports progress: `--duration`, `--runs inf`, `--progress-interval`. */
export interface RunLimits {
  /** `--duration`: search until then (ms), then finish the current case and report; `text` as the user wrote it. */
  duration?: { ms: number; text: string } | undefined;
  /** `--progress-interval` (ms; 0: no lines). Undefined: the default, and no progress with `--json`. */
  progressIntervalMs?: number | undefined;
}

const units: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A time on the command line, in milliseconds: `500ms`, `15s`, `2m`, `1.5h`, or `0`.
 *
 * @example
 * parseDuration('2m', '--duration') // → 120000
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(trimmed);
  const factor = match?.[2] !== undefined ? units[match[2]] : undefined;
  if (!match || factor === undefined) throw new BookfuzzError('BF_USAGE', `${flag} must be a time such as 500ms, 15s, 2m or 1h, got "${text}"`);
  return Math.round(Number(match[1]) * factor);
}

/**
 * `--runs`: a whole number of at least 1, or `inf` for a run with no end (it stops at Ctrl-C,
 * SIGTERM or `--duration`).
 */
export function parseRuns(value: string | number | undefined, flag = '--runs'): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim().toLowerCase() === 'inf') return endlessRuns;
  const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isSafeInteger(n)) throw new BookfuzzError('BF_USAGE', `${flag} must be a whole number (or inf: until stopped)`);
  if (n < 1) throw new BookfuzzError('BF_USAGE', `${flag} must be at least 1 (or inf: until stopped)`);
  return n;
}

/** What a command does with its limits: the signal that ends the search, progress options, notes for the document. */
export interface AppliedLimits {
  /** Aborted when `--duration` is over (the engine's `until`: the run is not called interrupted). */
  until: AbortSignal | undefined;
  progress(json: boolean): ProgressOptions;
  /** Say in the document that `--duration` stopped it, and what an endless run covered. */
  annotate(document: RunDocument): void;
}

/** Start the clock of `--duration` (from now) and read the other limits. */
export function runLimits(limits: RunLimits | undefined): AppliedLimits {
  const duration = limits?.duration;
  const until = duration !== undefined ? AbortSignal.timeout(duration.ms) : undefined;
  return {
    until,
    progress: (json) => {
      const interval = limits?.progressIntervalMs;
      // --json keeps stderr quiet too, unless lines were asked for.
      return { enabled: !json || (interval !== undefined && interval > 0), ...(interval !== undefined ? { intervalMs: interval } : {}) };
    },
    annotate: (document) => {
      const notes: string[] = [];
      if (until?.aborted && duration !== undefined) notes.push(`stopped after ${duration.text} (--duration)`);
      if (!Number.isFinite(document.runs)) {
        // An endless run has no number of runs: the document, whose schema wants one, gets the cases it ran per oracle.
        const perOracle = Math.max(1, Math.ceil(document.stats.cases / Math.max(1, document.oracles.length)));
        notes.push(`endless run (--runs inf): ${perOracle} cases per oracle until it was stopped`);
        document.runs = perOracle;
      }
      if (notes.length > 0) document.notes = [...(document.notes ?? []), ...notes];
    },
  };
}

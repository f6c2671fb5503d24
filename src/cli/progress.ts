import cliProgress from 'cli-progress';
import { findingKey } from '../engine/chunks.js';
import type { EngineEvent, EngineListener } from '../engine/events.js';
import type { RequestPhase } from '../engine/run-document.js';
import { formatCount, formatDuration, requestPhaseLabel } from '../report/run-stats.js';

/** Where progress goes: stderr, a terminal or not. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** Show anything at all (false with `--json`, unless `--progress-interval` was given). */
  enabled: boolean;
  /** Off a terminal: milliseconds between two progress lines (`--progress-interval`); 0: none. Default 15 000. */
  intervalMs?: number;
  /** The clock lines measure elapsed time with. Default `Date.now`. */
  now?: () => number;
}

/** `--progress-interval` when not given: a line every 15 s off a terminal. */
export const defaultProgressIntervalMs = 15_000;

/** What the run has done so far, as progress shows it. */
interface RunSoFar {
  model: string;
  started: number;
  cases: number;
  /** Requests sent so far (live mode: from `phase` events). */
  requests: number | undefined;
  /** Distinct findings (a finding announced again once shrunk counts once). */
  findings: Set<string>;
  phase: RequestPhase | undefined;
  /** The timing oracle's samples of the case in hand, in words: `twins 120/400`. */
  timing?: string | undefined;
  oracle: string | undefined;
}

/**
 * Progress on stderr while a run works. On a terminal, a bar: cases run, findings so far. Off a
 * terminal (CI), a line every `intervalMs`: elapsed time, cases, requests (live mode), findings
 * and what the engine is doing. Nothing when `enabled` is false. Returns the listener and a
 * `stop` to call at the end (it also ends the lines' timer).
 */
export function progressListener(stream: ProgressStream, options: ProgressOptions): { listener: EngineListener; stop: () => void } {
  if (!options.enabled) return { listener: () => {}, stop: () => {} };
  if (stream.isTTY) return progressBar();
  const intervalMs = options.intervalMs ?? defaultProgressIntervalMs;
  if (intervalMs <= 0) return { listener: () => {}, stop: () => {} };
  return progressLines(stream, intervalMs, options.now ?? Date.now);
}

/** The terminal bar. An endless run (`--runs inf`) has no total: its bar fills with the cases run. */
function progressBar(): { listener: EngineListener; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { format: '{model} {bar} {value}/{total} cases | {findings} findings | {oracle}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  const findings = new Set<string>();
  const listener: EngineListener = (event) => {
    if (event.type === 'run-started') {
      findings.clear();
      const total = event.runs * event.oracles.length;
      bar.start(Number.isFinite(total) ? total : 0, 0, { model: event.model, findings: 0, oracle: '' });
    } else if (event.type === 'case-finished') {
      bar.setTotal(Math.max(bar.getTotal(), event.cases));
      bar.update(event.cases, { oracle: event.oracle });
    } else if (event.type === 'finding') {
      findings.add(findingKey(event.finding));
      bar.update({ findings: findings.size });
    } else if (event.type === 'run-finished') {
      bar.stop();
    }
  };
  return { listener, stop: () => bar.stop() };
}

/** Off a terminal: one line every `intervalMs` from the start of a run to its end. */
function progressLines(stream: ProgressStream, intervalMs: number, now: () => number): { listener: EngineListener; stop: () => void } {
  let run: RunSoFar | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const listener: EngineListener = (event) => {
    if (event.type === 'run-started') {
      stop();
      run = { model: event.model, started: now(), cases: 0, requests: undefined, findings: new Set(), phase: undefined, oracle: undefined };
      timer = setInterval(() => {
        if (run) stream.write(`${progressLine(run, now())}\n`);
      }, intervalMs);
      // A line due is no reason to keep the process alive.
      timer.unref?.();
      return;
    }
    if (!run) return;
    if (event.type === 'run-finished') stop();
    else follow(run, event);
  };
  return { listener, stop };
}

/** Take an event into what the run has done so far. */
function follow(run: RunSoFar, event: EngineEvent): void {
  if (event.type === 'case-finished') {
    run.cases = Math.max(run.cases, event.cases);
    run.oracle = event.oracle;
    if (event.requests !== undefined) run.requests = event.requests;
  } else if (event.type === 'timing') {
    run.timing = `${event.test === 'null' ? 'null test' : 'twins'} ${event.samples}/${event.max}${event.discarded > 0 ? `, ${event.discarded} discarded` : ''}`;
  } else if (event.type === 'finding') {
    run.findings.add(findingKey(event.finding));
    if (event.cases !== undefined) run.cases = Math.max(run.cases, event.cases);
  } else if (event.type === 'phase') {
    if (event.requests !== undefined) run.requests = event.requests;
    if (event.phase !== 'done') run.phase = event.phase;
    if (event.phase !== 'timing') run.timing = undefined;
  }
}

/**
 * One progress line, e.g.
 * `bookfuzz: nhs-covid-booking, 2 min 15 s: 12,350 cases, 8,901 requests, 2 findings; now: shrinking (indistinguishable)`.
 */
function progressLine(run: RunSoFar, at: number): string {
  const parts = [`${formatCount(run.cases)} case${run.cases === 1 ? '' : 's'}`];
  if (run.requests !== undefined) parts.push(`${formatCount(run.requests)} request${run.requests === 1 ? '' : 's'}`);
  parts.push(`${formatCount(run.findings.size)} finding${run.findings.size === 1 ? '' : 's'}`);
  const doing = run.timing !== undefined ? `timing samples (${run.timing})` : run.phase !== undefined ? requestPhaseLabel[run.phase] : 'search';
  const oracle = run.oracle !== undefined ? ` (${run.oracle})` : '';
  return `bookfuzz: ${run.model}, ${formatDuration(at - run.started)}: ${parts.join(', ')}; now: ${doing}${oracle}`;
}

import type { Finding } from '../engine/finding.js';
import { requestPhases, type ActionStats, type RequestPhase, type RunStats } from '../engine/run-document.js';

/** Each request phase as a person names it (`setup` is `set-up`, as in the request outcomes). */
export const requestPhaseLabel: Readonly<Record<RequestPhase, string>> = {
  calibration: 'calibration',
  search: 'search',
  'noise-check': 'noise check',
  confirmation: 'confirmation',
  shrinking: 'shrinking',
  timing: 'timing',
  setup: 'set-up',
  cleanup: 'cleanup',
};

/**
 * A count with a comma between thousands, the same on every machine (no locale).
 *
 * @example
 * formatCount(1284) // → '1,284'
 */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  const [whole = '0', fraction] = String(Math.abs(n)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

/**
 * A duration as a person reads it: `850 ms`, `12.4 s`, `6 min 12 s`, `1 h 05 min`.
 *
 * @example
 * formatDuration(12_400) // → '12.4 s'
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * The phases with requests, in the engine's order (`requestPhases`), then `other` for what the
 * total holds beyond the phases (requests the runner could not place): the parts always add up
 * to the total when the total is at least their sum. Phases with no request are left out.
 */
export function requestParts(requests: NonNullable<RunStats['requests']>): { phase: RequestPhase | 'other'; label: string; count: number }[] {
  const parts: { phase: RequestPhase | 'other'; label: string; count: number }[] = requestPhases
    .map((phase) => ({ phase, label: requestPhaseLabel[phase], count: requests.byPhase[phase] ?? 0 }))
    .filter((part) => part.count > 0);
  const placed = parts.reduce((n, part) => n + part.count, 0);
  if (requests.total > placed) parts.push({ phase: 'other', label: 'other', count: requests.total - placed });
  return parts;
}

/**
 * The requests of a live run on one line.
 *
 * @example
 * requestsLine({ total: 1284, byPhase: { calibration: 96, search: 640, confirmation: 210, shrinking: 180, setup: 150, cleanup: 8 } })
 * // → 'requests: 1,284 (calibration 96, search 640, confirmation 210, shrinking 180, set-up 150, cleanup 8)'
 */
export function requestsLine(requests: NonNullable<RunStats['requests']>): string {
  const parts = requestParts(requests).map((part) => `${part.label} ${formatCount(part.count)}`);
  return `requests: ${formatCount(requests.total)}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** An action that was sent and never once done: the run tested nothing behind it. */
export const neverOk = (stats: ActionStats): boolean => stats.sent > 0 && stats.ok === 0;

/** The actions sent and never ok, in the document's order. */
export const neverOkActions = (actions: readonly ActionStats[] | undefined): ActionStats[] => (actions ?? []).filter(neverOk);

/**
 * What to say about an action that was sent but never ok, and what to check: its inputs or
 * `okIf` when the site answered and refused, the target when nothing usable came back.
 *
 * @example
 * neverOkWarning({ action: 'book', sent: 46, ok: 0, refused: 46, failed: 0 })
 * // → 'book: 46 sent, 0 ok: check its inputs or okIf'
 */
export function neverOkWarning(stats: ActionStats): string {
  const head = `${stats.action}: ${formatCount(stats.sent)} sent, 0 ok`;
  if (stats.failed > 0 && stats.refused === 0) {
    return `${head}, ${formatCount(stats.failed)} failed with no usable answer: check that the target is up and answers within the timeout`;
  }
  if (stats.failed > 0) {
    return `${head} (${formatCount(stats.refused)} refused, ${formatCount(stats.failed)} failed): check its inputs or okIf, and the target`;
  }
  return `${head}: check its inputs or okIf`;
}

/**
 * What it took to find a finding, from the start of the run to its confirmation; `not shrunk
 * yet` while (or when the run stopped before) its shrinking ended.
 *
 * @example
 * foundAfter({ ms: 12_400, cases: 35, requests: 820, shrunk: true })
 * // → 'found after 12.4 s, 820 requests, 35 cases'
 */
export function foundAfter(found: NonNullable<Finding['found']>): string {
  const parts = [formatDuration(found.ms)];
  if (found.requests !== undefined) parts.push(`${formatCount(found.requests)} request${found.requests === 1 ? '' : 's'}`);
  parts.push(`${formatCount(found.cases)} case${found.cases === 1 ? '' : 's'}`);
  return `found after ${parts.join(', ')}${found.shrunk ? '' : ' (not shrunk yet)'}`;
}

import { announcedRps, type AnnouncedRate } from './announced-rate.js';
import type { RetriedStatus, RetryStats } from './retry-policy.js';

/**
 * The run's notes on answers 429 and 503: how many came, how long bookfuzz waited, how many
 * requests it sent again, what was left over, and for 429 the `--rps` to run with next time
 * (from the rate the site announces in its rate-limit headers, else half the rate at which
 * the first 429 came). No notes when the site never answered either.
 *
 * @example
 * retryNotes(site.retries(), { maxWaitMs: 30_000 });
 * // ['the site answered 429 (rate limited) 14 times; bookfuzz waited 21 s in total and retried 14 requests: lower the rate with --rps 5 (...)']
 */
export function retryNotes(stats: RetryStats, policy: { maxWaitMs: number }): string[] {
  const notes: string[] = [];
  const limited = stats.tooManyRequests;
  if (limited.answers > 0) {
    const parts = [
      `the site answered 429 (rate limited) ${times(limited.answers)}; ${whatWasDone(limited)}`,
      ...leftOver(limited, 429, 'were judged on that answer'),
      ...askedLonger(limited, policy.maxWaitMs),
      ...countOnly(stats.announced),
    ];
    notes.push(`${parts.join('; ')}${rpsAdvice(stats)}`);
  }
  const down = stats.unavailable;
  if (down.answers > 0) {
    const parts = [
      `the site answered 503 (Service Unavailable) ${times(down.answers)}; ${whatWasDone(down)}`,
      ...leftOver(down, 503, 'counted as transport failures (the site was down)'),
      ...askedLonger(down, policy.maxWaitMs),
    ];
    notes.push(`${parts.join('; ')}; if the site was overloaded rather than down, a lower --rps may help`);
  }
  return notes;
}

/**
 * A rate to ask for with `--rps`, a little under `rate`: whole requests per second from 2 up,
 * tenths below (never under 0.1).
 */
export function suggestedRps(rate: number): number {
  if (rate >= 2) return Math.floor(rate);
  return Math.max(0.1, Math.floor(rate * 10) / 10);
}

function times(count: number): string {
  return count === 1 ? 'once' : `${count} times`;
}

function whatWasDone(counts: RetriedStatus): string {
  if (counts.retries === 0) return 'bookfuzz retried no request (no retry left, no budget left, or the run was stopping)';
  const extra = counts.retries === counts.requests ? '' : ` (${counts.retries} retries)`;
  return `bookfuzz waited ${seconds(counts.waitedMs)} in total and retried ${counts.requests} ${counts.requests === 1 ? 'request' : 'requests'}${extra}`;
}

function leftOver(counts: RetriedStatus, status: number, then: string): string[] {
  if (counts.gaveUp === 0) return [];
  return [`${counts.gaveUp} ${counts.gaveUp === 1 ? 'request' : 'requests'} still got ${status} at the end and ${then}`];
}

function askedLonger(counts: RetriedStatus, maxWaitMs: number): string[] {
  if (counts.longestAskedMs === undefined || counts.longestAskedMs <= maxWaitMs) return [];
  return [`the site asked (Retry-After) for waits of up to ${seconds(counts.longestAskedMs)}, each cut to ${seconds(maxWaitMs)}`];
}

function countOnly(announced: AnnouncedRate | undefined): string[] {
  if (announced === undefined || announced.windowSeconds !== undefined) return [];
  return [`the site announces a limit of ${announced.limit} requests (${announced.header}) without saying over how long`];
}

/** `: lower the rate with --rps N (why)`, or nothing when no rate can be told. */
function rpsAdvice(stats: RetryStats): string {
  const announced = stats.announced;
  const rate = announced === undefined ? undefined : announcedRps(announced);
  if (announced !== undefined && rate !== undefined) {
    const per = announced.windowSeconds === 1 ? 'per second' : `per ${announced.windowSeconds} s`;
    return `: lower the rate with --rps ${suggestedRps(rate * 0.9)} (the site announces ${announced.limit} requests ${per} in ${announced.header})`;
  }
  const observed = stats.rateAtFirst429;
  if (observed === undefined) return '';
  return `: lower the rate with --rps ${suggestedRps(observed / 2)} (half the rate at which the first 429 came, ${round(observed)} requests per second)`;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 || Number.isInteger(s) ? Math.round(s) : Math.round(s * 10) / 10} s`;
}

function round(rate: number): number {
  return rate >= 100 ? Math.round(rate) : Math.round(rate * 10) / 10;
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../engine/events.js';
import type { Finding } from '../engine/finding.js';
import { progressListener } from './progress.js';

/** A stderr that is not a terminal (CI), keeping what was written. */
function pipe(): { isTTY: false; write(text: string): boolean; lines: string[] } {
  const lines: string[] = [];
  return { isTTY: false, lines, write: (text: string) => lines.push(...text.split('\n').filter((l) => l !== '')) > 0 };
}

const finding = (key: string, shrunk: boolean): Finding => ({ oracle: 'indistinguishable', id: `id-${key}-${shrunk}`, key, found: { ms: 1, cases: 1, shrunk } }) as unknown as Finding;
const started: EngineEvent = { type: 'run-started', model: 'nhs-covid-booking', variant: 'target', oracles: ['indistinguishable', 'authorized'], runs: 100, seed: 1 };

describe('progress', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('off a terminal, writes a line every interval: elapsed time, cases, requests, findings and the phase', () => {
    const stderr = pipe();
    const { listener, stop } = progressListener(stderr, { enabled: true, intervalMs: 15_000 });
    listener(started);
    vi.advanceTimersByTime(14_999);
    expect(stderr.lines).toEqual([]);
    listener({ type: 'phase', phase: 'calibration', requests: 0 });
    vi.advanceTimersByTime(1);
    expect(stderr.lines).toEqual(['bookfuzz: nhs-covid-booking, 15.0 s: 0 cases, 0 requests, 0 findings; now: calibration']);

    listener({ type: 'phase', phase: 'search', requests: 412 });
    listener({ type: 'case-finished', oracle: 'indistinguishable', cases: 50 });
    listener({ type: 'phase', phase: 'confirmation', requests: 1_380 });
    // Announced when confirmed, then again once shrunk: one finding.
    listener({ type: 'finding', finding: finding('a', false), cases: 61 });
    listener({ type: 'phase', phase: 'shrinking', requests: 1_544 });
    listener({ type: 'finding', finding: finding('a', true), cases: 61 });
    vi.advanceTimersByTime(15_000);
    expect(stderr.lines[1]).toBe('bookfuzz: nhs-covid-booking, 30.0 s: 61 cases, 1,544 requests, 1 finding; now: shrinking (indistinguishable)');

    listener({ type: 'case-finished', oracle: 'authorized', cases: 1_250 });
    listener({ type: 'phase', phase: 'timing', requests: 20_431 });
    listener({ type: 'finding', finding: finding('b', true) });
    vi.advanceTimersByTime(135_000);
    expect(stderr.lines).toHaveLength(11);
    expect(stderr.lines[10]).toBe('bookfuzz: nhs-covid-booking, 2 min 45 s: 1,250 cases, 20,431 requests, 2 findings; now: timing (authorized)');

    // The run ends: no more lines, and `stop` is safe to call after.
    listener({ type: 'phase', phase: 'done', requests: 20_500 });
    listener({ type: 'run-finished', document: {} as never });
    vi.advanceTimersByTime(60_000);
    expect(stderr.lines).toHaveLength(11);
    stop();
  });

  it('model mode has no requests to show; --progress-interval 500ms writes twice a second', () => {
    const stderr = pipe();
    const { listener, stop } = progressListener(stderr, { enabled: true, intervalMs: 500 });
    listener({ ...started, runs: Number.POSITIVE_INFINITY });
    listener({ type: 'case-finished', oracle: 'indistinguishable', cases: 3_000 });
    vi.advanceTimersByTime(1_000);
    expect(stderr.lines).toEqual([
      'bookfuzz: nhs-covid-booking, 500 ms: 3,000 cases, 0 findings; now: search (indistinguishable)',
      'bookfuzz: nhs-covid-booking, 1.0 s: 3,000 cases, 0 findings; now: search (indistinguishable)',
    ]);
    // Stopped before the run says it finished (an error, Ctrl-C): the timer goes with it.
    stop();
    vi.advanceTimersByTime(10_000);
    expect(stderr.lines).toHaveLength(2);
  });

  it('shows nothing when turned off: --json, or --progress-interval 0', () => {
    for (const options of [{ enabled: false }, { enabled: true, intervalMs: 0 }]) {
      const stderr = pipe();
      const { listener, stop } = progressListener(stderr, options);
      listener(started);
      listener({ type: 'case-finished', oracle: 'indistinguishable', cases: 50 });
      vi.advanceTimersByTime(600_000);
      stop();
      expect(stderr.lines).toEqual([]);
      expect(vi.getTimerCount()).toBe(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { RunDocument } from '../engine/run-document.js';
import { parseDuration, parseRuns, runLimits } from './run-limits.js';

const document = (runs: number): RunDocument =>
  ({ version: 1, tool: 'bookfuzz', mode: 'model', model: 'm', variant: 'fixed', flaws: [], oracles: ['a', 'b'], runs, seed: 1, status: 'passed', stats: { cases: 2001, steps: 0, durationMs: 1 }, findings: [] }) as RunDocument;

describe('run limits on the command line', () => {
  it('reads times as 500ms, 15s, 2m, 1.5h or 0, and refuses anything else naming the flag', () => {
    expect(parseDuration('500ms', '--progress-interval')).toBe(500);
    expect(parseDuration('15s', '--progress-interval')).toBe(15_000);
    expect(parseDuration(' 2m', '--duration')).toBe(120_000);
    expect(parseDuration('1.5h', '--duration')).toBe(5_400_000);
    expect(parseDuration('0', '--progress-interval')).toBe(0);
    for (const bad of ['15', '2 minutes', '-1s', 's', '']) {
      expect(() => parseDuration(bad, '--duration')).toThrow(/--duration must be a time such as 500ms, 15s, 2m or 1h/);
    }
  });

  it('reads --runs as a whole number of at least 1, or inf for a run until stopped', () => {
    expect(parseRuns('20')).toBe(20);
    expect(parseRuns(20)).toBe(20);
    expect(parseRuns('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseRuns(undefined)).toBeUndefined();
    expect(() => parseRuns('0')).toThrow(/--runs must be at least 1/);
    expect(() => parseRuns('1.5')).toThrow(/--runs must be a whole number/);
    expect(() => parseRuns('lots')).toThrow(/--runs must be a whole number/);
  });

  it('notes a run stopped by --duration, and gives an endless run the cases it ran per oracle', async () => {
    const limits = runLimits({ duration: { ms: 20, text: '20ms' } });
    const early = document(300);
    limits.annotate(early);
    expect(early.notes).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(limits.until?.aborted).toBe(true);
    const endless = document(Number.POSITIVE_INFINITY);
    limits.annotate(endless);
    expect(endless.runs).toBe(1001);
    expect(endless.status).toBe('passed');
    expect(endless.notes).toEqual(['stopped after 20ms (--duration)', 'endless run (--runs inf): 1001 cases per oracle until it was stopped']);
  });

  it('shows progress unless --json, where only an explicit --progress-interval turns it on', () => {
    expect(runLimits(undefined).progress(false)).toEqual({ enabled: true });
    expect(runLimits(undefined).progress(true)).toEqual({ enabled: false });
    expect(runLimits({ progressIntervalMs: 2000 }).progress(true)).toEqual({ enabled: true, intervalMs: 2000 });
    // 0: no lines off a terminal (the bar on a terminal stays).
    expect(runLimits({ progressIntervalMs: 0 }).progress(false)).toEqual({ enabled: true, intervalMs: 0 });
    expect(runLimits({ progressIntervalMs: 0 }).progress(true)).toEqual({ enabled: false, intervalMs: 0 });
  });
});

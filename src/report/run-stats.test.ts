import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, foundAfter, neverOkWarning, requestsLine } from './run-stats.js';

describe('run statistics in words', () => {
  it('separates thousands and reads durations the way a person says them', () => {
    expect([0, 999, 1000, 126_601, 1_234_567].map(formatCount)).toEqual(['0', '999', '1,000', '126,601', '1,234,567']);
    expect([0, 850, 1000, 12_400, 59_949, 59_960, 61_250, 22 * 60_000 + 5_000, 3_600_000 + 5 * 60_000].map(formatDuration)).toEqual([
      '0 ms',
      '850 ms',
      '1.0 s',
      '12.4 s',
      '59.9 s',
      '1 min 00 s',
      '1 min 01 s',
      '22 min 05 s',
      '1 h 05 min',
    ]);
  });

  it('says a run that sent nothing, and a model finding without requests', () => {
    expect(requestsLine({ total: 0, byPhase: {} })).toBe('requests: 0');
    expect(foundAfter({ ms: 350, cases: 1, shrunk: true })).toBe('found after 350 ms, 1 case');
    expect(foundAfter({ ms: 12_400, cases: 35, requests: 1, shrunk: false })).toBe('found after 12.4 s, 1 request, 35 cases (not shrunk yet)');
  });

  it('tells what to check by how an action that was never ok went', () => {
    expect(neverOkWarning({ action: 'book', sent: 46, ok: 0, refused: 46, failed: 0 })).toBe('book: 46 sent, 0 ok: check its inputs or okIf');
    expect(neverOkWarning({ action: 'book', sent: 46, ok: 0, refused: 40, failed: 6 })).toBe('book: 46 sent, 0 ok (40 refused, 6 failed): check its inputs or okIf, and the target');
    expect(neverOkWarning({ action: 'book', sent: 1200, ok: 0, refused: 0, failed: 1200 })).toBe(
      'book: 1,200 sent, 0 ok, 1,200 failed with no usable answer: check that the target is up and answers within the timeout',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.js';

describe('Retry-After', () => {
  const now = Date.parse('2026-12-07T10:00:00Z');

  it('reads delay-seconds and HTTP dates', () => {
    expect(retryAfterMs('1', now)).toBe(1000);
    expect(retryAfterMs(' 120 ', now)).toBe(120_000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Mon, 07 Dec 2026 10:00:21 GMT', now)).toBe(21_000);
    expect(retryAfterMs(['3', '9'], now)).toBe(3000);
  });

  it('asks for no wait for a date in the past, and for nothing it cannot read', () => {
    expect(retryAfterMs('Mon, 07 Dec 2026 09:00:00 GMT', now)).toBe(0);
    for (const value of [undefined, '', '-1', 'soon', '1e3', '5 s']) expect(retryAfterMs(value, now), String(value)).toBeUndefined();
  });
});

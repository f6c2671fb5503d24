import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sessionId } from './session-id.js';

describe('sessionId', () => {
  const expected = (prefix: string, secret: string) => `${prefix}${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;

  it('is the prefix and 12 hex digits of the secret’s SHA-256, the same every time, never the secret', () => {
    expect(sessionId('nhs-', 'cookie-value-1')).toBe(expected('nhs-', 'cookie-value-1'));
    expect(sessionId('nhs-', 'cookie-value-1')).toBe(expected('nhs-', 'cookie-value-1'));
    expect(sessionId('hh-', 'cookie-value-1')).toBe(expected('hh-', 'cookie-value-1'));
    expect(sessionId('nhs-', 'cookie-value-2')).not.toBe(sessionId('nhs-', 'cookie-value-1'));
    expect(sessionId('nhs-', 'cookie-value-1')).not.toContain('cookie-value');
    expect(sessionId('nhs-', undefined)).toBeUndefined();
  });

  it('gives the same ids after thousands of other secrets (the kept digests are forgotten, not wrong)', () => {
    const first = sessionId('s-', 'first');
    for (let i = 0; i < 3000; i++) expect(sessionId('s-', `secret-${i}`)).toBe(expected('s-', `secret-${i}`));
    expect(sessionId('s-', 'first')).toBe(first);
  });
});

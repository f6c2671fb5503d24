import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keptUrlCount, maxKeptUrls, resolvedUrl } from './url-memo.js';

describe('resolvedUrl', () => {
  it('gives what new URL gives, asked once or again, in any order', () => {
    const base = fc.constantFrom('http://127.0.0.1:8080', 'http://127.0.0.1:8080/nhs/', 'http://localhost/a/b?x=1', 'https://staging.example.test/app');
    const part = fc.constantFrom('/', 'a', '..', '.', '?', '#', '%41', 'é', ' ', '//', 'x=1', '&', 'http:', '127.0.0.1', '\n', '\\');
    const input = fc.array(part, { maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(fc.tuple(input, base), { minLength: 1, maxLength: 20 }), (asks) => {
        for (const [text, from] of [...asks, ...asks.slice().reverse()]) {
          let expected: string | Error;
          try {
            expected = new URL(text, from).href;
          } catch (error) {
            expected = error as Error;
          }
          if (typeof expected === 'string') expect(resolvedUrl(text, from).href).toBe(expected);
          else expect(() => resolvedUrl(text, from)).toThrow(TypeError);
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('hands out the same URL for the same texts, and a different one for a different base', () => {
    const a = resolvedUrl('/book', 'http://127.0.0.1:8080');
    expect(resolvedUrl('/book', 'http://127.0.0.1:8080')).toBe(a);
    expect(resolvedUrl('/book', 'http://127.0.0.1:8081').href).toBe('http://127.0.0.1:8081/book');
    // URL parsing drops a newline in the input; the kept URL is the one new URL gives.
    expect(resolvedUrl('x\ny', 'http://127.0.0.1/').href).toBe(new URL('x\ny', 'http://127.0.0.1/').href);
  });

  it('keeps at most maxKeptUrls', () => {
    for (let i = 0; i < maxKeptUrls + 10; i++) resolvedUrl(`/p${i}`, 'http://127.0.0.1:9');
    expect(keptUrlCount()).toBeLessThanOrEqual(maxKeptUrls);
    expect(resolvedUrl(`/p${maxKeptUrls + 9}`, 'http://127.0.0.1:9').pathname).toBe(`/p${maxKeptUrls + 9}`);
  });
});

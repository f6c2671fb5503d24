import { describe, expect, it } from 'vitest';
import { progressListener } from './progress.js';

describe('progress bar', () => {
  it('shows nothing off a terminal or when JSON was asked for', () => {
    for (const [stream, enabled] of [[{ isTTY: false }, true], [{ isTTY: true }, false]] as const) {
      const { listener, stop } = progressListener(stream, enabled);
      // A no-op listener: events go nowhere and nothing is written.
      expect(() => listener({ type: 'run-started', model: 'm', variant: 'v', oracles: ['a'], runs: 1, seed: 1 })).not.toThrow();
      expect(listener.toString()).toMatch(/\(\) => \{\s*\}/);
      stop();
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliNodeFlags } from './cli-node-flags.js';

describe('cliNodeFlags', () => {
  it('reads the flags the bin starts Node.js with', () => {
    const flags = cliNodeFlags();
    expect(flags).toContain('--max-semi-space-size=4');
    expect(flags).toContain('--no-parallel-scavenge');
  });

  it('npm run bookfuzz starts through the bin, and npm run demo with the same flags', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.bookfuzz).toBe('./bin/bookfuzz.js');
    expect(scripts.demo).toBe(`node ${cliNodeFlags().join(' ')} --import tsx src/cli/demo.ts`);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliNodeFlags } from './cli-node-flags.js';

describe('cliNodeFlags', () => {
  it('reads the flags the bin starts Node.js with', () => {
    const flags = cliNodeFlags();
    expect(flags).toEqual(['--max-semi-space-size=16', '--no-parallel-scavenge', '--heap-growing-percent=50']);
  });

  it('npm run bookfuzz starts through the bin, and npm run demo and npm run bench with the same flags', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.bookfuzz).toBe('./bin/bookfuzz.js');
    expect(scripts.demo).toBe(`node ${cliNodeFlags().join(' ')} --import tsx src/cli/demo.ts`);
    expect(scripts.bench).toBe(`node ${cliNodeFlags().join(' ')} --import tsx src/bench/main.ts`);
  });
});

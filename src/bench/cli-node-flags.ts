/**
 * The Node.js flags the CLI runs with, read from the first line of `bin/bookfuzz.js`, so that
 * a benchmark starts its processes exactly as `bookfuzz` starts (and the flags are written in
 * one place).
 */
import { readFileSync } from 'node:fs';

export const bin = new URL('../../bin/bookfuzz.js', import.meta.url).pathname;

export function cliNodeFlags(): string[] {
  const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)*)\s*$/.exec(shebang);
  if (!match) throw new Error(`${bin}: the first line should be "#!/usr/bin/env -S node --flag ...", found "${shebang}"`);
  return (match[1] ?? '').trim().split(/\s+/).filter(Boolean);
}

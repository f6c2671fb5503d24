#!/usr/bin/env -S node --max-semi-space-size=4 --no-parallel-scavenge
// A small young generation keeps the resident memory of long runs low (and is faster here).
// Scavenging it on one thread is faster than handing so small a young generation to helper
// threads, and leaves the other cores to the search's other lanes (`--workers`).
// Entry for `npm link` / `npx bookfuzz`: load TypeScript sources through tsx, then run the CLI.
import { register } from 'tsx/esm/api';
import { hideBin } from 'yargs/helpers';

register();
// `bookfuzz models | head -1`: a reader that goes away is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { runCli } = await import('../src/cli/main.ts');
try {
  process.exitCode = await runCli(hideBin(process.argv));
} catch (error) {
  process.stderr.write(`bookfuzz: internal error (a bug, please report it): ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 3;
}

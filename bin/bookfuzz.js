#!/usr/bin/env -S node --max-semi-space-size=16 --no-parallel-scavenge --heap-growing-percent=50
// A young generation of up to 16 MB per semi-space lets most of a live run's per-request garbage
// die before it is scavenged (at 4 MB, scavenges were 15% of the live client's time); the old
// generation grows by half its live size between full collections rather than up to 4x, which
// keeps a long run's resident memory lower than the small young generation did. Scavenging on
// one thread leaves the other cores to the site and to the search's other lanes (`--workers`).
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

#!/usr/bin/env -S node --max-semi-space-size=16 --no-parallel-scavenge --heap-growing-percent=50
// A young generation of up to 16 MB per semi-space lets most of a live run's per-request garbage
// die before it is scavenged (at 4 MB, scavenges were 15% of the live client's time); the old
// generation grows by half its live size between full collections rather than up to 4x, which
// keeps a long run's resident memory lower than the small young generation did. Scavenging on
// one thread leaves the other cores to the site and to the search's other lanes (`--workers`).
//
// Entry of the `bookfuzz` command. An installed package runs its compiled JavaScript (dist/);
// tsx is loaded only when a TypeScript model is (src/model/load-model.ts). A development
// checkout, where the TypeScript sources are, runs them through tsx, so it needs no build and
// never runs a stale one.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // Answered here: printing a version needs none of the CLI's modules.
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
  process.exit(0);
}

// `bookfuzz models | head -1`: a reader that goes away is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const sources = new URL('../src/cli/main.ts', import.meta.url);
let cli;
if (existsSync(sources)) {
  // tsx reads tsconfig.json from the working directory unless told which: this one maps
  // 'bookfuzz' (as the models import it) to the sources, wherever the command is run from. The
  // variable also reaches worker threads that load the sources through tsx.
  process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(sources.href);
} else {
  cli = await import('../dist/cli/main.js');
}
try {
  process.exitCode = await cli.runCli(argv);
} catch (error) {
  process.stderr.write(`bookfuzz: internal error (a bug, please report it): ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 3;
}

#!/usr/bin/env node
// Entry for `npm link` / `npx bookfuzz`: load TypeScript sources through tsx, then run the CLI.
import { register } from 'tsx/esm/api';
import { hideBin } from 'yargs/helpers';

register();
const { runCli } = await import('../src/cli/main.ts');
try {
  process.exitCode = await runCli(hideBin(process.argv));
} catch (error) {
  process.stderr.write(`bookfuzz: internal error (a bug, please report it): ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 3;
}

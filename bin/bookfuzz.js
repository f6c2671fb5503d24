#!/usr/bin/env node
// Entry for `npm link` / `npx bookfuzz`: load TypeScript sources through tsx, then run the CLI.
import { register } from 'tsx/esm/api';
import { hideBin } from 'yargs/helpers';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(hideBin(process.argv));

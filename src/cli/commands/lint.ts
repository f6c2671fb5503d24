import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { isSpecFile, lintSpec } from '../../lint/lint-spec.js';
import { renderLint } from '../../lint/render-lint.js';
import { loadModel } from '../../model/load-model.js';
import { BookfuzzError } from '../../errors.js';
import { exitCode, type Io } from '../io.js';

export interface LintArgs {
  /** A flow spec file, or a model name or folder whose source is one. */
  spec: string;
  /** Exit 1 when there are warnings. */
  strict: boolean;
  json: boolean;
}

/**
 * `bookfuzz lint <spec>`: the warnings of a flow spec, one a line (file, line, field, what to do).
 * Exit 0 with or without warnings, 1 with `--strict` and warnings, 2 when the spec does not load.
 */
export async function lintCommand(io: Io, args: LintArgs): Promise<number> {
  const file = await specFileOf(args.spec, io.cwd);
  const warnings = await lintSpec(file);
  if (args.json) io.stdout.write(`${JSON.stringify({ spec: file, warnings }, null, 2)}\n`);
  else {
    io.stdout.write(renderLint(warnings, io.cwd));
    io.stdout.write(warnings.length === 0 ? 'lint: no warnings\n' : `lint: ${warnings.length} warning${warnings.length === 1 ? '' : 's'}\n`);
  }
  return args.strict && warnings.length > 0 ? exitCode.findings : exitCode.clean;
}

/** The spec file a name stands for: a YAML/JSON path as given, else the source of the model it names, which must be a spec. */
async function specFileOf(name: string, cwd: string): Promise<string> {
  if (isSpecFile(name)) return resolve(cwd, name);
  const model = await loadModel(name, cwd);
  if (isSpecFile(model.source)) return model.source;
  const beside = model.source === undefined ? undefined : join(dirname(model.source), 'spec.yaml');
  const hint = beside !== undefined && existsSync(beside) ? ` (its flow spec: bookfuzz lint ${relative(cwd, beside) || beside})` : '';
  throw new BookfuzzError('BF_USAGE', `lint reads flow specs (YAML or JSON): ${name} is a TypeScript model${hint}`, { where: name });
}

/**
 * The lint of a model about to run, for `check` and `fuzz`: its warnings on stderr (never fatal);
 * nothing for a TypeScript model.
 */
export async function printLintWarnings(io: Io, source: string | undefined): Promise<void> {
  if (!isSpecFile(source)) return;
  const text = renderLint(await lintSpec(source), io.cwd);
  if (text !== '') io.stderr.write(text);
}

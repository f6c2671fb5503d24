import { resolve } from 'node:path';
import { loadSpecModel } from '../flow-spec/load-spec-model.js';
import { specSchema } from '../flow-spec/spec-schema.js';
import { readSpecSource } from '../flow-spec/spec-source.js';
import type { LintRule, LintWarning } from './lint-rule.js';
import { lintRules } from './rules/index.js';

/** Where a warning's `where` puts the line: `file:line:column field`. */
const position = /:(\d+):(\d+)(?: |$)/;

/** The line of a warning (`where` = `file:line:column field`), for sorting and tests. */
export function warningLine(warning: LintWarning): number {
  return Number(position.exec(warning.where)?.[1] ?? 0);
}

/**
 * Lint a flow spec: what a designer gets wrong that still loads — screens no journey reaches,
 * actions no actor may take or no transition mentions, a secret hidden from nobody or from
 * everybody, policy rules that never apply, journeys that end before any secret-dependent step,
 * irreversible steps nothing undoes. The spec is loaded first, so a spec that does not load
 * throws its `BF_MODEL_INVALID` (file, line, field) as `check` and `fuzz` would. Warnings come in
 * the order of the file.
 *
 * @example
 * for (const w of await lintSpec('models/nhs-covid-booking/spec.yaml')) console.log(`${w.where}: ${w.message}`);
 */
export async function lintSpec(file: string, options: { text?: string; rules?: readonly LintRule[] } = {}): Promise<LintWarning[]> {
  const path = resolve(file);
  await loadSpecModel(path, options.text !== undefined ? { text: options.text } : {});
  const source = readSpecSource(path, options.text);
  const spec = specSchema.parse(source.value);
  const warnings = (options.rules ?? lintRules).flatMap((rule) => rule.check({ spec, source }));
  return warnings.map((w, i) => ({ w, i })).sort((a, b) => warningLine(a.w) - warningLine(b.w) || a.i - b.i).map(({ w }) => w);
}

/** Whether a model's source is a flow spec file (YAML or JSON), the only kind lint reads. */
export function isSpecFile(source: string | undefined): source is string {
  return source !== undefined && /\.(ya?ml|json)$/i.test(source);
}

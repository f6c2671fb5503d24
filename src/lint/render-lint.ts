import { relative } from 'node:path';
import type { LintWarning } from './lint-rule.js';

/**
 * Lint warnings as text, one a line: `warning <file>:<line>:<column> <field>: <message> [rule]`,
 * paths relative to `cwd`; nothing for no warnings.
 */
export function renderLint(warnings: readonly LintWarning[], cwd: string): string {
  return warnings
    .map((w) => {
      const [file = '', ...rest] = w.where.split(':');
      const shown = file.startsWith('/') ? relative(cwd, file) || file : file;
      return `warning ${[shown, ...rest].join(':')}: ${w.message} [${w.rule}]\n`;
    })
    .join('');
}

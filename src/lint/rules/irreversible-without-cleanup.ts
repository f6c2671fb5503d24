import { cleanupOf } from '../../flow-spec/spec-schema.js';
import type { LintRule, LintWarning } from '../lint-rule.js';

const id = 'irreversible-without-cleanup';

/**
 * Irreversible actions on a site nothing puts back: no `cleanup` and no seeding endpoint
 * (`setup.seed` replaces the whole world before every run side, which undoes them).
 */
export const irreversibleWithoutCleanup: LintRule = {
  id,
  title: 'an irreversible step without cleanup',
  check({ spec, source }) {
    const cleanup = cleanupOf(spec);
    if (cleanup.forEachPatient.requests.length + cleanup.once.requests.length > 0) return [];
    if ((spec.setup.seed ?? []).length > 0) return [];
    const out: LintWarning[] = [];
    for (const [name, action] of Object.entries(spec.actions)) {
      if (!action.irreversible) continue;
      out.push({
        rule: id,
        where: source.where(['actions', name, 'irreversible']),
        message: `"${name}" is irreversible, but nothing puts the site back after it: no \`cleanup\` and no \`setup.seed\`; add cleanup requests that undo it (they run after every run side), or every run with --allow-irreversible leaves its mark`,
      });
    }
    return out;
  },
};

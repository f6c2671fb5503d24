import type { LintRule, LintWarning } from '../lint-rule.js';
import { decideForActor } from '../spec-facts.js';

const id = 'policy-never-applies';

/**
 * Policy rules that are never consulted or never decide anything: a `permits` rule on an action
 * that does not mutate (the authorized oracle judges only mutating steps), one that holds for
 * every actor of its action whatever the world, policy parts the spec's `oracles` leave out, and
 * `mustAudit` with no action that shows a record.
 */
export const policyNeverApplies: LintRule = {
  id,
  title: 'a policy rule that never applies',
  check({ spec, source }) {
    const out: LintWarning[] = [];
    const wants = (oracle: string) => spec.oracles === undefined || spec.oracles.includes(oracle);
    for (const [name, rule] of Object.entries(spec.policy.permits)) {
      const action = spec.actions[name];
      if (!action) continue;
      const where = source.where(['policy', 'permits', name]);
      if (!wants('authorized')) {
        out.push({ rule: id, where, message: `the rule for "${name}" never applies: \`oracles\` leaves out authorized, the only oracle that reads permits` });
      } else if (!action.mutates) {
        out.push({ rule: id, where, message: `the rule for "${name}" never applies: only actions with \`mutates: true\` are judged by permits, and "${name}" does not mutate (add \`mutates: true\` if it changes something)` });
      } else if (action.actors.every((actor) => decideForActor(spec, rule, actor) === true)) {
        out.push({ rule: id, where, message: `the rule for "${name}" holds for each of its actors (${action.actors.join(', ')}) whatever the world: it never forbids anything` });
      }
    }
    if (spec.policy.maySee !== undefined && !wants('no-canary-leak')) {
      out.push({ rule: id, where: source.where(['policy', 'maySee']), message: 'maySee never applies: `oracles` leaves out no-canary-leak, the only oracle that reads it' });
    }
    if (spec.policy.mustAudit !== undefined && !Object.values(spec.actions).some((action) => action.recordView !== undefined)) {
      out.push({ rule: id, where: source.where(['policy', 'mustAudit']), message: 'mustAudit never applies: no action shows a record (`recordView`), so there is no view to audit' });
    }
    return out;
  },
};

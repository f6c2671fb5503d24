import type { LintRule, LintWarning } from '../lint-rule.js';
import { decideForActor } from '../spec-facts.js';

/**
 * Actions none of their own actors may take: the `permits` rule is false for each actor the
 * action lists, or (with screens) every transition of the action needs an actor it does not list.
 */
export const actionNobodyMayTake: LintRule = {
  id: 'action-nobody-may-take',
  title: 'an action no actor may take',
  check({ spec, source }) {
    const out: LintWarning[] = [];
    for (const [name, action] of Object.entries(spec.actions)) {
      const rule = spec.policy.permits[name];
      if (rule !== undefined && action.actors.every((actor) => decideForActor(spec, rule, actor) === false)) {
        out.push({
          rule: 'action-nobody-may-take',
          where: source.where(['policy', 'permits', name]),
          message: `no actor may take "${name}": its rule "${rule}" is false for each of its actors (${action.actors.join(', ')}), whatever the world; name an actor the action lists, or add the actor to actions.${name}.actors`,
        });
        continue;
      }
      const transitions = (spec.screens?.transitions ?? []).filter((t) => t.action === name && t.outcome === 'ok');
      if (transitions.length === 0) continue;
      const open = transitions.some((t) => t.if === undefined || action.actors.some((actor) => decideForActor(spec, t.if ?? '', actor) !== false));
      if (!open) {
        out.push({
          rule: 'action-nobody-may-take',
          where: source.where(['actions', name, 'actors']),
          message: `no actor of "${name}" (${action.actors.join(', ')}) can take it in screens: each transition that does it needs another actor in its condition; fix the conditions or the actor list`,
        });
      }
    }
    return out;
  },
};

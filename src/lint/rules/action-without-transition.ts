import type { LintRule, LintWarning } from '../lint-rule.js';

const id = 'action-without-transition';

/** With `screens`, actions no transition mentions: model mode refuses every such step. */
export const actionWithoutTransition: LintRule = {
  id,
  title: 'an action no transition in screens mentions',
  check({ spec, source }) {
    const screens = spec.screens;
    if (!screens) return [];
    const mentioned = new Set(screens.transitions.map((t) => t.action));
    const out: LintWarning[] = [];
    for (const name of Object.keys(spec.actions)) {
      if (mentioned.has(name)) continue;
      out.push({
        rule: id,
        where: source.where(['actions', name]),
        message: `no transition in screens mentions "${name}": in model mode every "${name}" step is refused and the actor stays where it is; add a transition for it (with \`outcome: refused\` where the site refuses it)`,
      });
    }
    return out;
  },
};

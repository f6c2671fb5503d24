import type { LintRule, LintWarning } from '../lint-rule.js';
import { fromList, screenNames } from '../spec-facts.js';

/** Screens no sequence of steps reaches from `screens.start` (conditions aside, flaw transitions included). */
export const unreachableScreen: LintRule = {
  id: 'unreachable-screen',
  title: 'a screen no journey reaches',
  check({ spec, source }) {
    const screens = spec.screens;
    if (!screens) return [];
    const reached = new Set([screens.start]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const t of screens.transitions) {
        const from = fromList(t.from);
        if (reached.has(t.to) || (from.length > 0 && !from.some((f) => reached.has(f)))) continue;
        reached.add(t.to);
        grew = true;
      }
    }
    const out: LintWarning[] = [];
    for (const screen of screenNames(spec)) {
      if (reached.has(screen)) continue;
      const index = screens.transitions.findIndex((t) => fromList(t.from).includes(screen) || t.to === screen);
      const t = screens.transitions[index];
      const field = t && fromList(t.from).includes(screen) ? (Array.isArray(t.from) ? ['from', t.from.indexOf(screen)] : ['from']) : ['to'];
      const leadsIn = screens.transitions.filter((x) => x.to === screen).flatMap((x) => fromList(x.from));
      out.push({
        rule: 'unreachable-screen',
        where: source.where(['screens', 'transitions', index, ...field]),
        message:
          `screen "${screen}" is reached by no journey: ` +
          (leadsIn.length === 0
            ? `no transition leads to it from "${screens.start}" (a misspelt screen name, or a transition missing)`
            : `only transitions from screens no journey reaches lead to it (${[...new Set(leadsIn)].join(', ')})`) +
          `; reachable: ${[...reached].join(', ')}`,
      });
    }
    return out;
  },
};

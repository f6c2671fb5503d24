import type { LintRule, LintWarning } from '../lint-rule.js';
import { secretDependentActions } from '../spec-facts.js';

const id = 'journey-ends-early';

/**
 * Journeys of an actor a secret is hidden from that end before any step whose screen (or, with
 * no screens, whose patient) depends on that secret — also when only the cut before the first
 * irreversible step (the default) makes them end there. The usual order then never lets the
 * secret show to the one it is hidden from.
 */
export const journeyEndsEarly: LintRule = {
  id,
  title: 'a journey that ends before any secret-dependent step',
  check({ spec, source }) {
    const out: LintWarning[] = [];
    for (const [actor, journey] of Object.entries(spec.journeys ?? {})) {
      for (const [name, secret] of Object.entries(spec.secrets)) {
        if (!secret.hiddenFrom.includes(actor)) continue;
        const dependent = secretDependentActions(spec, secret.field);
        const kinds = spec.screens ? `whose screen depends on ${secret.field}` : 'that names a patient';
        const first = journey.findIndex((action) => dependent.has(action));
        const cut = journey.findIndex((action) => spec.actions[action]?.irreversible === true);
        if (first < 0) {
          out.push({
            rule: id,
            where: source.where(['journeys', actor]),
            message: `${actor}'s journey ends before any step ${kinds} (secret "${name}", hidden from ${actor}): ${dependent.size === 0 ? 'no action does' : `add one of ${[...dependent].join(', ')}`}`,
          });
        } else if (cut >= 0 && cut < first) {
          out.push({
            rule: id,
            where: source.where(['journeys', actor, cut]),
            message: `${actor}'s journey stops at "${journey[cut]}" (irreversible: left out unless --allow-irreversible), before "${journey[first]}", its first step ${kinds} (secret "${name}"): move that step before it`,
          });
        }
      }
    }
    return out;
  },
};

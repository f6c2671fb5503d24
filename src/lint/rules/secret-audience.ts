import type { LintRule, LintWarning } from '../lint-rule.js';
import { actingActors } from '../spec-facts.js';

/**
 * A secret hidden from nobody (only from actors that never act, so no one is checked) or from
 * everybody (every actor that acts, the patient it belongs to too, so no one may ever learn it).
 */
export const secretAudience: LintRule = {
  id: 'secret-audience',
  title: 'a secret hidden from nobody or from everybody',
  check({ spec, source }) {
    const acting = actingActors(spec);
    const out: LintWarning[] = [];
    for (const [name, secret] of Object.entries(spec.secrets)) {
      const hidden = secret.hiddenFrom.filter((actor) => acting.includes(actor));
      const where = source.where(['secrets', name, 'hiddenFrom']);
      if (hidden.length === 0) {
        out.push({
          rule: 'secret-audience',
          where,
          message: `secret "${name}" is hidden from nobody who acts: ${secret.hiddenFrom.join(', ')} take${secret.hiddenFrom.length === 1 ? 's' : ''} no action, so no step is ever checked for it; list the actors who must not learn it (actors that act: ${acting.join(', ')})`,
        });
        continue;
      }
      const ownPatient = hidden.some((actor) => spec.actors[actor]?.is !== undefined);
      if (hidden.length === acting.length && (acting.length > 1 || ownPatient)) {
        out.push({
          rule: 'secret-audience',
          where,
          message: `secret "${name}" is hidden from everybody (${hidden.join(', ')}): no actor may ever learn a patient's ${secret.field}, not even the patient it belongs to; list only the actors who must not learn it`,
        });
      }
    }
    return out;
  },
};

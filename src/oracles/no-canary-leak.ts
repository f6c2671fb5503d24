import { findCanaries } from '../identity/canary.js';
import { forEachStringLeaf } from '../observe/string-leaves.js';
import type { Oracle, TraceSide, Violation } from './oracle.js';

/**
 * No observation of an actor contains a generated value (identifier, name, phone, email, record
 * entry text) the policy says that actor may not see. Values the actor typed are masked first.
 */
export const noCanaryLeak: Oracle = {
  id: 'no-canary-leak',
  title: "No response carries data its reader may not see",
  severity: 'high',
  scope: 'step',
  usesWorld: true,
  help:
    "A response showed an actor a value that belongs to someone whose data that actor may not see (another " +
    "patient's NHI or NHS number, name, contact details, or a hidden record entry). Check on the server, " +
    'for every object returned, that the reader may see it (ownership, grant scope, entry date, redaction, ' +
    'relationship) before it is put in the response.',
  needs: 'who may see what (`policy.maySee`)',
  appliesTo: (model) => typeof model.policy.maySee === 'function',
  check(run) {
    const out: Violation[] = [];
    const maySee = run.model.policy.maySee;
    if (!maySee) return out;
    for (const side of ['a', 'b'] as const satisfies readonly TraceSide[]) {
      run[side].steps.forEach(({ step, before, result }, index) => {
        const canaries = run.model.canaries(before);
        forEachStringLeaf(result.observation, (text, pathOf) => {
          for (const hit of findCanaries(text, canaries)) {
            if (maySee.call(run.model.policy, { world: before, step, canary: hit.canary })) continue;
            const field = pathOf();
            const violation: Violation = {
              oracle: 'no-canary-leak',
              key: `${step.action}:${hit.canary.field}`,
              message:
                `${step.actor} saw ${hit.canary.field} "${hit.canary.value}" of ${hit.canary.owner} ` +
                `in field "${field}" after "${step.action}"`,
              side,
              step: index,
              field,
              details: { value: hit.canary.value, owner: hit.canary.owner, canaryField: hit.canary.field },
            };
            if (result.flaws && result.flaws.length > 0) violation.flaws = [...result.flaws].sort();
            out.push(violation);
          }
        });
      });
    }
    return out;
  },
};

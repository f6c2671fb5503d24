import { differences } from '../observe/first-difference.js';
import type { Oracle, Violation } from './oracle.js';

/**
 * After every step taken by an actor the varied secret is hidden from, that actor's
 * observation in world A equals its observation in world B.
 *
 * Comparison stops at the first step where an actor who may know the secret saw a difference:
 * from there on the runs may legitimately part ways (the genuine patient saw their own status
 * and acted on it), and any later difference is no longer evidence against the system.
 *
 * Every differing field of every step before that is a violation of its own (first step first,
 * fields in document order): a field the engine has ruled out as noise must not hide a real
 * difference in another field or a later step.
 */
export const indistinguishable: Oracle = {
  id: 'indistinguishable',
  title: 'Observations do not depend on secrets the actor may not know',
  severity: 'high',
  scope: 'step',
  usesWorld: false,
  help:
    'Two worlds that differ only in a secret hidden from this actor gave the actor different ' +
    'observations, so the actor can learn the secret (for example whether a third person is ' +
    'vaccinated). Make the response (screen, redirect, text, length) identical whatever the ' +
    'secret, and reveal the secret only after the person has proved who they are.',
  needs: 'a secret (`secrets`)',
  appliesTo: (model) => Object.keys(model.secrets).length > 0,
  comparesTwins: true,
  reaches(run, step) {
    for (let i = 0; i < step; i++) {
      const a = run.a.steps[i];
      const b = run.b.steps[i];
      if (!a || !b) return false;
      if (run.secret.hiddenFrom.includes(a.step.actor)) continue;
      if (differences({ outcome: a.result.outcome, ...a.result.observation }, { outcome: b.result.outcome, ...b.result.observation }).length > 0) return false;
    }
    return true;
  },
  check(run) {
    const out: Violation[] = [];
    const steps = Math.min(run.a.steps.length, run.b.steps.length);
    for (let i = 0; i < steps; i++) {
      const a = run.a.steps[i];
      const b = run.b.steps[i];
      if (!a || !b) break;
      const left = { outcome: a.result.outcome, ...a.result.observation };
      const right = { outcome: b.result.outcome, ...b.result.observation };
      const fields = differences(left, right).map((d) => d.path);
      if (fields.length === 0) continue;
      if (!run.secret.hiddenFrom.includes(a.step.actor)) return out;
      const flaws = [...new Set([...(a.result.flaws ?? []), ...(b.result.flaws ?? [])])].sort();
      for (const field of fields) {
        const violation: Violation = {
          oracle: 'indistinguishable',
          key: `${run.secret.name}:${a.step.action}:${field}`,
          message:
            `${a.step.actor} can tell the worlds apart after "${a.step.action}": ` +
            `field "${field}" differs while only the secret "${run.secret.name}" differs`,
          side: 'a',
          step: i,
          field,
        };
        if (flaws.length > 0) violation.flaws = flaws;
        out.push(violation);
      }
    }
    return out;
  },
};

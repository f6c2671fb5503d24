import type { Oracle, TraceSide, Violation } from './oracle.js';

/** Every record view and every break-glass appears in the audit log with actor, patient, time and reason. */
export const auditComplete: Oracle = {
  id: 'audit-complete',
  title: 'Every record view and break-glass is audited',
  severity: 'medium',
  scope: 'step',
  usesWorld: true,
  help:
    'A record was shown (or a sealed record opened by break-glass) without a matching audit entry naming ' +
    'the actor, the patient, the time and, for break-glass, the reason. Write the audit entry in the same ' +
    'transaction that releases the data, on every path that shows it.',
  // A model that says it shows no record view gives this oracle nothing to judge.
  appliesTo: (model) => model.shows?.recordViews !== false,
  needs: "record views (a spec action's `recordView`)",
  check(run) {
    const out: Violation[] = [];
    const mustAudit = run.model.policy.mustAudit;
    for (const side of ['a', 'b'] as const satisfies readonly TraceSide[]) {
      run[side].steps.forEach(({ step, before, result }, index) => {
        for (const view of result.recordViews ?? []) {
          if (mustAudit && !mustAudit.call(run.model.policy, { world: before, view })) continue;
          const event = view.breakGlass ? 'break-glass' : 'record-view';
          const entry = (result.audit ?? []).find(
            (e) =>
              e.actor === view.actor &&
              e.patient === view.patient &&
              e.event === event &&
              e.time.length > 0 &&
              (!view.breakGlass || (e.reason ?? '').length > 0),
          );
          if (entry) continue;
          const violation: Violation = {
            oracle: 'audit-complete',
            key: event,
            message: `${view.actor} was shown the record of ${view.patient} (${event}) after "${step.action}" with no complete audit entry`,
            side,
            step: index,
            field: 'audit',
          };
          if (result.flaws && result.flaws.length > 0) violation.flaws = [...result.flaws].sort();
          out.push(violation);
        }
      });
    }
    return out;
  },
};

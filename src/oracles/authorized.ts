import type { Oracle, TraceSide, Violation } from './oracle.js';

/**
 * A mutating action the policy forbids (judged on the server-side world before the step) must
 * neither take effect nor be answered as if it had succeeded.
 */
export const authorized: Oracle = {
  id: 'authorized',
  title: 'Only the actors the policy names can change what the policy protects',
  severity: 'high',
  scope: 'step',
  usesWorld: true,
  help:
    'An action the policy forbids for this actor changed server-side state (an appointment moved, a ' +
    'dose recorded, a booking made for someone else) or was answered as if it had. Decide who may act ' +
    "from the server's own records (session, role, ownership, relationship), never from fields the " +
    'client sends, and check ownership of every object named by an id.',
  needs: 'a policy on mutating actions (`policy.permits` and an action with `mutates: true`)',
  appliesTo: (model) =>
    typeof model.policy.permits === 'function' && Object.values(model.actions).some((action) => action.mutates === true),
  check(run) {
    const out: Violation[] = [];
    const permits = run.model.policy.permits;
    if (!permits) return out;
    for (const side of ['a', 'b'] as const satisfies readonly TraceSide[]) {
      run[side].steps.forEach(({ step, before, result }, index) => {
        if (run.model.actions[step.action]?.mutates !== true) return;
        if (permits.call(run.model.policy, { world: before, step })) return;
        const changes = result.changes ?? [];
        if (changes.length === 0 && result.outcome !== 'ok') return;
        const change = changes[0];
        const violation: Violation = {
          oracle: 'authorized',
          key: step.action,
          message: change
            ? `${step.actor} may not "${step.action}" here, yet it took effect: ${change.description}${change.owner ? ` (owner ${change.owner})` : ''}`
            : `${step.actor} may not "${step.action}" here, yet the answer says it was done`,
          side,
          step: index,
          field: change ? 'changes[0]' : 'outcome',
        };
        if (result.flaws && result.flaws.length > 0) violation.flaws = [...result.flaws].sort();
        out.push(violation);
      });
    }
    return out;
  },
};

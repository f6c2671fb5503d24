import type { Policy, Step } from '../model/model.js';
import { selfOf, stepScope, type SpecContext } from './spec-context.js';
import { patientAt, patientView, specCanaries, type SpecWorld } from './spec-world.js';

/** The patient a step is about: its `patient` input when the action names one, else the actor's own. */
export function victimOf(context: SpecContext, step: Step, world: SpecWorld) {
  const action = context.spec.actions[step.action];
  return action?.target === 'patient' ? patientAt(world, step.input['patient']) : selfOf(context, step.actor, world);
}

/**
 * The declarative policy compiled to `permits`, `maySee` and `mustAudit`. `permits` rules are
 * per action (no rule: allowed); `maySee` is allowed when any rule holds. Leaving an oracle out
 * of the spec's `oracles` leaves out the policy part it needs.
 */
export function specPolicy(context: SpecContext): Policy<SpecWorld> {
  const { spec } = context;
  const wants = (oracle: string) => spec.oracles === undefined || spec.oracles.includes(oracle);
  const policy: Policy<SpecWorld> = {};
  if (wants('authorized') && Object.keys(spec.policy.permits).length > 0) {
    policy.permits = ({ world, step }) => {
      const rule = spec.policy.permits[step.action];
      return rule === undefined || context.holds(rule, stepScope(context, step, world, victimOf(context, step, world)));
    };
  }
  const maySee = spec.policy.maySee;
  if (wants('no-canary-leak') && maySee) {
    policy.maySee = ({ world, step, canary }) => {
      const scope = stepScope(context, step, world, victimOf(context, step, world));
      const full = specCanaries(spec, world).find((c) => c.value === canary.value && c.owner === canary.owner && c.field === canary.field);
      const owner = world.patients.find((p) => p.id === canary.owner);
      const withCanary = { ...scope, canary: { value: canary.value, owner: canary.owner, field: canary.field }, owner: patientView(owner), item: full?.item ?? null };
      return maySee.some((rule) => context.holds(rule, withCanary));
    };
  }
  const mustAudit = spec.policy.mustAudit;
  if (mustAudit !== undefined) policy.mustAudit = ({ world, view }) => context.holds(mustAudit, { world, view });
  return policy;
}

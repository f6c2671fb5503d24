import type { Policy, Step } from 'bookfuzz';
import { appointmentAt, attackerOf, type HouseholdWorld } from './world.js';

/** The role an actor holds in the server's own records (never what its client claims). */
export function serverRole(world: HouseholdWorld, actor: string): 'registrant' | 'vaccinator' | 'none' {
  if (actor === 'registrant') return 'registrant';
  if (actor === 'vaccinator') return world.staff[0]?.role ?? 'none';
  return 'none';
}

function permits({ world, step }: { world: HouseholdWorld; step: Step }): boolean {
  const role = serverRole(world, step.actor);
  switch (step.action) {
    case 'record-dose':
      // Only staff whose role in the staff table is vaccinator may record doses.
      return role === 'vaccinator';
    case 'move-appointment':
    case 'cancel-appointment': {
      // A registrant may change only the appointments they own.
      const appointment = appointmentAt(world, step.input['appointment']);
      if (!appointment) return true;
      return role === 'registrant' && appointment.registrant === attackerOf(world).id;
    }
    default:
      return true;
  }
}

/**
 * Record dose: vaccinators only, by their server-side role. Move or cancel an appointment: its
 * owner only. See: a registrant sees only their own identifiers; a vaccinator sees every
 * registrant (they check identity at the clinic).
 */
export const policy: Policy<HouseholdWorld> = {
  permits,
  maySee: ({ world, step, canary }) =>
    serverRole(world, step.actor) === 'vaccinator' || (step.actor === 'registrant' && canary.owner === attackerOf(world).id),
};

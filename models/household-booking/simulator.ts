import type { JsonObject, Simulation, Step, StepResult } from 'bookfuzz';
import { ageOn, appointmentAt, attackerOf, registrantAt, slots, wrap, type HouseholdWorld } from './world.js';

interface Session {
  id: string;
  /** Account id: a registrant id or a staff id. */
  user: string;
  /** The role the server holds for this account. */
  role: 'registrant' | 'vaccinator';
}

/** A JSON API answer: HTTP status and body. */
function answer(status: number, body: JsonObject): JsonObject {
  return { status, body };
}

/**
 * The booking API (JSON) as it behaves with the given flaws switched on. Each actor has one
 * client holding one bearer token. The `registrant` actor is the world's first registrant; the
 * `vaccinator` actor is the world's first staff member.
 */
export function simulate(initial: HouseholdWorld, flaws: ReadonlySet<string>): Simulation<HouseholdWorld> {
  const world = initial;
  const sessions = new Map<string, Session>();
  let sessionCounter = 0;

  const unauthenticated = (): StepResult => ({
    observation: answer(401, { error: 'unauthenticated', message: 'Log in to continue.' }),
    outcome: 'refused',
  });
  const withSession = (result: StepResult, session: Session): StepResult => ({ ...result, session: session.id });

  const handlers: Record<string, (step: Step, session: Session | undefined) => StepResult> = {
    'log-in'(step) {
      const staff = world.staff[0];
      const account =
        step.actor === 'vaccinator' && staff
          ? { user: staff.id, role: staff.role, email: staff.email }
          : { user: attackerOf(world).id, role: 'registrant' as const, email: attackerOf(world).identity.email };
      const session: Session = { id: `${step.actor}-token-${++sessionCounter}`, user: account.user, role: account.role };
      sessions.set(step.actor, session);
      return {
        // POST /api/login → the client keeps the token and the role it is told.
        observation: answer(200, { user: { id: account.user, role: account.role }, token: '‹token›' }),
        outcome: 'ok',
        typed: { email: account.email },
        session: session.id,
      };
    },

    'view-registrant'(step, session) {
      if (!session) return unauthenticated();
      // GET /api/registrants/:id
      const registrant = registrantAt(world, step.input['registrant']);
      // Dose records are read in one query for everyone before the access check; the flawed API reads
      // them one by one, so the work grows with the registrant's doses.
      const lookupFlaw = flaws.has('dose-lookup-timing');
      const work = { doseLookups: lookupFlaw ? registrant.doses : 1 };
      const own = session.role === 'registrant' && registrant.id === session.user;
      const staff = session.role === 'vaccinator';
      const idor = !own && !staff && flaws.has('idor-view');
      if (!own && !staff && !idor) {
        const refused: StepResult = { observation: answer(404, { error: 'not-found', message: 'No such registrant.' }), outcome: 'refused', work };
        if (lookupFlaw) refused.flaws = ['dose-lookup-timing'];
        return withSession(refused, session);
      }
      const result: StepResult = {
        observation: answer(200, {
          registrant: {
            id: registrant.id,
            givenName: registrant.identity.givenName,
            familyName: registrant.identity.familyName,
            gender: registrant.gender,
            age: ageOn(registrant.identity.dateOfBirth, world.today),
            nhi: registrant.identity.nhi,
          },
        }),
        outcome: 'ok',
        session: session.id,
        work,
      };
      const stepFlaws = [...(idor ? ['idor-view'] : []), ...(lookupFlaw ? ['dose-lookup-timing'] : [])];
      if (stepFlaws.length > 0) result.flaws = stepFlaws;
      return result;
    },

    'record-dose'(step, session) {
      if (!session) return unauthenticated();
      // POST /api/doses { registrantId, role }: the client sends the role it was told at log-in.
      const claimed = typeof step.input['role'] === 'string' ? step.input['role'] : session.role;
      const role = flaws.has('client-role') ? claimed : session.role;
      if (role !== 'vaccinator') {
        return withSession({ observation: answer(403, { error: 'forbidden', message: 'Only vaccinators can record doses.' }), outcome: 'refused' }, session);
      }
      const registrant = registrantAt(world, step.input['registrant']);
      registrant.doses += 1;
      world.doseRecords.push({ registrant: registrant.id, recordedBy: session.user });
      const result: StepResult = {
        observation: answer(201, { dose: { registrantId: registrant.id, recordedBy: session.user, status: 'recorded' } }),
        outcome: 'ok',
        session: session.id,
        changes: [{ object: 'dose', owner: registrant.id, description: `dose recorded for ${registrant.id} by ${session.user}` }],
      };
      if (session.role !== 'vaccinator') result.flaws = ['client-role'];
      return result;
    },

    'move-appointment'(step, session) {
      return changeAppointment(step, session, 'move');
    },

    'cancel-appointment'(step, session) {
      return changeAppointment(step, session, 'cancel');
    },
  };

  /** PATCH or DELETE /api/appointments/:id: only the owner may, unless `idor-modify` is on. */
  function changeAppointment(step: Step, session: Session | undefined, how: 'move' | 'cancel'): StepResult {
    if (!session) return unauthenticated();
    const appointment = appointmentAt(world, step.input['appointment']);
    const own = appointment !== undefined && session.role === 'registrant' && appointment.registrant === session.user;
    const idor = appointment !== undefined && !own && flaws.has('idor-modify');
    if (!appointment || (!own && !idor)) {
      return withSession({ observation: answer(404, { error: 'not-found', message: 'No such appointment.' }), outcome: 'refused' }, session);
    }
    if (appointment.status === 'cancelled') {
      return withSession(
        { observation: answer(409, { error: 'cancelled', message: 'This appointment was cancelled.' }), outcome: 'refused' },
        session,
      );
    }
    let description: string;
    if (how === 'move') {
      const slot = slots[wrap(step.input['slot'], slots.length)] ?? '';
      description = `appointment ${appointment.id} rebooked for ${slot} (was ${appointment.slot})`;
      appointment.slot = slot;
    } else {
      appointment.status = 'cancelled';
      description = `appointment ${appointment.id} cancelled`;
    }
    const result: StepResult = {
      observation: answer(200, { appointment: { id: appointment.id, slot: appointment.slot, status: appointment.status } }),
      outcome: 'ok',
      session: session.id,
      changes: [{ object: 'appointment', owner: appointment.registrant, description }],
    };
    if (idor) result.flaws = ['idor-modify'];
    return result;
  }

  return {
    step(step) {
      const handler = handlers[step.action];
      if (!handler) throw new Error(`unknown action "${step.action}"`);
      return handler(step, sessions.get(step.actor));
    },
    world: () => world,
  };
}

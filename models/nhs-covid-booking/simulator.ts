import type { Simulation, Step, StepResult } from 'bookfuzz';
import { patientAt, type NhsWorld, type Patient } from './world.js';

interface Session {
  id: string;
  stage: 'identity' | 'identified';
  patient?: string;
  verified: boolean;
  slot?: number;
}

/**
 * The booking service as it behaves with the given flaws switched on. Each actor has one
 * browser session. A one-time code goes to the contact details on record; only the genuine
 * `patient` actor can read it.
 */
export function simulate(initial: NhsWorld, flaws: ReadonlySet<string>): Simulation<NhsWorld> {
  const world = initial;
  const sessions = new Map<string, Session>();
  const codes = new Map<string, string>();
  let sessionCounter = 0;

  const find = (id: string | undefined): Patient | undefined => world.patients.find((p) => p.id === id);
  const restart = (session?: Session): StepResult => {
    const result: StepResult = { observation: { screen: 'start', message: 'Your session has ended. Start again.' }, outcome: 'refused' };
    if (session) result.session = session.id;
    return result;
  };

  const handlers: Record<string, (step: Step, session: Session | undefined) => StepResult> = {
    'open-service'(step) {
      const session: Session = { id: `${step.actor}-${++sessionCounter}`, stage: 'identity', verified: false };
      sessions.set(step.actor, session);
      return {
        observation: { screen: 'enter-identity', heading: 'Book or manage your COVID-19 vaccination' },
        outcome: 'ok',
        session: session.id,
      };
    },

    'submit-identity'(step, session) {
      if (!session) return restart();
      const patient = patientAt(world, step.input['patient']);
      const byNumber = step.input['by'] !== 'name-dob-postcode';
      const typed: Record<string, string> = byNumber
        ? { nhsNumber: patient.identity.nhsNumber }
        : {
            givenName: patient.identity.givenName,
            familyName: patient.identity.familyName,
            dateOfBirth: patient.identity.dateOfBirth,
            postcode: patient.identity.postcode,
          };
      session.stage = 'identified';
      session.patient = patient.id;
      session.verified = false;
      delete session.slot;
      codes.set(patient.id, `9${String(100000 + world.bookings.length * 7919 + Number(patient.id.slice(1)) * 104729).slice(-5)}`);
      // The immunisation history is looked up for everyone; the flawed service only for people who have one.
      const lookupFlaw = flaws.has('history-lookup-timing');
      const work = { historyLookups: !lookupFlaw || patient.doses >= 1 ? 1 : 0 };
      const stepFlaws = lookupFlaw ? ['history-lookup-timing'] : [];
      if (flaws.has('status-dependent-screen')) {
        // The incident: the next page was chosen by the person's vaccination record.
        const screen = patient.doses >= 1 ? 'booking-reference' : 'screening-questions';
        const heading = patient.doses >= 1 ? 'Enter your booking reference' : 'Answer some screening questions';
        return { observation: { screen, heading }, outcome: 'ok', typed, session: session.id, work, flaws: ['status-dependent-screen', ...stepFlaws] };
      }
      const result: StepResult = {
        observation: { screen: 'verify-code', heading: 'We have sent a security code to the contact details we hold' },
        outcome: 'ok',
        typed,
        session: session.id,
        work,
      };
      if (stepFlaws.length > 0) result.flaws = stepFlaws;
      return result;
    },

    'enter-code'(step, session) {
      const patient = find(session?.patient);
      if (!session || !patient) return restart(session);
      const code = step.actor === 'patient' ? codes.get(patient.id) : String(step.input['guess'] ?? '000000');
      if (code === undefined || code !== codes.get(patient.id)) {
        return {
          observation: { screen: 'verify-code', error: 'The code is not right. Check it and try again.' },
          outcome: 'refused',
          typed: { code: code ?? '' },
          session: session.id,
        };
      }
      session.verified = true;
      return {
        observation: {
          screen: 'your-vaccinations',
          doses: patient.doses,
          next: patient.doses >= 2 ? 'fully-vaccinated' : 'choose-slot',
        },
        outcome: 'ok',
        typed: { code },
        session: session.id,
      };
    },

    'choose-slot'(step, session) {
      const patient = find(session?.patient);
      if (!session || !patient) return restart(session);
      // The incident: a second dose was bookable without proving who you are.
      const secondDoseShortcut = flaws.has('second-dose-unverified') && patient.doses === 1;
      if (!session.verified && !secondDoseShortcut) {
        return {
          observation: { screen: 'verify-code', error: 'Enter the security code we sent you first.' },
          outcome: 'refused',
          session: session.id,
        };
      }
      if (patient.doses >= 2) {
        return { observation: { screen: 'fully-vaccinated' }, outcome: 'refused', session: session.id };
      }
      const slot = Math.abs(Number(step.input['slot'] ?? 0)) % world.slots.length;
      session.slot = slot;
      const result: StepResult = {
        observation: { screen: 'check-your-answers', slot: world.slots[slot] ?? '', dose: patient.doses + 1 },
        outcome: 'ok',
        session: session.id,
      };
      if (!session.verified) result.flaws = ['second-dose-unverified'];
      return result;
    },

    'confirm-booking'(step, session) {
      const patient = find(session?.patient);
      if (!session || !patient || session.slot === undefined) return restart(session);
      const reference = `BK${String(1000 + world.bookings.length)}`;
      const slot = world.slots[session.slot] ?? '';
      world.bookings.push({ reference, patient: patient.id, slot, dose: patient.doses + 1, bookedBy: step.actor });
      const result: StepResult = {
        observation: { screen: 'booking-confirmed', reference, slot },
        outcome: 'ok',
        session: session.id,
        changes: [{ object: 'booking', owner: patient.id, description: `dose ${patient.doses + 1} booked at ${slot}` }],
      };
      if (!session.verified) result.flaws = ['second-dose-unverified'];
      delete session.slot;
      return result;
    },
  };

  return {
    step(step) {
      const handler = handlers[step.action];
      if (!handler) throw new Error(`unknown action "${step.action}"`);
      return handler(step, sessions.get(step.actor));
    },
    world: () => world,
  };
}

import type { AuditEntry, Observation, RecordView, Simulation, Step, StepResult } from 'bookfuzz';
import { patientAt, timeOf, type Patient, type SealedWorld } from './world.js';

function spacedNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/**
 * The clinical record system as it behaves with the given flaws switched on. The `clinician`
 * actor logs in (smartcard and passcode) as the world's clinician and searches patients by NHS
 * number. A record the clinician has no legitimate relationship with is sealed until they break
 * the glass with a reason. Every step takes one minute of the world's clock.
 */
export function simulate(initial: SealedWorld, flaws: ReadonlySet<string>): Simulation<SealedWorld> {
  const world = initial;
  const clinician = world.clinician;
  let session: string | undefined;
  let sessionCounter = 0;

  const related = (patient: Patient): boolean => clinician.relationships.includes(patient.id);
  const grantFor = (patient: Patient) =>
    [...world.breakGlasses].reverse().find((b) => b.clinician === clinician.id && b.patient === patient.id);
  const recordPage = (patient: Patient): Observation => ({
    screen: 'patient-record',
    name: `${patient.identity.givenName} ${patient.identity.familyName}`,
    nhsNumber: spacedNhsNumber(patient.identity.nhsNumber),
    dateOfBirth: patient.identity.dateOfBirth,
    entries: patient.entries.map((e) => ({ date: e.date, text: e.text })),
  });
  /** Writes the audit entry, unless the flaw drops it; returns what was written this step. */
  const audit = (entry: AuditEntry, used: string[]): AuditEntry[] => {
    if (flaws.has('unaudited-access')) {
      // The incident's twin: the data is released on a path that writes no audit entry.
      used.push('unaudited-access');
      return [];
    }
    world.audit.push(entry);
    return [entry];
  };
  const finish = (result: StepResult, used: string[]): StepResult => {
    const unique = [...new Set(used)].sort();
    if (unique.length > 0) result.flaws = unique;
    return result;
  };

  const handlers: Record<string, (step: Step, session: string) => StepResult> = {
    'open-record'(step, current) {
      const patient = patientAt(world, step.input['patient']);
      const typed = { nhsNumber: patient.identity.nhsNumber };
      const time = timeOf(world.clock);
      const used: string[] = [];
      if (related(patient)) {
        const view: RecordView = { actor: clinician.id, patient: patient.id, breakGlass: false };
        const written = audit({ actor: clinician.id, patient: patient.id, event: 'record-view', time }, used);
        return finish({ observation: recordPage(patient), outcome: 'ok', typed, session: current, recordViews: [view], audit: written }, used);
      }
      const grant = grantFor(patient);
      if (grant) {
        const view: RecordView = { actor: clinician.id, patient: patient.id, breakGlass: true, reason: grant.reason };
        const written = audit({ actor: clinician.id, patient: patient.id, event: 'break-glass', time, reason: grant.reason }, used);
        return finish(
          {
            observation: { ...recordPage(patient), banner: 'Opened by break-glass. Your reason has been recorded.' },
            outcome: 'ok',
            typed,
            session: current,
            recordViews: [view],
            audit: written,
          },
          used,
        );
      }
      const warning = 'You have no legitimate relationship with this patient.';
      if (flaws.has('warning-only')) {
        // The incident: a warning, and the record right under it, with no break-glass asked for.
        used.push('warning-only');
        const view: RecordView = { actor: clinician.id, patient: patient.id, breakGlass: false };
        const written = audit({ actor: clinician.id, patient: patient.id, event: 'record-view', time }, used);
        return finish(
          {
            observation: { ...recordPage(patient), warning: `${warning} This access may be audited.` },
            outcome: 'ok',
            typed,
            session: current,
            recordViews: [view],
            audit: written,
          },
          used,
        );
      }
      return {
        observation: {
          screen: 'sealed-record',
          heading: 'This record is sealed',
          searched: patient.identity.nhsNumber,
          message: `${warning} To open it, break the glass and give your reason. Your access will be audited.`,
        },
        outcome: 'refused',
        typed,
        session: current,
      };
    },

    'break-glass'(step, current) {
      const patient = patientAt(world, step.input['patient']);
      const reason = typeof step.input['reason'] === 'string' ? step.input['reason'] : '';
      const typed: Record<string, string> = { nhsNumber: patient.identity.nhsNumber };
      if (reason !== '') typed['reason'] = reason;
      if (related(patient)) {
        return {
          observation: { screen: 'break-glass', error: 'You have a legitimate relationship with this patient. Open the record instead.' },
          outcome: 'refused',
          typed,
          session: current,
        };
      }
      if (reason === '') {
        return {
          observation: { screen: 'break-glass', error: 'Give the reason you need to open this record.' },
          outcome: 'refused',
          typed,
          session: current,
        };
      }
      const time = timeOf(world.clock);
      world.breakGlasses.push({ clinician: clinician.id, patient: patient.id, time, reason });
      const used: string[] = [];
      const written = audit({ actor: clinician.id, patient: patient.id, event: 'break-glass', time, reason }, used);
      return finish(
        {
          observation: {
            screen: 'break-glass-confirmed',
            heading: 'Access granted',
            searched: patient.identity.nhsNumber,
            reason,
            message: 'Your reason has been recorded. Open the record to continue.',
          },
          outcome: 'ok',
          typed,
          session: current,
          changes: [{ object: 'break-glass', owner: patient.id, description: `sealed record opened by ${clinician.id}: ${reason}` }],
          audit: written,
        },
        used,
      );
    },
  };

  return {
    step(step) {
      world.clock += 1;
      if (step.action === 'log-in') {
        session = `${step.actor}-${++sessionCounter}`;
        const patients = world.patients.filter(related).map((p) => ({
          name: `${p.identity.givenName} ${p.identity.familyName}`,
          nhsNumber: spacedNhsNumber(p.identity.nhsNumber),
        }));
        return { observation: { screen: 'home', heading: `Logged in as ${clinician.name}`, patients }, outcome: 'ok', session };
      }
      const handler = handlers[step.action];
      if (!handler) throw new Error(`unknown action "${step.action}"`);
      if (session === undefined) {
        return { observation: { screen: 'log-in', message: 'Insert your smartcard and enter your passcode.' }, outcome: 'refused' };
      }
      return handler(step, session);
    },
    world: () => world,
  };
}

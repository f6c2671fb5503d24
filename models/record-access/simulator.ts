import type { Observation, Simulation, Step, StepResult } from 'bookfuzz';
import type { RecordEntry, RecordWorld } from './world.js';

interface Session {
  id: string;
  actor: string;
  /** The server ended it (login disabled); a flaw may still honour it. */
  ended: boolean;
}

type Handler = (step: Step, session: Session, used: string[]) => StepResult;

function spacedNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/**
 * The patient app as it behaves with the given flaws switched on. Each actor has one browser
 * whose cookie it keeps replaying, even after the server ended the session. The `patient` actor
 * is the account holder; the `proxy` actor logs in with their own account and acts for them.
 */
export function simulate(initial: RecordWorld, flaws: ReadonlySet<string>): Simulation<RecordWorld> {
  const world = initial;
  const sessions = new Map<string, Session>();
  /** The cookie each actor's browser holds. */
  const cookies = new Map<string, string>();
  let sessionCounter = 0;

  const patientName = (): string => `${world.patient.identity.givenName} ${world.patient.identity.familyName}`;
  const nhsNumber = (): string => spacedNhsNumber(world.patient.identity.nhsNumber);
  const loginPage = (message: string, cookie?: string): StepResult => {
    const result: StepResult = { observation: { screen: 'log-in', message }, outcome: 'refused' };
    if (cookie !== undefined) result.session = cookie;
    return result;
  };
  const entryRows = (entries: RecordEntry[]): Observation[] =>
    [...entries].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0)).map((e) => ({ date: e.date, type: e.type, text: e.text }));
  const withFlaws = (result: StepResult, used: string[]): StepResult => {
    const unique = [...new Set(used)].sort();
    if (unique.length > 0) result.flaws = unique;
    return result;
  };

  /** Entries the record page shows, and the flaws whose code path let an entry through. */
  const shownEntries = (types: readonly string[], used: string[]): RecordEntry[] =>
    world.entries.filter((entry) => {
      if (!types.includes(entry.type)) return false;
      if (entry.redacted) {
        if (!flaws.has('redaction-ignored')) return false;
        used.push('redaction-ignored');
      }
      if (entry.date < world.patient.accessGrantedOn) {
        if (!flaws.has('retrospective-entries')) return false;
        used.push('retrospective-entries');
      }
      return true;
    });

  const allTypes = ['consultation', 'test-result', 'medication'];

  const handlers: Record<string, Handler> = {
    'view-record'(step, session, used) {
      if (step.actor === 'patient') {
        const entries = shownEntries(allTypes, used);
        return withFlaws(
          {
            observation: {
              screen: 'gp-record',
              heading: 'Your GP health record',
              name: patientName(),
              nhsNumber: nhsNumber(),
              notice: `Entries recorded before ${world.patient.accessGrantedOn} are not shown online. Ask your GP practice for them.`,
              entries: entryRows(entries),
            },
            outcome: 'ok',
            session: session.id,
          },
          used,
        );
      }
      const granted = world.proxy.scope.recordTypes;
      let types: readonly string[] = granted;
      if (flaws.has('proxy-overreach')) {
        // The incident: the record page checks only that the proxy is linked, not what was granted.
        types = allTypes;
      } else if (granted.length === 0) {
        return {
          observation: {
            screen: 'no-access',
            heading: `Acting for ${patientName()}`,
            nhsNumber: nhsNumber(),
            message: "You have not been given access to this person's GP record.",
          },
          outcome: 'refused',
          session: session.id,
        };
      }
      const entries = shownEntries(types, used);
      if (entries.some((e) => !granted.includes(e.type)) || granted.length === 0) used.push('proxy-overreach');
      return withFlaws(
        {
          observation: {
            screen: 'gp-record',
            heading: `GP health record of ${patientName()}`,
            nhsNumber: nhsNumber(),
            entries: entryRows(entries),
          },
          outcome: 'ok',
          session: session.id,
        },
        used,
      );
    },

    'view-appointments'(step, session, used) {
      const rows = world.appointments.map((a) => ({ when: a.when, detail: a.detail }));
      if (step.actor === 'proxy' && !world.proxy.scope.appointments) {
        if (!flaws.has('proxy-overreach')) {
          return {
            observation: {
              screen: 'no-access',
              heading: `Acting for ${patientName()}`,
              nhsNumber: nhsNumber(),
              message: "You have not been given access to this person's appointments.",
            },
            outcome: 'refused',
            session: session.id,
          };
        }
        used.push('proxy-overreach');
      }
      return withFlaws(
        {
          observation: {
            screen: 'appointments',
            heading: step.actor === 'patient' ? 'Your appointments' : `Appointments of ${patientName()}`,
            nhsNumber: nhsNumber(),
            appointments: rows,
            ...(rows.length === 0 ? { message: 'There are no upcoming appointments.' } : {}),
          },
          outcome: 'ok',
          session: session.id,
        },
        used,
      );
    },

    'disable-login'(_step, session, used) {
      const ended = [...sessions.values()].filter((s) => s.actor === 'patient' && !s.ended);
      for (const s of ended) s.ended = true;
      const result: StepResult = {
        observation: {
          screen: 'login-disabled',
          heading: 'Online access turned off',
          message: 'You have been logged out. Ask your GP practice to turn online access back on.',
        },
        outcome: 'ok',
        session: session.id,
      };
      if (!world.patient.loginDisabled) {
        world.patient.loginDisabled = true;
        result.changes = [{ object: 'account', owner: world.patient.id, description: 'online login turned off' }];
      }
      if (ended.length > 0) result.endedSessions = ended.map((s) => ({ session: s.id, reason: 'login-disabled' as const }));
      return withFlaws(result, used);
    },
  };

  const logIn = (step: Step): StepResult => {
    const cookie = cookies.get(step.actor);
    if (step.actor === 'patient' && world.patient.loginDisabled) {
      return loginPage('Online access to this account is turned off. Contact your GP practice to turn it back on.', cookie);
    }
    const session: Session = { id: `${step.actor}-${++sessionCounter}`, actor: step.actor, ended: false };
    sessions.set(session.id, session);
    cookies.set(step.actor, session.id);
    const observation: Observation =
      step.actor === 'patient'
        ? { screen: 'home', heading: `Welcome, ${patientName()}`, nhsNumber: nhsNumber(), links: ['GP health record', 'Appointments', 'Account settings'] }
        : {
            screen: 'home',
            heading: `Welcome, ${world.proxy.givenName}`,
            actingFor: patientName(),
            nhsNumber: nhsNumber(),
            relationship: world.proxy.relationship,
          };
    return { observation, outcome: 'ok', session: session.id };
  };

  return {
    step(step) {
      if (step.action === 'log-in') return logIn(step);
      const handler = handlers[step.action];
      if (!handler) throw new Error(`unknown action "${step.action}"`);
      const cookie = cookies.get(step.actor);
      const session = cookie === undefined ? undefined : sessions.get(cookie);
      if (!session) return loginPage('Log in to continue.', cookie);
      const used: string[] = [];
      if (session.ended) {
        // The incident: turning the login off did not end the sessions already open.
        if (!flaws.has('disabled-login-works')) return loginPage('You have been logged out. Log in to continue.', cookie);
        used.push('disabled-login-works');
      }
      return handler(step, session, used);
    },
    world: () => world,
  };
}

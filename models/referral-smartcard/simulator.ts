import type { JsonObject, SessionEndReason, Simulation, Step, StepResult } from 'bookfuzz';
import { clock, patientAt, spacedNhsNumber, type ReferralWorld, type ServerSession } from './world.js';

/**
 * The referral service at one GP workstation, as it behaves with the given flaws switched on.
 * The browser keeps the last session cookie it was given and presents it on every request,
 * also after logout (a stale tab, the back button, or whoever sits down next). Card reader
 * events (insert, remove) and waiting present no cookie.
 */
export function simulate(initial: ReferralWorld, flaws: ReadonlySet<string>): Simulation<ReferralWorld> {
  const world = initial;
  /** The cookie in the browser. */
  let cookie: string | undefined;
  /** Sessions that are still alive by the specification (what the user did, not what the server kept). */
  const alive = new Set<string>();
  /** For sessions the specification ended but the server kept: the flaws that kept them. */
  const keptBy = new Map<string, string[]>();
  let sessionCounter = 0;

  const serverSession = (id: string | undefined): ServerSession | undefined => world.sessions.find((s) => s.id === id);
  const dropSession = (id: string): void => {
    world.sessions = world.sessions.filter((s) => s.id !== id);
  };
  /** The user's act ends `id`: report it, and keep it on the server only if `flaw` is switched on. */
  const end = (id: string, reason: SessionEndReason, flaw: string): { session: string; reason: SessionEndReason }[] => {
    const reported = alive.delete(id) ? [{ session: id, reason }] : [];
    if (flaws.has(flaw)) {
      if (serverSession(id)) keptBy.set(id, [...new Set([...(keptBy.get(id) ?? []), flaw])].sort());
    } else {
      dropSession(id);
    }
    return reported;
  };

  /** The result of a page request made with the browser's cookie. */
  const page = (observation: JsonObject, outcome: 'ok' | 'refused'): StepResult => {
    const result: StepResult = { observation, outcome };
    if (cookie !== undefined) result.session = cookie;
    return result;
  };
  const loginPage = (): StepResult =>
    page({ page: 'login', heading: 'Log in with your smartcard', message: 'Your session has ended. Insert your smartcard and enter your passcode.' }, 'refused');

  /** The session the server serves this request with, if any; marks activity and attributes kept sessions. */
  const served = (): { session: ServerSession; flaws: string[] } | undefined => {
    const session = serverSession(cookie);
    if (!session) return undefined;
    session.lastActivity = world.now;
    return { session, flaws: keptBy.get(session.id) ?? [] };
  };
  const withFlaws = (result: StepResult, used: string[]): StepResult => (used.length > 0 ? { ...result, flaws: used } : result);

  const handlers: Record<string, (step: Step) => StepResult> = {
    'insert-card'() {
      world.cardInReader = true;
      return { observation: { reader: 'card present', page: 'login', heading: 'Enter your passcode' }, outcome: 'ok' };
    },

    'remove-card'() {
      if (!world.cardInReader) return { observation: { reader: 'no card' }, outcome: 'refused' };
      world.cardInReader = false;
      const card = world.gp.cardSerial;
      const bound = world.sessions.filter((s) => s.card === card);
      if (bound.length === 0) return { observation: { reader: 'no card' }, outcome: 'ok' };
      const endedSessions = bound.flatMap((s) => end(s.id, 'card-removed', 'card-removal-ignored'));
      const kept = world.sessions.some((s) => s.card === card && (keptBy.get(s.id) ?? []).includes('card-removal-ignored'));
      const result: StepResult = kept
        ? { observation: { reader: 'no card' }, outcome: 'ok', flaws: ['card-removal-ignored'] }
        : { observation: { reader: 'no card', page: 'session-ended', message: 'Your smartcard was removed. You have been logged out.' }, outcome: 'ok' };
      if (endedSessions.length > 0) result.endedSessions = endedSessions;
      return result;
    },

    'log-in'(step) {
      if (!world.cardInReader) {
        return page({ page: 'login', heading: 'Log in with your smartcard', error: 'Insert your smartcard to log in.' }, 'refused');
      }
      const passcode = step.input['passcode'] === 'correct' ? world.gp.passcode : '000000';
      if (passcode !== world.gp.passcode) {
        return { ...page({ page: 'login', heading: 'Enter your passcode', error: 'The passcode is not right.' }, 'refused'), typed: { passcode } };
      }
      // A new session replaces the browser's old one (no fixation); the old one is dropped.
      if (cookie !== undefined) {
        alive.delete(cookie);
        dropSession(cookie);
      }
      const id = `session-${++sessionCounter}`;
      world.sessions.push({ id, card: world.gp.cardSerial, lastActivity: world.now });
      alive.add(id);
      cookie = id;
      return {
        observation: { page: 'home', heading: `Welcome, ${world.gp.name}`, links: ['Referrals', 'Find a patient', 'Log out'] },
        outcome: 'ok',
        typed: { passcode },
        session: id,
      };
    },

    'open-referrals'() {
      const use = served();
      if (!use) return loginPage();
      const rows = world.patients.map((p) => ({
        ubrn: p.referral.ubrn,
        patient: `${p.identity.givenName} ${p.identity.familyName}`,
        nhsNumber: spacedNhsNumber(p.identity.nhsNumber),
        specialty: p.referral.specialty,
        reason: p.referral.text,
      }));
      return withFlaws(page({ page: 'worklist', heading: 'Referrals awaiting review', rows }, 'ok'), use.flaws);
    },

    'open-record'(step) {
      const use = served();
      if (!use) return loginPage();
      const patient = patientAt(world, step.input['patient']);
      const time = clock(world);
      world.audit.push({ user: world.gp.id, patient: patient.id, event: 'record-view', time });
      const result = page(
        {
          page: 'patient-record',
          patient: {
            name: `${patient.identity.givenName} ${patient.identity.familyName}`,
            nhsNumber: spacedNhsNumber(patient.identity.nhsNumber),
            dateOfBirth: patient.identity.dateOfBirth,
          },
          referral: { ubrn: patient.referral.ubrn, specialty: patient.referral.specialty, reason: patient.referral.text },
          entries: patient.entries.map((e) => ({ date: e.date, text: e.text })),
        },
        'ok',
      );
      result.recordViews = [{ actor: world.gp.id, patient: patient.id, breakGlass: false }];
      result.audit = [{ actor: world.gp.id, patient: patient.id, event: 'record-view', time }];
      return withFlaws(result, use.flaws);
    },

    'log-out'() {
      const use = served();
      if (!use) return loginPage();
      const endedSessions = end(use.session.id, 'logout', 'logout-ignored');
      // Attribution: this request was served because of the flaws that kept the session; the
      // logout flaw is named only when it keeps alive a session this very logout should end.
      const kept = endedSessions.length > 0 && serverSession(use.session.id) !== undefined;
      const result = withFlaws(page({ page: 'logged-out', heading: 'You have logged out' }, 'ok'), [
        ...new Set([...use.flaws, ...(kept ? ['logout-ignored'] : [])]),
      ].sort());
      if (endedSessions.length > 0) result.endedSessions = endedSessions;
      return result;
    },

    wait(step) {
      const minutes = typeof step.input['minutes'] === 'number' ? step.input['minutes'] : 0;
      world.now += minutes;
      const idle = world.sessions.filter((s) => world.now - s.lastActivity >= world.idleLimitMinutes);
      const endedSessions = idle.filter((s) => alive.delete(s.id)).map((s) => ({ session: s.id, reason: 'idle-timeout' as const }));
      for (const s of idle) dropSession(s.id);
      const result: StepResult = { observation: { clock: clock(world) }, outcome: 'ok' };
      if (endedSessions.length > 0) result.endedSessions = endedSessions;
      return result;
    },
  };

  return {
    step(step) {
      const handler = handlers[step.action];
      if (!handler) throw new Error(`unknown action "${step.action}"`);
      return handler(step);
    },
    world: () => world,
  };
}

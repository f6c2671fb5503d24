import {
  BookfuzzError,
  inputValue,
  observeResponses,
  type AuditEntry,
  type HttpBinding,
  type HttpRequest,
  type HttpResponse,
  type Json,
  type LiveSite,
  type RecordView,
  type SessionEndReason,
  type Step,
  type StepResult,
  seedWorld,
  seedingActor,
  sessionId,
  siteMemory,
} from 'bookfuzz';
import { patientAt, type ReferralWorld, type ServerAuditEntry } from './world.js';

/**
 * The referral service at one GP workstation over HTTP (HTML forms, `rs_session` cookie, CSRF
 * token per session, the world's clock).
 *
 * - `log-in` = GET `/login` (the form and its CSRF token) then POST `/login` `{ cardSerial,
 *   passcode }`; `open-referrals` = GET `/referrals`; `open-record {patient}` = GET
 *   `/patients/:id`; `log-out` = POST `/logout`.
 * - `insert-card` / `remove-card` = POST `/reader/insert|remove` `{ cardSerial }` from the
 *   card-reader agent, a client without the GP's cookies; `wait` = POST
 *   `/__bookfuzz/advance-clock` (the minutes pass on the site's clock).
 * - The GP's browser keeps the cookie of its last log-in and presents it on every request, also
 *   after the site cleared it (logout's `Max-Age=0`) or handed out an anonymous one on the log-in
 *   page: the jar saved right after each successful log-in is restored before every step.
 * - Sessions end by the user's act, whatever the site does: `log-out` ends the session it
 *   presented, `remove-card` every live session (all are bound to the GP's card), a `wait` that
 *   takes a session's idle time to the limit ends it. The binding keeps that specification
 *   itself (which sessions live, their last activity on the world clock).
 * - Record views are matched with the audit entries the site wrote during the step (state
 *   endpoint, before and after).
 */

const MODEL = 'referral-smartcard';
const P = `/${MODEL}`;
const COOKIE = 'rs_session';
/** The workstation's card-reader agent: no cookies of the GP. */
const READER_ACTOR = 'card-reader';

interface Memory {
  /** The GP browser's cookie jar right after its last successful log-in (replayed on every step). */
  loginJar: Map<string, string>;
  /** CSRF token of each session (by session id), read from its pages. */
  csrf: Map<string, string>;
  /** Sessions alive by the specification, with their last activity (minutes on the world clock). */
  alive: Map<string, number>;
}

/** The page echoes its own request id, which changes on every load. */
const ECHOED = ['x-request-id'];

const memoryOf = siteMemory<Memory>(() => ({ loginJar: new Map(), csrf: new Map(), alive: new Map() }));

interface StateSnapshot {
  world: ReferralWorld;
  audit: ServerAuditEntry[];
  clock: string;
}

function parseState(response: HttpResponse): StateSnapshot | undefined {
  if (response.status !== 200) return undefined;
  try {
    const state = JSON.parse(response.body) as Partial<StateSnapshot>;
    if (!state.world || !Array.isArray(state.audit)) return undefined;
    return { world: state.world, audit: state.audit, clock: typeof state.clock === 'string' ? state.clock : '' };
  } catch {
    return undefined;
  }
}

/** The server state, or undefined when the site has no state endpoint for us (no seed token: 403/404). */
async function readState(site: LiveSite): Promise<StateSnapshot | undefined> {
  if (site.seedToken === undefined) return undefined;
  return parseState(await site.actor(seedingActor).request({ method: 'GET', path: `/__bookfuzz/state?model=${MODEL}` }));
}

/** Where the browser finally landed: the path of the last answer (without the query) and whether it was an error. */
function landed(response: HttpResponse): { path: string; error: boolean } {
  const [path = '', query = ''] = response.path.split('?');
  return { path, error: response.status >= 400 || /(?:^|&)error=/.test(query) };
}

export const binding: HttpBinding<ReferralWorld> = {
  setupMethod: 'seeding-endpoint',

  async setup(world, site) {
    await seedWorld(site, MODEL, world);
  },

  async perform(step: Step, site: LiveSite, world: ReferralWorld): Promise<StepResult> {
    const memory = memoryOf(site);
    const browser = site.actor(step.actor);
    // The browser presents the cookie of its last log-in, whatever the site told it since.
    const saved = memory.loginJar.get(step.actor);
    if (saved !== undefined) browser.restoreCookies(saved);
    else browser.clearCookies();
    const presented = sessionId('rs-', browser.cookie(COOKIE));
    const responses: HttpResponse[] = [];

    const send = async (client: typeof browser, request: HttpRequest): Promise<HttpResponse> => {
      const response = await client.request(request);
      responses.push(response);
      const token = client === browser ? inputValue(response.body, '_csrf') : undefined;
      const session = sessionId('rs-', browser.cookie(COOKIE));
      if (token !== undefined && token !== '' && session !== undefined) memory.csrf.set(session, token);
      return response;
    };
    const reader = site.actor(READER_ACTOR);
    /** Marks the presented session active now (the site served a request with it). */
    const touch = (): void => {
      if (presented !== undefined && memory.alive.has(presented)) memory.alive.set(presented, world.now);
    };

    let outcome: StepResult['outcome'] = 'refused';
    let typed: Record<string, string> | undefined;
    let session = presented;
    let endedSessions: { session: string; reason: SessionEndReason }[] = [];
    let recordViews: RecordView[] | undefined;
    let audit: AuditEntry[] | undefined;

    switch (step.action) {
      case 'insert-card':
      case 'remove-card': {
        const how = step.action === 'insert-card' ? 'insert' : 'remove';
        const answer = await send(reader, { method: 'POST', path: `${P}/reader/${how}`, form: { cardSerial: world.gp.cardSerial } });
        typed = { cardSerial: world.gp.cardSerial };
        const at = landed(answer);
        // Pulling out a card that is not in the reader does nothing (the reader is physical: the world says).
        outcome = at.path === `${P}/reader` && !at.error && (how === 'insert' || world.cardInReader) ? 'ok' : 'refused';
        // A reader event presents no session of the GP.
        session = undefined;
        if (how === 'remove' && world.cardInReader) {
          // Every live session is bound to the GP's card: pulling it out ends them all.
          endedSessions = [...memory.alive.keys()].map((id) => ({ session: id, reason: 'card-removed' as const }));
          memory.alive.clear();
        }
        break;
      }

      case 'log-in': {
        const passcode = step.input['passcode'] === 'correct' ? world.gp.passcode : '000000';
        typed = { cardSerial: world.gp.cardSerial, passcode };
        const form = await send(browser, { method: 'GET', path: `${P}/login` });
        const answer = await send(browser, {
          method: 'POST',
          path: `${P}/login`,
          form: { _csrf: inputValue(form.body, '_csrf') ?? '', cardSerial: world.gp.cardSerial, passcode },
        });
        const at = landed(answer);
        const cookie = browser.cookie(COOKIE);
        if (at.path === `${P}/home` && !at.error && cookie !== undefined) {
          outcome = 'ok';
          // A new session replaces the browser's old one (the old one is dropped, not ended by the user).
          if (presented !== undefined) memory.alive.delete(presented);
          session = sessionId('rs-', cookie);
          if (session !== undefined) memory.alive.set(session, world.now);
          memory.loginJar.set(step.actor, browser.saveCookies());
        }
        break;
      }

      case 'open-referrals': {
        const at = landed(await send(browser, { method: 'GET', path: `${P}/referrals` }));
        outcome = at.path === `${P}/referrals` && !at.error ? 'ok' : 'refused';
        if (outcome === 'ok') touch();
        break;
      }

      case 'open-record': {
        const patient = patientAt(world, step.input['patient']);
        typed = { patientId: patient.id };
        const before = await readState(site);
        const at = landed(await send(browser, { method: 'GET', path: `${P}/patients/${encodeURIComponent(patient.id)}` }));
        outcome = at.path === `${P}/patients/${patient.id}` && !at.error ? 'ok' : 'refused';
        if (outcome === 'ok') touch();
        const after = before ? await readState(site) : undefined;
        if (before && after) {
          audit = after.audit.slice(before.audit.length).map((e) => ({ actor: e.user, patient: e.patient, event: e.event, time: e.time }));
          // Only with the audit log at hand can a view be held against it.
          if (outcome === 'ok') recordViews = [{ actor: world.gp.id, patient: patient.id, breakGlass: false }];
        }
        break;
      }

      case 'log-out': {
        const token = presented === undefined ? '' : (memory.csrf.get(presented) ?? '');
        const at = landed(await send(browser, { method: 'POST', path: `${P}/logout`, form: { _csrf: token } }));
        outcome = at.path === `${P}/logged-out` && !at.error ? 'ok' : 'refused';
        if (outcome === 'ok' && presented !== undefined && memory.alive.delete(presented)) {
          endedSessions = [{ session: presented, reason: 'logout' }];
        }
        break;
      }

      case 'wait': {
        const minutes = typeof step.input['minutes'] === 'number' ? step.input['minutes'] : 0;
        const answer = await site.actor(seedingActor).request({ method: 'POST', path: '/__bookfuzz/advance-clock', json: { model: MODEL, minutes } });
        if (answer.status === 404 || answer.status === 403) {
          throw new BookfuzzError('BF_USAGE', `the site refused POST /__bookfuzz/advance-clock (${answer.status}): "wait" needs the site's seed token`, {
            where: `${MODEL} binding, wait`,
          });
        }
        // The GP sees nothing while waiting; the observation is the clock the site reports, not its whole state.
        const state = parseState(answer);
        responses.push({ ...answer, body: JSON.stringify(state ? { clock: state.clock } : { status: answer.status }) });
        outcome = state ? 'ok' : 'refused';
        session = undefined;
        const now = world.now + minutes;
        for (const [id, lastActivity] of memory.alive) {
          if (now - lastActivity >= world.idleLimitMinutes) {
            endedSessions.push({ session: id, reason: 'idle-timeout' });
            memory.alive.delete(id);
          }
        }
        break;
      }

      default:
        throw new BookfuzzError('BF_MODEL_INVALID', `the HTTP binding has no action "${step.action}"`, { where: `${MODEL} binding` });
    }

    const result: StepResult = {
      observation: observeResponses(responses, { ...(typed ? { typed } : {}), echoedHeaders: ECHOED }),
      outcome,
    };
    if (typed) result.typed = typed;
    if (session !== undefined) result.session = session;
    if (endedSessions.length > 0) result.endedSessions = endedSessions;
    if (recordViews) result.recordViews = recordViews;
    if (audit && audit.length > 0) result.audit = audit;
    return result;
  },
};

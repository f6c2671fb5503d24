import {
  BookfuzzError,
  inputValue,
  observeResponses,
  type ActorClient,
  type Change,
  type HttpBinding,
  type HttpRequest,
  type HttpResponse,
  type Json,
  type LiveSite,
  type Step,
  type StepResult,
  seedWorld,
  seedingActor,
  sessionId,
  siteMemory,
} from 'bookfuzz';
import { patientAt, type Booking, type NhsWorld } from './world.js';

/**
 * The national COVID-19 booking service over HTTP (HTML forms, an anonymous session from the
 * start page, a CSRF token per session, a one-time code "sent by SMS").
 *
 * - `open-service` = GET `/`; `submit-identity` = POST `/identity`; `enter-code` = POST `/verify`;
 *   `choose-slot` = POST `/slots`; `confirm-booking` = POST `/confirm` — each following its 303.
 * - The genuine `patient` reads the code from the state endpoint's SMS `outbox` right after its
 *   own identity submission (the outbox stands in for their phone); a `visitor` only ever sends
 *   its guess.
 * - The world goes on the site through `POST /__bookfuzz/seed`; bookings made are read back from
 *   `GET /__bookfuzz/state` before and after `confirm-booking`.
 */

const MODEL = 'nhs-covid-booking';
const P = `/${MODEL}`;
const COOKIE = 'nhs_session';

interface Memory {
  /** The CSRF token each actor's browser last saw on a page, with the session cookie it belongs to. */
  csrf: Map<string, { cookie: string; token: string }>;
  /**
   * Pages each actor's browser landed on since its CSRF token was last brought up to date, oldest
   * first, with the session cookie held at the time. A page is read for its token only when the
   * actor next posts a form (most pages are followed by another page before that).
   */
  unread: Map<string, { cookie: string; body: string }[]>;
  /** The code the genuine patient's phone received for its latest identity submission. */
  code: Map<string, string>;
  /** The patient each actor's session last entered the details of (for changes without the state endpoint). */
  entered: Map<string, string>;
}

/** The page echoes its own request id, which changes on every load. */
const ECHOED = ['x-request-id'];

const memoryOf = siteMemory<Memory>(() => ({ csrf: new Map(), unread: new Map(), code: new Map(), entered: new Map() }));

interface StateSnapshot {
  world: NhsWorld;
  outbox: { patient: string; to: string; code: string; sentAt: string }[];
}

/** The server state, or undefined when the site has no state endpoint for us (no seed token: 403/404). */
async function readState(site: LiveSite): Promise<StateSnapshot | undefined> {
  if (site.seedToken === undefined) return undefined;
  const response = await site.actor(seedingActor).request({ method: 'GET', path: `/__bookfuzz/state?model=${MODEL}` });
  if (response.status !== 200) return undefined;
  try {
    const state = JSON.parse(response.body) as Partial<StateSnapshot>;
    if (!state.world || !Array.isArray(state.world.bookings)) return undefined;
    return { world: state.world, outbox: Array.isArray(state.outbox) ? state.outbox : [] };
  } catch {
    return undefined;
  }
}

/** Bookings in `after` that were not in `before`, as changes with their owner. */
function bookingChanges(before: readonly Booking[], after: readonly Booking[]): Change[] {
  const known = new Set(before.map((b) => b.reference));
  return after
    .filter((b) => !known.has(b.reference))
    .map((b) => ({ object: 'booking', owner: b.patient, description: `dose ${b.dose} booked at ${b.slot}` }));
}

/** Where the actor finally landed: the path of the last answer (without the query) and whether it was an error. */
function landed(response: HttpResponse | undefined): { path: string; error: boolean } {
  if (!response) return { path: '', error: true };
  const [path = '', query = ''] = response.path.split('?');
  return { path, error: response.status >= 400 || /(?:^|&)error=/.test(query) };
}

export const binding: HttpBinding<NhsWorld> = {
  setupMethod: 'seeding-endpoint',

  async setup(world, site) {
    await seedWorld(site, MODEL, world);
  },

  async perform(step: Step, site: LiveSite, world: NhsWorld): Promise<StepResult> {
    const memory = memoryOf(site);
    const client: ActorClient = site.actor(step.actor);
    const presented = client.cookie(COOKIE);
    const responses: HttpResponse[] = [];

    /** Sends one request as the actor's browser, keeping the page it lands on for its CSRF token. */
    const send = async (request: HttpRequest): Promise<HttpResponse> => {
      const response = await client.request(request);
      responses.push(response);
      const cookie = client.cookie(COOKIE);
      if (cookie !== undefined) {
        const pages = memory.unread.get(step.actor);
        if (pages === undefined) memory.unread.set(step.actor, [{ cookie, body: response.body }]);
        else pages.push({ cookie, body: response.body });
      }
      return response;
    };
    /**
     * The CSRF token of the page the browser is on, if it belongs to the session it holds: the
     * token of the newest page that had one, as if every page had been read when it came.
     */
    const csrf = (): string => {
      const pages = memory.unread.get(step.actor) ?? [];
      for (let i = pages.length - 1; i >= 0; i--) {
        const { cookie, body } = pages[i]!;
        const token = inputValue(body, '_csrf');
        if (token !== undefined && token !== '') {
          memory.csrf.set(step.actor, { cookie, token });
          break;
        }
      }
      pages.length = 0;
      const known = memory.csrf.get(step.actor);
      return known !== undefined && known.cookie === client.cookie(COOKIE) ? known.token : '';
    };
    /** POSTs a form of the page the browser is on (with its CSRF token). */
    const post = (path: string, form: Record<string, string> = {}): Promise<HttpResponse> =>
      send({ method: 'POST', path: `${P}${path}`, form: { _csrf: csrf(), ...form } });

    let outcome: StepResult['outcome'] = 'refused';
    let typed: Record<string, string> | undefined;
    let changes: Change[] | undefined;

    switch (step.action) {
      case 'open-service': {
        const at = landed(await send({ method: 'GET', path: `${P}/` }));
        outcome = at.path === `${P}/` && !at.error ? 'ok' : 'refused';
        break;
      }

      case 'submit-identity': {
        const patient = patientAt(world, step.input['patient']);
        typed =
          step.input['by'] === 'name-dob-postcode'
            ? {
                givenName: patient.identity.givenName,
                familyName: patient.identity.familyName,
                dateOfBirth: patient.identity.dateOfBirth,
                postcode: patient.identity.postcode,
              }
            : { nhsNumber: patient.identity.nhsNumber };
        const at = landed(await post('/identity', typed));
        // Identified: the code page, or (with the flaw) one of the two status-dependent screens.
        const identified = !at.error && [`${P}/verify`, `${P}/booking-reference`, `${P}/screening`].includes(at.path);
        outcome = identified ? 'ok' : 'refused';
        if (identified) {
          memory.entered.set(step.actor, patient.id);
          if (step.actor === 'patient') {
            // The SMS just sent to the patient's phone: the last outbox entry for them.
            const state = await readState(site);
            const sms = state?.outbox.filter((m) => m.patient === patient.id).at(-1);
            if (sms) memory.code.set(step.actor, sms.code);
            else memory.code.delete(step.actor);
          }
        }
        break;
      }

      case 'enter-code': {
        const code = step.actor === 'patient' ? (memory.code.get(step.actor) ?? '') : String(step.input['guess'] ?? '000000');
        typed = { code };
        const at = landed(await post('/verify', { code }));
        outcome = at.path === `${P}/your-vaccinations` && !at.error ? 'ok' : 'refused';
        break;
      }

      case 'choose-slot': {
        const slot = Math.abs(Number(step.input['slot'] ?? 0)) % world.slots.length;
        const at = landed(await post('/slots', { slot: String(slot) }));
        outcome = at.path === `${P}/check` && !at.error ? 'ok' : 'refused';
        break;
      }

      case 'confirm-booking': {
        const before = await readState(site);
        const at = landed(await post('/confirm'));
        const booked = /^\/nhs-covid-booking\/bookings\/[^/]+$/.test(at.path) && !at.error;
        outcome = booked ? 'ok' : 'refused';
        const after = before ? await readState(site) : undefined;
        if (before && after) {
          changes = bookingChanges(before.world.bookings, after.world.bookings);
        } else if (booked) {
          // No state endpoint: the confirmation page is the only evidence.
          const reference = decodeURIComponent(at.path.split('/').at(-1) ?? '');
          const owner = memory.entered.get(step.actor);
          changes = [{ object: 'booking', ...(owner ? { owner } : {}), description: `booking ${reference} confirmed` }];
        }
        break;
      }

      default:
        throw new BookfuzzError('BF_MODEL_INVALID', `the HTTP binding has no action "${step.action}"`, { where: `${MODEL} binding` });
    }

    // The session the browser presented: its cookie before the step, or the one a redirect hop carried.
    const carried = presented ?? (responses.some((r) => r.redirects.length > 0) ? client.cookie(COOKIE) : undefined);
    const result: StepResult = {
      observation: observeResponses(responses, { ...(typed ? { typed } : {}), echoedHeaders: ECHOED }),
      outcome,
    };
    if (typed) result.typed = typed;
    const session = sessionId('nhs-', carried);
    if (session !== undefined) result.session = session;
    if (changes && changes.length > 0) result.changes = changes;
    return result;
  },
};

import {
  BookfuzzError,
  observeResponses,
  pageForms,
  type ActorClient,
  type Change,
  type HttpBinding,
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
import type { RecordWorld } from './world.js';

/**
 * How record-access runs against a live site (the reference staging site's routes, see
 * src/staging/README.md "record-access"): the world is seeded through `/__bookfuzz/seed`, each
 * actor logs in with the credentials derived from the world, and every action is the page a
 * browser would open or the form it would submit.
 *
 * - `log-in` = GET `/login`, POST `/login` (`username`, `password`); ok when it lands on `/home`.
 * - `view-record` / `view-appointments` = GET `/record` / `/appointments`; ok on a 200 page there
 *   (403 "not given access" and the redirect to the log-in page are refusals).
 * - `disable-login` = GET `/settings`, POST its "turn online access off" form; the session the
 *   patient presented is reported ended (`login-disabled`) whatever the site does, and the browser
 *   keeps replaying that old cookie afterwards (the site clears it with Max-Age=0).
 *
 * No record view is reported: the model audits none (its simulator reports no `recordViews`), and
 * the site's own event log holds only `login-disabled` events, which are not audit entries of the
 * model's shape.
 */

const MODEL = 'record-access';
const P = `/${MODEL}`;
const COOKIE = 'ra_session';

interface Memory {
  /** Whether `/__bookfuzz/state` answers (undefined until first asked). */
  stateAvailable: boolean | undefined;
}

const memoryOf = siteMemory<Memory>(() => ({ stateAvailable: undefined }));

/** A stable, short id of the session cookie the client holds now (never the value itself). */
function sessionOf(client: ActorClient): string | undefined {
  const value = client.cookie(COOKIE);
  if (value === undefined || value === '') return undefined;
  return sessionId(`${COOKIE}:`, value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the state endpoint tells this binding: whether the patient's login is off. */
interface ServerState {
  loginDisabled: boolean;
}

/** The server world through `GET /__bookfuzz/state`, or undefined when the site has no such endpoint (no token). */
async function readState(site: LiveSite): Promise<ServerState | undefined> {
  const memory = memoryOf(site);
  if (memory.stateAvailable === false) return undefined;
  const response = await site.actor(seedingActor).request({ method: 'GET', path: `/__bookfuzz/state?model=${MODEL}` });
  if (response.status !== 200) {
    memory.stateAvailable = false;
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    memory.stateAvailable = false;
    return undefined;
  }
  const world = isObject(parsed) ? parsed['world'] : undefined;
  const patient = isObject(world) ? world['patient'] : undefined;
  if (!isObject(patient) || typeof patient['loginDisabled'] !== 'boolean') {
    throw new BookfuzzError('BF_TRANSPORT', 'the state endpoint answered without world.patient.loginDisabled', { where: `GET /__bookfuzz/state?model=${MODEL}` });
  }
  memory.stateAvailable = true;
  return { loginDisabled: patient['loginDisabled'] };
}

function credentialsOf(actor: string, world: RecordWorld): Record<string, string> {
  const nhsNumber = world.patient.identity.nhsNumber;
  if (actor === 'patient') {
    return { username: nhsNumber, password: `${world.patient.identity.dateOfBirth}#${nhsNumber.slice(-4)}` };
  }
  return { username: world.proxy.id, password: `proxy-${world.proxy.id}-${nhsNumber.slice(-4)}` };
}

/** A 200 page at exactly this path (after any redirects): the action was served. */
function servedAt(response: HttpResponse, path: string): boolean {
  return response.status === 200 && response.path === path;
}

async function logIn(step: Step, client: ActorClient, world: RecordWorld): Promise<StepResult> {
  const typed = credentialsOf(step.actor, world);
  const presented = sessionOf(client);
  const held = client.saveCookies();
  const page = await client.request({ method: 'GET', path: `${P}/login` });
  const form = page.status === 200 ? pageForms(page.body).find((f) => f.action === `${P}/login`) : undefined;
  const answer = form ? await client.request({ method: 'POST', path: form.action, form: { ...form.fields, ...typed } }) : undefined;
  const ok = answer !== undefined && servedAt(answer, `${P}/home`);
  // A refused log-in leaves the browser with the cookie it had (an anonymous one the log-in page
  // handed out is dropped), so an ended session keeps being replayed.
  if (!ok) client.restoreCookies(held);
  return {
    observation: observeResponses(answer ? [page, answer] : [page], { typed }),
    outcome: ok ? 'ok' : 'refused',
    typed,
    // A log-in that worked uses the new (rotated) session from here on; a refused one kept the old.
    session: ok ? sessionOf(client) : presented,
  };
}

async function view(client: ActorClient, path: string): Promise<StepResult> {
  const presented = sessionOf(client);
  const held = client.saveCookies();
  const answer = await client.request({ method: 'GET', path });
  // Only a log-in changes the session the browser holds: a refused page that hands out a new
  // anonymous cookie (the log-in page after "session ended") does not replace the old one.
  client.restoreCookies(held);
  return { observation: observeResponses([answer]), outcome: servedAt(answer, path) ? 'ok' : 'refused', session: presented };
}

async function disableLogin(site: LiveSite, client: ActorClient, world: RecordWorld): Promise<StepResult> {
  const presented = sessionOf(client);
  const held = client.saveCookies();
  const settings = await client.request({ method: 'GET', path: `${P}/settings` });
  const form = servedAt(settings, `${P}/settings`)
    ? pageForms(settings.body).find((f) => f.action === `${P}/settings/disable-login`)
    : undefined;
  if (!form) {
    // Not logged in (or not the account holder): the settings page is not reachable, nothing to press.
    client.restoreCookies(held);
    return { observation: observeResponses([settings]), outcome: 'refused', session: presented };
  }
  const before = await readState(site);
  const onPost = sessionOf(client);
  const answer = await client.request({ method: 'POST', path: form.action, form: form.fields });
  // The site clears the cookie (Max-Age=0); an attacker, and this client, keep replaying it.
  client.restoreCookies(held);
  const after = await readState(site);
  const ok = servedAt(answer, `${P}/login-disabled`);

  const result: StepResult = {
    observation: observeResponses([settings, answer]),
    outcome: ok ? 'ok' : 'refused',
    session: onPost,
  };
  const turnedOff =
    before !== undefined && after !== undefined ? !before.loginDisabled && after.loginDisabled : ok && !world.patient.loginDisabled;
  if (turnedOff) {
    const change: Change = { object: 'account', owner: world.patient.id, description: 'online login turned off' };
    result.changes = [change];
  }
  // The patient turned their login off: the session they used must be dead now, whatever the site did.
  if (onPost !== undefined) result.endedSessions = [{ session: onPost, reason: 'login-disabled' }];
  return result;
}

export const binding: HttpBinding<RecordWorld> = {
  setupMethod: 'seeding-endpoint',

  async setup(world, site) {
    await seedWorld(site, MODEL, world);
  },

  async perform(step, site, world) {
    const client = site.actor(step.actor);
    switch (step.action) {
      case 'log-in':
        return logIn(step, client, world);
      case 'view-record':
        return view(client, `${P}/record`);
      case 'view-appointments':
        return view(client, `${P}/appointments`);
      case 'disable-login':
        return disableLogin(site, client, world);
      default:
        throw new BookfuzzError('BF_MODEL_INVALID', `the HTTP binding has no action "${step.action}"`, { where: `model ${MODEL}, http.ts` });
    }
  },
};

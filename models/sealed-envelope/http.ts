import {
  BookfuzzError,
  inputValue,
  observeResponses,
  pageForms,
  type ActorClient,
  type AuditEntry,
  type Change,
  type HttpBinding,
  type Json,
  type LiveSite,
  type RecordView,
  type Step,
  type StepResult,
  seedWorld,
  seedingActor,
  sessionId,
  siteMemory,
} from 'bookfuzz';
import { patientAt, type BreakGlass, type Patient, type SealedWorld } from './world.js';

/**
 * How sealed-envelope runs against a live site (the reference staging site's routes, see
 * src/staging/README.md "sealed-envelope"): the world is seeded through `/__bookfuzz/seed`, the
 * clinician logs in with staff id and passcode, and
 *
 * - `log-in` = GET `/login`, POST `/login`; the CSRF token of the home page is kept for later posts;
 * - `open-record {patient}` = POST `/search` with the patient's NHS number, following the 303 to
 *   `/records/:id`: a 200 record page is a record view (a break-glass view when it carries the
 *   "Opened by break-glass" banner); the sealed page (403) and every other answer are refusals;
 * - `break-glass {patient, reason}` = POST `/records/:id/break-glass`; ok when it lands on
 *   `/access-granted`.
 *
 * Each action is exactly one POST, and the site's clock moves one minute per POST, as the model's
 * clock moves one minute per step: audit times on the site are the model's. The audit entries of a
 * step are the ones the site appended to its audit log (the state endpoint's `audit`) during it.
 */

const MODEL = 'sealed-envelope';
const P = `/${MODEL}`;
const COOKIE = 'se_session';
const BREAK_GLASS_BANNER = 'Opened by break-glass';

interface Memory {
  /** CSRF token of each actor's logged-in session, from its home page. */
  csrf: Map<string, string>;
  /** Whether `/__bookfuzz/state` answers (undefined until first asked). */
  stateAvailable: boolean | undefined;
  /**
   * The state read at the end of the last step that read it. Only this binding's own requests
   * change the audit log and the grants of a freshly seeded world (a log-in changes neither), so
   * it is the state before the next step: one read per step instead of two.
   */
  last: ServerState | undefined;
}

const memoryOf = siteMemory<Memory>(() => ({ csrf: new Map(), stateAvailable: undefined, last: undefined }));

/** A stable, short id of the session cookie the client holds now (never the value itself). */
function sessionOf(client: ActorClient): string | undefined {
  const value = client.cookie(COOKIE);
  if (value === undefined || value === '') return undefined;
  return sessionId(`${COOKIE}:`, value);
}

function spaced(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** What the state endpoint tells this binding: the audit log and the granted break-glasses. */
interface ServerState {
  audit: AuditEntry[];
  breakGlasses: BreakGlass[];
}

function auditEntryOf(value: unknown): AuditEntry | undefined {
  if (!isObject(value)) return undefined;
  const actor = str(value['actor']);
  const patient = str(value['patient']);
  const event = value['event'];
  const time = str(value['time']);
  if (actor === undefined || patient === undefined || time === undefined) return undefined;
  if (event !== 'record-view' && event !== 'break-glass') return undefined;
  const entry: AuditEntry = { actor, patient, event, time };
  const reason = str(value['reason']);
  if (reason !== undefined) entry.reason = reason;
  return entry;
}

function breakGlassOf(value: unknown): BreakGlass | undefined {
  if (!isObject(value)) return undefined;
  const clinician = str(value['clinician']);
  const patient = str(value['patient']);
  const time = str(value['time']);
  const reason = str(value['reason']);
  if (clinician === undefined || patient === undefined || time === undefined || reason === undefined) return undefined;
  return { clinician, patient, time, reason };
}

/** The server state through `GET /__bookfuzz/state`, or undefined when the site has no such endpoint (no token). */
async function readState(site: LiveSite): Promise<ServerState | undefined> {
  const memory = memoryOf(site);
  if (memory.stateAvailable === false) return undefined;
  const where = `GET /__bookfuzz/state?model=${MODEL}`;
  const response = await site.actor(seedingActor).request({ method: 'GET', path: `/__bookfuzz/state?model=${MODEL}` });
  if (response.status !== 200) {
    memory.stateAvailable = false;
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch (error) {
    throw new BookfuzzError('BF_TRANSPORT', 'the state endpoint answered something that is not JSON', { where, cause: error });
  }
  const world = isObject(parsed) ? parsed['world'] : undefined;
  const audit = isObject(parsed) ? parsed['audit'] : undefined;
  const grants = isObject(world) ? world['breakGlasses'] : undefined;
  if (!Array.isArray(audit) || !Array.isArray(grants)) {
    throw new BookfuzzError('BF_TRANSPORT', 'the state endpoint answered without audit and world.breakGlasses', { where });
  }
  memory.stateAvailable = true;
  memory.last = {
    audit: audit.map(auditEntryOf).filter((e): e is AuditEntry => e !== undefined),
    breakGlasses: grants.map(breakGlassOf).filter((b): b is BreakGlass => b !== undefined),
  };
  return memory.last;
}

/** The state before a step: what the last step left, else read now. */
async function stateBefore(site: LiveSite): Promise<ServerState | undefined> {
  return memoryOf(site).last ?? readState(site);
}

/** Audit entries written between two reads of the (append-only) log. */
function newAudit(before: ServerState, after: ServerState): AuditEntry[] {
  return after.audit.slice(Math.min(before.audit.length, after.audit.length));
}

/** What the clinician typed or sent about a patient: the NHS number (the site echoes it spaced) and the record id in the URL. */
function patientTyped(patient: Patient): Record<string, string> {
  return { nhsNumber: patient.identity.nhsNumber, nhsNumberSpaced: spaced(patient.identity.nhsNumber), patientId: patient.id };
}

async function logIn(step: Step, site: LiveSite, client: ActorClient, world: SealedWorld): Promise<StepResult> {
  const typed = { staffId: world.clinician.id, passcode: `passcode-${world.clinician.id}` };
  const page = await client.request({ method: 'GET', path: `${P}/login` });
  const form = page.status === 200 ? pageForms(page.body).find((f) => f.action === `${P}/login`) : undefined;
  if (!form) {
    return { observation: observeResponses([page], { typed }), outcome: 'refused', typed, session: sessionOf(client) };
  }
  const presented = sessionOf(client);
  const answer = await client.request({ method: 'POST', path: form.action, form: { ...form.fields, ...typed } });
  const ok = answer.status === 200 && answer.path === `${P}/home`;
  const memory = memoryOf(site);
  const csrf = ok ? inputValue(answer.body, '_csrf') : undefined;
  if (csrf !== undefined) memory.csrf.set(step.actor, csrf);
  return {
    observation: observeResponses([page, answer], { typed }),
    outcome: ok ? 'ok' : 'refused',
    typed,
    session: ok ? sessionOf(client) : presented,
  };
}

async function openRecord(step: Step, site: LiveSite, client: ActorClient, world: SealedWorld): Promise<StepResult> {
  const patient = patientAt(world, step.input['patient']);
  const typed = patientTyped(patient);
  const csrf = memoryOf(site).csrf.get(step.actor) ?? '';
  const before = await stateBefore(site);
  const session = sessionOf(client);
  const answer = await client.request({ method: 'POST', path: `${P}/search`, form: { _csrf: csrf, nhsNumber: patient.identity.nhsNumber } });
  const after = await readState(site);
  const shownId = answer.status === 200 ? /^\/sealed-envelope\/records\/([^/?#]+)$/.exec(answer.path)?.[1] : undefined;
  const result: StepResult = {
    observation: observeResponses([answer], { typed }),
    outcome: shownId !== undefined ? 'ok' : 'refused',
    typed,
    session,
  };
  if (before !== undefined && after !== undefined) {
    result.audit = newAudit(before, after);
    if (shownId !== undefined) {
      // A record was shown: the audit log must account for it.
      const view: RecordView = { actor: world.clinician.id, patient: shownId, breakGlass: answer.body.includes(BREAK_GLASS_BANNER) };
      if (view.breakGlass) {
        const grants = before.breakGlasses.filter((b) => b.clinician === world.clinician.id && b.patient === shownId);
        const reason = grants[grants.length - 1]?.reason;
        if (reason !== undefined) view.reason = reason;
      }
      result.recordViews = [view];
    }
  }
  // Without the state endpoint the site's audit log cannot be read, so no view is reported for the
  // audit oracle to judge (it would fail every time); leaks are still judged on the observation.
  return result;
}

async function breakGlass(step: Step, site: LiveSite, client: ActorClient, world: SealedWorld): Promise<StepResult> {
  const patient = patientAt(world, step.input['patient']);
  const reason = typeof step.input['reason'] === 'string' ? step.input['reason'] : '';
  const typed = patientTyped(patient);
  if (reason !== '') typed['reason'] = reason;
  const csrf = memoryOf(site).csrf.get(step.actor) ?? '';
  const before = await stateBefore(site);
  const session = sessionOf(client);
  const granted = `${P}/records/${patient.id}/access-granted`;
  const answer = await client.request({ method: 'POST', path: `${P}/records/${patient.id}/break-glass`, form: { _csrf: csrf, reason } });
  const after = await readState(site);
  const ok = answer.status === 200 && answer.path === granted;
  const result: StepResult = { observation: observeResponses([answer], { typed }), outcome: ok ? 'ok' : 'refused', typed, session };
  const change = (owner: string, why: string): Change => ({
    object: 'break-glass',
    owner,
    description: `sealed record opened by ${world.clinician.id}: ${why}`,
  });
  if (before !== undefined && after !== undefined) {
    result.audit = newAudit(before, after);
    const added = after.breakGlasses.slice(Math.min(before.breakGlasses.length, after.breakGlasses.length));
    if (added.length > 0) result.changes = added.map((b) => change(b.patient, b.reason));
  } else if (ok) {
    result.changes = [change(patient.id, reason)];
  }
  return result;
}

export const binding: HttpBinding<SealedWorld> = {
  setupMethod: 'seeding-endpoint',

  async setup(world, site) {
    await seedWorld(site, MODEL, world);
  },

  async perform(step, site, world) {
    const client = site.actor(step.actor);
    switch (step.action) {
      case 'log-in':
        return logIn(step, site, client, world);
      case 'open-record':
        return openRecord(step, site, client, world);
      case 'break-glass':
        return breakGlass(step, site, client, world);
      default:
        throw new BookfuzzError('BF_MODEL_INVALID', `the HTTP binding has no action "${step.action}"`, { where: `model ${MODEL}, http.ts` });
    }
  },
};

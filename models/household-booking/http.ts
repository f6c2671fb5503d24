import {
  BookfuzzError,
  observeResponses,
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
import { appointmentAt, attackerOf, registrantAt, slots, wrap, type Appointment, type DoseRecord, type HouseholdWorld } from './world.js';

/**
 * The household-members booking API over HTTP (JSON under `/household-booking/api`). Each actor
 * is one API client holding the bearer token its `log-in` returned (the registrant logs in with
 * the first registrant's NHI and date of birth, the vaccinator with the first staff member's
 * email and staff id); every other request carries `Authorization: Bearer <token>`.
 *
 * - `view-registrant` = GET `/api/registrants/:id`; `record-dose` = POST `/api/doses`
 *   `{ registrantId, role }` (the role the step's input says the client sends);
 *   `move-appointment` = PATCH `/api/appointments/:id` `{ slot }`; `cancel-appointment` =
 *   DELETE `/api/appointments/:id`.
 * - Doses and appointment changes are read back from `GET /__bookfuzz/state` before and after
 *   each mutating step; without the state endpoint they are inferred from the answer.
 * - Tokens, CSRF tokens and the request id / generation time in `meta` are replaced before the
 *   answer is observed: they differ on every run and are none of the actor's business.
 */

const MODEL = 'household-booking';
const API = `/${MODEL}/api`;

interface Memory {
  /** The bearer token each actor's client holds (from its last successful log-in). */
  token: Map<string, string>;
}

const memoryOf = siteMemory<Memory>(() => ({ token: new Map() }));

/** Keys whose values are session secrets of the tool's own run. */
const SECRET_KEYS = new Set(['token', 'csrfToken']);

/**
 * The answer as observed: session secrets and the volatile `meta` (request id, generation time)
 * replaced by fixed placeholders, keeping the JSON's shape. Pages are left as they came: the
 * request id they echo is masked by `observeResponses` (`echoedHeaders`).
 */
function withoutVolatile(response: HttpResponse): HttpResponse {
  let body = response.body;
  const type = (response.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('json')) {
    try {
      body = JSON.stringify(scrub(JSON.parse(body) as Json));
    } catch {
      // Not JSON after all: observed as it is.
    }
  }
  return { ...response, body };
}

function scrub(value: Json): Json {
  if (Array.isArray(value)) return value.map(scrub);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEYS.has(key) && typeof item === 'string') out[key] = '‹session-token›';
    else if (key === 'meta' && item !== null && typeof item === 'object' && !Array.isArray(item)) {
      out[key] = Object.fromEntries(Object.keys(item).map((k) => [k, '‹volatile›']));
    } else out[key] = scrub(item);
  }
  return out;
}

/** One line of the site's event log (`audit` in the state endpoint). */
interface EventEntry {
  actor: string;
  patient: string;
  event: string;
  detail: string;
}

interface StateSnapshot {
  world: HouseholdWorld;
  events: EventEntry[];
}

/** The server state, or undefined when the site has no state endpoint for us (no seed token: 403/404). */
async function readState(site: LiveSite): Promise<StateSnapshot | undefined> {
  if (site.seedToken === undefined) return undefined;
  const response = await site.actor(seedingActor).request({ method: 'GET', path: `/__bookfuzz/state?model=${MODEL}` });
  if (response.status !== 200) return undefined;
  try {
    const state = JSON.parse(response.body) as Partial<StateSnapshot>;
    if (!state.world || !Array.isArray(state.world.appointments) || !Array.isArray(state.world.doseRecords)) return undefined;
    const events = (state as { audit?: unknown }).audit;
    return { world: state.world, events: Array.isArray(events) ? (events as EventEntry[]) : [] };
  } catch {
    return undefined;
  }
}

/**
 * What changed on the server between two states: doses recorded, appointments moved or
 * cancelled; and writes the site logged that left the world as it was (an appointment "moved"
 * to the slot it already had is still a write the caller was allowed to make).
 */
function changesBetween(before: StateSnapshot, after: StateSnapshot): Change[] {
  const changes = worldChanges(before.world, after.world);
  for (const entry of after.events.slice(before.events.length)) {
    const object = entry.event === 'dose-recorded' ? 'dose' : 'appointment';
    if (changes.some((c) => c.object === object && c.owner === entry.patient)) continue;
    changes.push({ object, owner: entry.patient, description: `${entry.event} by ${entry.actor}: ${entry.detail}` });
  }
  return changes;
}

function worldChanges(before: HouseholdWorld, after: HouseholdWorld): Change[] {
  const changes: Change[] = [];
  const recorded: DoseRecord[] = after.doseRecords.slice(before.doseRecords.length);
  for (const dose of recorded) {
    changes.push({ object: 'dose', owner: dose.registrant, description: `dose recorded for ${dose.registrant} by ${dose.recordedBy}` });
  }
  const was = new Map<string, Appointment>(before.appointments.map((a) => [a.id, a]));
  for (const now of after.appointments) {
    const old = was.get(now.id);
    if (!old) {
      changes.push({ object: 'appointment', owner: now.registrant, description: `appointment ${now.id} created for ${now.slot}` });
    } else if (old.status !== now.status) {
      changes.push({ object: 'appointment', owner: now.registrant, description: `appointment ${now.id} ${now.status}` });
    } else if (old.slot !== now.slot) {
      changes.push({ object: 'appointment', owner: now.registrant, description: `appointment ${now.id} rebooked for ${now.slot} (was ${old.slot})` });
    }
  }
  return changes;
}

/** The parsed JSON body of an answer, or undefined. */
function jsonOf(response: HttpResponse): Record<string, Json> | undefined {
  try {
    const value = JSON.parse(response.body) as Json;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export const binding: HttpBinding<HouseholdWorld> = {
  setupMethod: 'seeding-endpoint',

  async setup(world, site) {
    await seedWorld(site, MODEL, world);
  },

  async perform(step: Step, site: LiveSite, world: HouseholdWorld): Promise<StepResult> {
    const memory = memoryOf(site);
    const client = site.actor(step.actor);
    const token = memory.token.get(step.actor);
    const responses: HttpResponse[] = [];
    const send = async (request: HttpRequest): Promise<HttpResponse> => {
      const headers = token !== undefined && !request.path.endsWith('/login') ? { authorization: `Bearer ${token}` } : undefined;
      const response = await client.request(headers ? { ...request, headers } : request);
      responses.push(response);
      return response;
    };

    let outcome: StepResult['outcome'] = 'refused';
    let typed: Record<string, string> | undefined;
    let session = sessionId('hb-', token);
    let changes: Change[] | undefined;
    /** Sends a mutating request, reading the server state before and after to see what it changed. */
    const mutating = async (
      request: HttpRequest,
      expect: number,
      inferred: (answer: Record<string, Json> | undefined) => Change[],
    ): Promise<{ outcome: StepResult['outcome']; changes: Change[] }> => {
      const before = await readState(site);
      const response = await send(request);
      const done = response.status === expect;
      const after = before ? await readState(site) : undefined;
      if (before && after) return { outcome: done ? 'ok' : 'refused', changes: changesBetween(before, after) };
      return { outcome: done ? 'ok' : 'refused', changes: done ? inferred(jsonOf(response)) : [] };
    };

    switch (step.action) {
      case 'log-in': {
        const staff = world.staff[0];
        if (step.actor === 'vaccinator' && staff) {
          typed = { email: staff.email, staffId: staff.id };
        } else {
          const registrant = attackerOf(world);
          typed = { nhi: registrant.identity.nhi, dateOfBirth: registrant.identity.dateOfBirth };
        }
        const response = await send({ method: 'POST', path: `${API}/login`, json: typed });
        const issued = jsonOf(response)?.['token'];
        if (response.status === 200 && typeof issued === 'string' && issued !== '') {
          outcome = 'ok';
          memory.token.set(step.actor, issued);
          // The session this step opened (the token the client holds from now on).
          session = sessionId('hb-', issued);
        }
        break;
      }

      case 'view-registrant': {
        const registrant = registrantAt(world, step.input['registrant']);
        typed = { registrantId: registrant.id };
        const response = await send({ method: 'GET', path: `${API}/registrants/${encodeURIComponent(registrant.id)}` });
        outcome = response.status === 200 ? 'ok' : 'refused';
        break;
      }

      case 'record-dose': {
        const registrant = registrantAt(world, step.input['registrant']);
        typed = { registrantId: registrant.id };
        const body: Record<string, Json> = { registrantId: registrant.id };
        if (typeof step.input['role'] === 'string') body['role'] = step.input['role'];
        ({ outcome, changes } = await mutating({ method: 'POST', path: `${API}/doses`, json: body }, 201, (answer) => {
          const dose = answer?.['dose'];
          const recordedBy = dose !== null && typeof dose === 'object' && !Array.isArray(dose) ? String(dose['recordedBy'] ?? '') : '';
          return [{ object: 'dose', owner: registrant.id, description: `dose recorded for ${registrant.id} by ${recordedBy}` }];
        }));
        break;
      }

      case 'move-appointment':
      case 'cancel-appointment': {
        const appointment = appointmentAt(world, step.input['appointment']);
        const id = appointment?.id ?? 'none';
        typed = { appointmentId: id };
        const path = `${API}/appointments/${encodeURIComponent(id)}`;
        const request: HttpRequest =
          step.action === 'move-appointment' ? { method: 'PATCH', path, json: { slot: wrap(step.input['slot'], slots.length) } } : { method: 'DELETE', path };
        ({ outcome, changes } = await mutating(request, 200, () =>
          appointment
            ? [{ object: 'appointment', owner: appointment.registrant, description: `appointment ${appointment.id} ${step.action === 'move-appointment' ? 'moved' : 'cancelled'}` }]
            : [],
        ));
        break;
      }

      default:
        throw new BookfuzzError('BF_MODEL_INVALID', `the HTTP binding has no action "${step.action}"`, { where: `${MODEL} binding` });
    }

    const result: StepResult = {
      observation: observeResponses(responses.map(withoutVolatile), { ...(typed ? { typed } : {}), echoedHeaders: ['x-request-id'] }),
      outcome,
    };
    if (typed) result.typed = typed;
    if (session !== undefined) result.session = session;
    if (changes !== undefined && changes.length > 0) result.changes = changes;
    return result;
  },
};

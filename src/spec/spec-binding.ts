import { BookfuzzError } from '../errors.js';
import type { Json, JsonObject } from '../model/json.js';
import type { AuditEntry, SessionEndReason, Step, StepResult } from '../model/model.js';
import { observeResponses } from '../observe/observe-responses.js';
import type { HttpBinding } from '../targets/http/binding.js';
import { seedingActor } from '../targets/http/seed-world.js';
import { sessionId } from '../targets/http/session-id.js';
import { siteMemory } from '../targets/http/site-memory.js';
import type { ActorClient, HttpRequest, HttpResponse, LiveSite } from '../targets/http/types.js';
import { extractValue, jsonPointer } from './extract-value.js';
import { actorView, selfOf, stepScope, type SpecContext } from './spec-context.js';
import type { MatchSpec, RequestSpec, SessionSpec } from './spec-schema.js';
import { patientAt, patientView, type SpecPatient, type SpecWorld } from './spec-world.js';
import { renderString, renderStrings, renderValue, type TemplateRef } from './template.js';

/** Misses in a row, with no match ever, after which an extractor is reported as broken. */
export const extractorStrictMisses = 3;

/** The clients that send a step again with no session, for `session-dies` (`StepResult.anonymous`): one per send, so a curl script of it keeps them apart. */
const anonymousActors = ['(anonymous-1)', '(anonymous-2)'] as const;

/** What one run side remembers between steps (one per fresh LiveSite). */
interface SideState {
  extracts: Map<string, JsonObject>;
  loggedIn: Set<string>;
  lastVictim: Map<string, number>;
  /**
   * Sessions ended so far in this run side, by id, with why: those a step's `ends` named, and
   * what the holder of one had after a step that presented it (a rotated cookie is the same session).
   */
  endedSessions: Map<string, SessionEndReason>;
  /** Set when an irreversible step was reached without permission: the side stops there. */
  stopped: boolean;
}

const typedRoots = new Set(['victim', 'self', 'actor', 'input', 'patient']);

/**
 * The HTTP binding compiled from a spec: each action is its list of requests (templates rendered
 * on the world before the step), extractors keep values per actor for later requests, the last
 * observed answer decides the outcome, and the step's declared change, ended sessions and record
 * views are reported for the oracles.
 */
export function specBinding(context: SpecContext): HttpBinding<SpecWorld> {
  const { spec, source } = context;
  const stats = new Map<string, { hits: number; misses: number }>();
  const sideOf = siteMemory<SideState>(() => ({ extracts: new Map(), loggedIn: new Set(), lastVictim: new Map(), endedSessions: new Map(), stopped: false }));
  const extractsOf = (state: SideState, actor: string): JsonObject => {
    let values = state.extracts.get(actor);
    if (!values) {
      values = {};
      state.extracts.set(actor, values);
    }
    return values;
  };
  const counts = { steps: 0, seen: 0, undeclaredEnds: 0, endsUnseen: new Map<string, number>() };
  /** The session `actor` holds now (a hash, never the value): its cookie, its extracted value, or the header of `response`. */
  const sessionOf = (state: SideState, actor: string, client: ActorClient, response?: HttpResponse): string | undefined => {
    const session = spec.session;
    if (session === undefined) return undefined;
    let value: string | undefined;
    if (session.cookie !== undefined) value = client.cookie(session.cookie);
    else if (session.header !== undefined) value = response?.headers[session.header.toLowerCase()];
    else if (session.extract !== undefined) value = textOf(extractsOf(state, actor)[session.extract]);
    if (value === undefined || value === '') return undefined;
    return sessionId(`${session.cookie ?? session.header ?? session.extract}:`, value);
  };

  const volatilePatterns = (spec.volatile?.patterns ?? []).map((p) => new RegExp(p, 'g'));
  /** The answer as observed: echoed volatile header values and volatile patterns replaced. */
  const withoutVolatile = (response: HttpResponse): HttpResponse => {
    let body = response.body;
    for (const name of spec.volatile?.headers ?? []) {
      const value = response.headers[name.toLowerCase()];
      if (value !== undefined && value.length >= 4) body = body.split(value).join(`‹${name}›`);
    }
    for (const pattern of volatilePatterns) body = body.replace(pattern, '‹volatile›');
    return body === response.body ? response : { ...response, body };
  };

  interface Sent {
    response: HttpResponse | undefined;
    /** An extractor missed: the rest of the step is not sent. */
    missed: boolean;
  }

  /**
   * Who sends a request in an anonymous replay: a client with no cookies, and the actor's
   * extracted values with the session's own emptied (a bearer header goes out as `Bearer `).
   * Its extractors neither count towards "never matched" nor stop anything but the replay.
   */
  interface Replay {
    client: ActorClient;
    extracts: JsonObject;
  }

  /** Render and send one request; apply its extractors. */
  async function send(
    site: LiveSite,
    state: SideState,
    actor: string,
    request: RequestSpec,
    path: (string | number)[],
    scope: Record<string, unknown>,
    typed: Record<string, string>,
    stepName: string,
    replay?: Replay,
  ): Promise<Sent> {
    const sender = request.as === 'setup' ? seedingActor : actor;
    const extracts = replay && request.as !== 'setup' ? replay.extracts : extractsOf(state, sender);
    const full = { ...scope, extract: extracts };
    if (!context.holds(request.if, full)) return { response: undefined, missed: false };
    const onValue = (ref: TemplateRef, value: unknown) => {
      if (request.as !== 'setup' && typedRoots.has(ref.path[0] ?? '') && typeof value === 'string' && value.length >= 2) typed[ref.text] = value;
    };
    const render = { scope: full, onValue };
    const http: HttpRequest = { method: request.method, path: String(renderString(request.path, render)) };
    if (request.headers) http.headers = renderStrings(request.headers, render);
    if (request.form) http.form = renderStrings(request.form, render);
    if (request.json !== undefined) http.json = renderValue(request.json, render);
    if (request.followRedirects !== undefined) http.followRedirects = request.followRedirects;
    const client = replay && request.as !== 'setup' ? replay.client : site.actor(sender);
    const saved = request.keepCookies ? client.saveCookies() : undefined;
    const response = await client.request(http);
    if (saved !== undefined) client.restoreCookies(saved);
    for (const [name, extractor] of Object.entries(request.extract ?? {})) {
      const pattern = extractor.regex !== undefined ? String(renderString(extractor.regex, { scope: full })) : undefined;
      const value = extractValue(extractor, response, client, pattern);
      if (replay) {
        if (value !== undefined) extracts[name] = value;
        else if (!extractor.optional) return { response, missed: true };
        continue;
      }
      const key = `${fieldPathKey(path)}.${name}`;
      const stat = stats.get(key) ?? { hits: 0, misses: 0 };
      stats.set(key, stat);
      if (value !== undefined) {
        stat.hits++;
        stat.misses = 0;
        extracts[name] = value;
        continue;
      }
      if (extractor.optional) continue;
      // A miss counts against the extractor only on the page it was written for: an answer that
      // sent the actor elsewhere (a redirect to the log-in form, an error status) is the site
      // refusing the step, which is legitimate, not a broken selector.
      if (!answeredAt(response, http.path)) return { response, missed: true };
      stat.misses++;
      if (stat.hits === 0 && stat.misses >= extractorStrictMisses) {
        throw new BookfuzzError(
          'BF_MODEL_INVALID',
          `extractor "${name}" of step "${stepName}" never matched (${stat.misses} answers in a row, the last ${response.status} at ${response.path}): check its selector, pattern or pointer against the site`,
          { where: source.where([...path, 'extract', name]) },
        );
      }
      return { response, missed: true };
    }
    return { response, missed: false };
  }

  /**
   * The step's requests sent again by an anonymous client: the actor's browser without its
   * session (its cookies as they were before the step, the session cookie left out; the
   * session's extracted value empty), extractors of the replay kept apart. The answers it observed.
   */
  async function replayAnonymously(
    site: LiveSite,
    state: SideState,
    step: Step,
    requests: readonly RequestSpec[],
    base: Record<string, unknown>,
    world: SpecWorld,
    anonymous: string,
    jar: string,
  ): Promise<HttpResponse[]> {
    const client = site.actor(anonymous);
    const withoutSession = jarWithout(jar, spec.session?.cookie);
    if (withoutSession === undefined) client.clearCookies();
    else client.restoreCookies(withoutSession);
    const extracts: JsonObject = { ...extractsOf(state, step.actor) };
    if (spec.session?.extract !== undefined) extracts[spec.session.extract] = '';
    const scope = { ...base, actor: actorView(context, step.actor, world, extracts) };
    const observed: HttpResponse[] = [];
    for (const [i, request] of requests.entries()) {
      const sent = await send(site, state, step.actor, request, ['actions', step.action, 'requests', i], scope, {}, step.action, { client, extracts });
      if (sent.response && (request.observe ?? request.as !== 'setup')) observed.push(sent.response);
      if (sent.missed) break;
    }
    return observed;
  }

  async function logIn(site: LiveSite, state: SideState, actor: string, world: SpecWorld): Promise<void> {
    if (state.loggedIn.has(actor)) return;
    state.loggedIn.add(actor);
    const login = spec.actors[actor]?.login ?? [];
    const self = selfOf(context, actor, world);
    for (const [i, request] of login.entries()) {
      const scope = { actor: actorView(context, actor, world, extractsOf(state, actor)), self: patientView(self), victim: patientView(self), input: {}, world };
      const sent = await send(site, state, actor, request, ['actors', actor, 'login', i], scope, {}, `log-in of ${actor}`);
      if (sent.missed) break;
    }
  }

  async function runSetupRequests(site: LiveSite, state: SideState, requests: readonly RequestSpec[], base: (string | number)[], scope: Record<string, unknown>, what: string) {
    for (const [i, request] of requests.entries()) {
      const sent = await send(site, state, seedingActor, { ...request, as: 'setup' }, [...base, i], scope, {}, what);
      const response = sent.response;
      if (!response) continue;
      const ok = request.expect ? request.expect.includes(response.status) : response.status >= 200 && response.status < 400;
      if (ok) continue;
      const where = source.where([...base, i]);
      if (response.status === 403 || response.status === 404) {
        throw new BookfuzzError('BF_USAGE', `${what}: ${request.method} ${response.path} answered ${response.status}; a seeding endpoint needs the seed token (--seed-token)`, { where });
      }
      if (response.status === 400) throw new BookfuzzError('BF_MODEL_INVALID', `${what}: the site refused it: ${response.body.slice(0, 300)}`, { where });
      throw new BookfuzzError('BF_TRANSPORT', `${what}: ${request.method} ${response.path} answered ${response.status}`, { where });
    }
  }

  async function auditLog(site: LiveSite, state: SideState, request: RequestSpec, path: (string | number)[], pointer: string, scope: Record<string, unknown>): Promise<unknown[]> {
    const sent = await send(site, state, seedingActor, { ...request, as: 'setup' }, path, scope, {}, 'audit log');
    if (!sent.response) return [];
    try {
      const list = jsonPointer(JSON.parse(sent.response.body), pointer);
      return Array.isArray(list) ? list : [];
    } catch {
      throw new BookfuzzError('BF_TRANSPORT', 'the audit log request did not answer JSON', { where: source.where(path) });
    }
  }

  return {
    setupMethod: spec.setup.flows ? 'public-flows' : context.pool ? 'identity-pool' : 'seeding-endpoint',

    async setup(world, site) {
      const state = sideOf(site);
      if (spec.setup.seed) await runSetupRequests(site, state, spec.setup.seed, ['setup', 'seed'], { world }, 'seeding the world');
      const flows = spec.setup.flows;
      if (flows) {
        for (const patient of world.patients) {
          await runSetupRequests(site, state, flows.forEachPatient, ['setup', 'flows', 'forEachPatient'], { world, patient: patientView(patient) }, `setting up ${patient.id}`);
        }
        await runSetupRequests(site, state, flows.once, ['setup', 'flows', 'once'], { world }, 'setting up');
      }
    },

    async perform(step, site, world) {
      const state = sideOf(site);
      const action = spec.actions[step.action];
      if (!action) throw new BookfuzzError('BF_MODEL_INVALID', `the spec has no action "${step.action}"`, { where: source.where(['actions']) });
      if (action.irreversible && !context.allowIrreversible) state.stopped = true;
      // The side-effect guard: nothing from an irreversible step on is sent; both twins stop at the same place.
      if (state.stopped) return { observation: { stopped: 'before an irreversible step (allow with --allow-irreversible)' }, outcome: 'refused' };
      await logIn(site, state, step.actor, world);
      let victim: SpecPatient | undefined;
      if (action.target === 'patient') {
        victim = patientAt(world, step.input['patient']);
        const index = victim ? world.patients.indexOf(victim) : -1;
        if (index >= 0) state.lastVictim.set(step.actor, index);
      } else {
        const remembered = state.lastVictim.get(step.actor);
        victim = remembered !== undefined ? world.patients[remembered] : selfOf(context, step.actor, world);
      }
      const scope = stepScope(context, step, world, victim);
      scope['actor'] = actorView(context, step.actor, world, extractsOf(state, step.actor));
      const client = site.actor(step.actor);
      const presented = sessionOf(state, step.actor, client);
      // The browser as it came to a step presenting an ended session: what the anonymous sends start from.
      const jarBefore = presented !== undefined && state.endedSessions.has(presented) ? client.saveCookies() : undefined;
      const viewSpec = action.recordView;
      const auditScope = { ...scope };
      const auditBefore = viewSpec?.audit ? await auditLog(site, state, viewSpec.audit, ['actions', step.action, 'recordView', 'audit'], viewSpec.auditPointer, auditScope) : [];
      const typed: Record<string, string> = {};
      const observed: HttpResponse[] = [];
      let missed = false;
      for (const [i, request] of action.requests.entries()) {
        const sent = await send(site, state, step.actor, request, ['actions', step.action, 'requests', i], scope, typed, step.action);
        if (sent.response && (request.observe ?? request.as !== 'setup')) observed.push(sent.response);
        if (sent.missed) {
          missed = true;
          break;
        }
      }
      const last = observed[observed.length - 1];
      const ok = !missed && last !== undefined && outcomeOk(action.okIf, action.refusedIf, last);
      const result: StepResult = { observation: observeResponses(observed.map(withoutVolatile), { typed }), outcome: ok ? 'ok' : 'refused', typed };
      const session = presented ?? sessionOf(state, step.actor, client, last);
      const endedBefore = session === undefined ? undefined : state.endedSessions.get(session);
      counts.steps++;
      if (session !== undefined) {
        result.session = session;
        counts.seen++;
      }
      if (action.ends) {
        result.endedSessions = [];
        if (spec.session === undefined) counts.undeclaredEnds++;
        for (const end of action.ends) {
          const holder = end.actor === 'self' ? step.actor : end.actor;
          const id = holder === step.actor ? session : sessionOf(state, holder, site.actor(holder));
          if (id !== undefined) {
            result.endedSessions.push({ session: id, reason: end.reason });
            state.endedSessions.set(id, end.reason);
          } else if (spec.session !== undefined && state.loggedIn.has(holder)) {
            const key = `"${step.action}" ended the session of ${holder}`;
            counts.endsUnseen.set(key, (counts.endsUnseen.get(key) ?? 0) + 1);
          }
        }
      }
      if (ok && action.change) {
        const owner = action.change.owner === 'victim' ? victim?.id : action.change.owner === 'self' ? selfOf(context, step.actor, world)?.id : undefined;
        result.changes = [{ object: action.change.object, description: action.change.description, ...(owner ? { owner } : {}) }];
      }
      if (ok && viewSpec) {
        const patient = viewSpec.patient === 'victim' ? victim : selfOf(context, step.actor, world);
        const actorId = String(scope['actor'] && (scope['actor'] as JsonObject)['id'] !== undefined ? (scope['actor'] as JsonObject)['id'] : step.actor);
        result.recordViews = [{ actor: actorId, patient: patient?.id ?? '', breakGlass: viewSpec.breakGlass || (viewSpec.breakGlassIf !== undefined && last !== undefined && matchesAnswer(viewSpec.breakGlassIf, last)) }];
        if (viewSpec.audit) {
          const after = await auditLog(site, state, viewSpec.audit, ['actions', step.action, 'recordView', 'audit'], viewSpec.auditPointer, auditScope);
          result.audit = after.slice(auditBefore.length).filter(isAuditEntry);
        }
      }
      // What the actor holds after a step that ended its session or presented an ended one (a cookie
      // the site rotated, a new one it set) is that session still: dead, and judged as such.
      const endedHere = action.ends?.find((end) => end.actor === 'self' || end.actor === step.actor)?.reason;
      const inherited = endedBefore ?? (session !== undefined ? endedHere : undefined);
      const heldAfter = inherited === undefined ? undefined : sessionOf(state, step.actor, client, last);
      if (inherited !== undefined && heldAfter !== undefined && !state.endedSessions.has(heldAfter)) {
        result.endedSessions = [...(result.endedSessions ?? []), { session: heldAfter, reason: inherited }];
        state.endedSessions.set(heldAfter, inherited);
      }
      // Served as the ended session only on evidence: what the browser without its session gets here, twice.
      if (ok && endedBefore !== undefined) {
        const jar = jarBefore ?? client.saveCookies();
        const replay = async (anonymous: string) => observeResponses((await replayAnonymously(site, state, step, action.requests, scope, world, anonymous, jar)).map(withoutVolatile), { typed });
        const first = await replay(anonymousActors[0]);
        const second = await replay(anonymousActors[1]);
        const owner = selfOf(context, step.actor, world)?.id;
        result.anonymous = { observations: [first, second], ...(owner !== undefined ? { owner } : {}) };
      }
      return result;
    },

    notes() {
      const out: string[] = [];
      const declared = spec.session;
      if (declared === undefined) {
        if (counts.undeclaredEnds > 0) {
          out.push(`the spec declares no \`session\`: session-dies could not judge what followed the ${counts.undeclaredEnds} steps that end one`);
        }
      } else if (counts.steps > 0 && counts.seen === 0) {
        out.push(`${sessionText(declared)}: session-dies could not judge any step`);
      } else {
        for (const [what, n] of counts.endsUnseen) out.push(`${what}, who held none (${n}×): session-dies could not judge the steps after it`);
      }
      return out;
    },

    async cleanup(world, site) {
      if (spec.cleanup.length === 0) return;
      const state = sideOf(site);
      for (const [i, request] of spec.cleanup.entries()) {
        await send(site, state, seedingActor, { ...request, as: 'setup' }, ['cleanup', i], { world }, {}, 'cleanup');
      }
    },
  };
}

/**
 * A saved cookie jar (`ActorClient.saveCookies`, tough-cookie's serialization) without the cookie
 * `name`; the jar as it is when no name is given, `undefined` when it cannot be read.
 */
export function jarWithout(saved: string, name: string | undefined): string | undefined {
  if (name === undefined) return saved;
  try {
    const jar: unknown = JSON.parse(saved);
    if (jar === null || typeof jar !== 'object' || !('cookies' in jar) || !Array.isArray(jar.cookies)) return undefined;
    const cookies: unknown[] = jar.cookies;
    return JSON.stringify({ ...jar, cookies: cookies.filter((c) => !(c !== null && typeof c === 'object' && 'key' in c && c.key === name)) });
  } catch {
    return undefined;
  }
}

/** What a declared session that was never seen is, for the run's notes. */
function sessionText(session: SessionSpec): string {
  if (session.cookie !== undefined) return `session cookie ${session.cookie} was never set`;
  if (session.header !== undefined) return `session header ${session.header} was never in an answer`;
  return `session value extract.${session.extract ?? ''} was never extracted`;
}

/** An extracted value as the text a client sends (`undefined` when it is not a string or number). */
function textOf(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Whether the answer is a 2xx at the path that was asked for (query aside), after any redirects. */
function answeredAt(response: HttpResponse, requested: string): boolean {
  const pathOf = (p: string): string => p.split('?')[0] ?? p;
  return response.status >= 200 && response.status < 300 && pathOf(response.path) === pathOf(requested);
}

function fieldPathKey(path: readonly (string | number)[]): string {
  return path.join('.');
}

function isAuditEntry(value: unknown): value is AuditEntry {
  if (value === null || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return typeof e['actor'] === 'string' && typeof e['patient'] === 'string' && typeof e['event'] === 'string' && typeof e['time'] === 'string';
}

export function matchesAnswer(match: MatchSpec, response: HttpResponse): boolean {
  if (match.status !== undefined && !(Array.isArray(match.status) ? match.status : [match.status]).includes(response.status)) return false;
  if (match.path !== undefined && response.path.split('?')[0] !== match.path && response.path !== match.path) return false;
  if (match.pathPrefix !== undefined && !response.path.startsWith(match.pathPrefix)) return false;
  if (match.bodyContains !== undefined && !response.body.includes(match.bodyContains)) return false;
  return true;
}

/** okIf: done only when one matches. refusedIf: done unless one matches. Neither: a 2xx answer is done. */
export function outcomeOk(okIf: readonly MatchSpec[] | undefined, refusedIf: readonly MatchSpec[] | undefined, last: HttpResponse): boolean {
  if (okIf && !okIf.some((m) => matchesAnswer(m, last))) return false;
  if (refusedIf && refusedIf.some((m) => matchesAnswer(m, last))) return false;
  if (!okIf && !refusedIf) return last.status >= 200 && last.status < 300;
  return true;
}


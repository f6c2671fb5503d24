import { randomBytes } from 'node:crypto';
import { BookfuzzError, isBookfuzzError } from '../errors.js';
import type { Json, JsonObject } from '../model/json.js';
import type { AuditEntry, SessionEndReason, Step, StepResult } from '../model/model.js';
import type { RequestOutcome } from '../model/request-outcome.js';
import { observeResponses } from '../observe/observe-responses.js';
import type { HttpBinding } from '../http/binding.js';
import { seedingActor } from '../http/seed-world.js';
import { sessionId } from '../http/session-id.js';
import { siteMemory } from '../http/site-memory.js';
import type { ActorClient, HttpRequest, HttpResponse, LiveSite } from '../http/types.js';
import { extractValue, jsonPointer } from './extract-value.js';
import { outcomeCounter } from './request-outcomes.js';
import { sideCanaries, type SideCanaries } from './side-canaries.js';
import { actorView, selfOf, stepScope, type SpecContext } from './spec-context.js';
import { cleanupOf, setupLists, type ExtractorSpec, type MatchSpec, type RequestList, type RequestSpec, type SessionSpec } from './spec-schema.js';
import { patientAt, patientView, type SpecPatient, type SpecWorld } from './spec-world.js';
import { renderString, renderStrings, renderValue, type RenderContext, type TemplateRef } from './template.js';

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
  /** This run side's id, `{{run.id}}`: 8 hex characters, new for every fresh LiveSite. */
  runId: string;
  /** Generated canaries as this side sends them (set at set-up). */
  canaries: SideCanaries | undefined;
  /** Values set-up captured from the site's answers, by patient id (`{{victim.customerId}}`). */
  captured: Map<string, JsonObject>;
  /** Actors whose log-in the site refused in this side. */
  loginRefused: Set<string>;
}

const typedRoots = new Set(['victim', 'self', 'actor', 'input', 'patient', 'run']);

/** Who sends what, for messages and counts. */
interface Purpose {
  /** In words: `set-up of p2`, `log-in of gp`, `step "open"`, `cleanup`. */
  what: string;
  phase: 'step' | RequestOutcome['phase'];
  /**
   * Who sends its `as: setup` requests (default the set-up actor): one patient's set-up and
   * cleanup run in a browser of their own, so that one person's session, cookies and extracted
   * values never reach the next person's.
   */
  sender?: string;
}

/**
 * The HTTP binding compiled from a spec: each action is its list of requests (templates rendered
 * on the world before the step), extractors keep values per actor for later requests, the last
 * observed answer decides the outcome, and the step's declared change, ended sessions and record
 * views are reported for the oracles.
 */
export function specBinding(context: SpecContext): HttpBinding<SpecWorld> {
  const { spec, source } = context;
  const stats = new Map<string, { hits: number; misses: number }>();
  const sideOf = siteMemory<SideState>(() => ({
    extracts: new Map(),
    loggedIn: new Set(),
    lastVictim: new Map(),
    endedSessions: new Map(),
    stopped: false,
    runId: randomBytes(4).toString('hex'),
    canaries: undefined,
    captured: new Map(),
    loginRefused: new Set(),
  }));
  const outcomes = outcomeCounter();
  const specText = JSON.stringify(spec);
  const mentions = (root: string) => new RegExp(`\\{\\{\\s*${root}\\b`).test(specText);
  const usesRunId = mentions('run');
  const usesSeedToken = mentions('seedToken');
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
  /**
   * The answer as observed: this side's canaries turned back into the world's, echoed volatile
   * header values and volatile patterns replaced (in the body of every hop).
   */
  const asObserved = (state: SideState, response: HttpResponse): HttpResponse => {
    const clean = (body: string): string => {
      let out = state.canaries ? state.canaries.back(body) : body;
      for (const name of spec.volatile?.headers ?? []) {
        const value = response.headers[name.toLowerCase()];
        if (value !== undefined && value.length >= 4) out = out.split(value).join(`‹${name}›`);
      }
      for (const pattern of volatilePatterns) out = out.replace(pattern, '‹volatile›');
      return out;
    };
    const body = clean(response.body);
    const hops = response.hops?.map((hop) => {
      const hopBody = clean(hop.body);
      return hopBody === hop.body ? hop : { ...hop, body: hopBody };
    });
    const hopsChanged = hops !== undefined && hops.some((hop, i) => hop !== response.hops?.[i]);
    if (body === response.body && !hopsChanged) return response;
    return { ...response, body, ...(hopsChanged ? { hops } : {}) };
  };

  /** The world as this side sends it: captured values on their patients, canaries made the side's own. */
  const sideWorld = (state: SideState, world: SpecWorld): SpecWorld => {
    const withCaptured = state.captured.size === 0 ? world : { ...world, patients: world.patients.map((p) => ({ ...p, ...state.captured.get(p.id) })) };
    return state.canaries ? state.canaries.sided(withCaptured) : withCaptured;
  };

  /** Roots every template may use: the side's id and the seed token. */
  const commonScope = (state: SideState, site: LiveSite): Record<string, unknown> => ({ run: { id: state.runId }, seedToken: site.seedToken ?? null });

  interface Sent {
    response: HttpResponse | undefined;
    /** An extractor missed: the rest of the step is not sent. */
    missed: boolean;
    /** Why, in words: `extractor "csrf" found nothing in the 200 at /login ("Sign in")`. */
    reason?: string;
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

  /** Render a template text with the request's scope (a rendered null is empty). */
  const renderText = (text: string, context: RenderContext): string => {
    const value = renderString(text, context);
    return value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  };

  /** An extractor with its templates (regex, JSON pointer) rendered. */
  const renderedExtractor = (extractor: ExtractorSpec, context: RenderContext): ExtractorSpec => ({
    ...extractor,
    ...(extractor.regex !== undefined ? { regex: renderText(extractor.regex, context) } : {}),
    ...(extractor.json !== undefined ? { json: renderText(extractor.json, context) } : {}),
  });

  /** Render and send one request; apply its extractors. */
  async function send(
    site: LiveSite,
    state: SideState,
    actor: string,
    request: RequestSpec,
    path: (string | number)[],
    scope: Record<string, unknown>,
    typed: Record<string, string>,
    purpose: Purpose,
    replay?: Replay,
  ): Promise<Sent> {
    const sender = request.as === 'setup' ? (purpose.sender ?? seedingActor) : actor;
    const extracts = replay && request.as !== 'setup' ? replay.extracts : extractsOf(state, sender);
    const full = { ...commonScope(state, site), ...scope, extract: extracts };
    if (!context.holds(request.if, full)) return { response: undefined, missed: false };
    if (usesSeedToken && site.seedToken === undefined && JSON.stringify(request).includes('seedToken')) {
      throw new BookfuzzError('BF_USAGE', `${purpose.what} sends {{seedToken}}, but no seed token was given: pass --seed-token`, { where: source.where(path) });
    }
    const onValue = (ref: TemplateRef, value: unknown) => {
      if (request.as !== 'setup' && typedRoots.has(ref.path[0] ?? '') && typeof value === 'string' && value.length >= 2) {
        // Keyed with the filter: the day, month and year of one date are three typed values.
        const key = ref.filter === undefined ? ref.text : `${ref.text} | ${ref.filter}${ref.args !== undefined ? `(${ref.args})` : ''}`;
        typed[key] = state.canaries ? state.canaries.worldValue(value) : value;
      }
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
    for (const [name, written] of Object.entries(request.extract ?? {})) {
      const extractor = renderedExtractor(written, { scope: full });
      const value = extractValue(extractor, response, client, extractor.regex);
      if (replay) {
        if (value !== undefined) extracts[name] = value;
        else if (!extractor.optional) return { response, missed: true };
        continue;
      }
      const key = `${fieldPathKey(path)}.${name}`;
      const stat = stats.get(key) ?? { hits: 0, misses: 0 };
      stats.set(key, stat);
      const label = `extractor "${name}" of ${purpose.what}`;
      const where = source.where([...path, 'extract', name]);
      if (value !== undefined) {
        stat.hits++;
        stat.misses = 0;
        extracts[name] = value;
        outcomes.count(label, 'extract', where, 'ok');
        continue;
      }
      const reason = `${label} found nothing in the ${response.status} at ${response.path}${pageTitle(response)}`;
      outcomes.count(label, 'extract', where, 'refused', `the answer was ${response.status} at ${response.path}${pageTitle(response)}`);
      // A value a miss leaves behind would be the previous page's, perhaps another person's.
      delete extracts[name];
      if (extractor.optional) continue;
      // A miss counts against the extractor only on the page it was written for, after a log-in
      // that worked: an answer that sent the actor elsewhere (a redirect to the log-in form, an
      // error status) is the site refusing the step, which is legitimate, not a broken selector.
      if (!answeredAt(response, http.path) || state.loginRefused.has(sender)) return { response, missed: true, reason };
      stat.misses++;
      if (stat.hits === 0 && stat.misses >= extractorStrictMisses) {
        throw new BookfuzzError(
          'BF_MODEL_INVALID',
          `extractor "${name}" of ${purpose.what} never matched (${stat.misses} answers in a row, the last ${response.status} at ${response.path}${pageTitle(response)}, which begins: ${pageStart(response)}): check its selector, pattern or pointer against that page`,
          { where },
        );
      }
      return { response, missed: true, reason };
    }
    return { response, missed: false };
  }

  /**
   * Whether a log-in, set-up or cleanup request did its work: its `expect` statuses, else its
   * `okIf` / `refusedIf`, else any 2xx or 3xx. A problem in words when it did not.
   */
  const requestVerdict = (request: RequestSpec, response: HttpResponse, render: (text: string) => string): string | undefined => {
    let ok: boolean;
    if (request.expect) ok = request.expect.includes(response.status);
    else if (request.okIf || request.refusedIf) ok = outcomeOk(request.okIf, request.refusedIf, response, render);
    else ok = response.status >= 200 && response.status < 400;
    if (ok) return undefined;
    const judged = request.expect ? `, not ${request.expect.join(' or ')}` : request.okIf || request.refusedIf ? ' (okIf / refusedIf said refused)' : '';
    return `answered ${response.status} at ${response.path}${judged}${pageTitle(response)}`;
  };

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
      const sent = await send(site, state, step.actor, request, ['actions', step.action, 'requests', i], scope, {}, { what: `step "${step.action}"`, phase: 'step' }, { client, extracts });
      if (sent.response && (request.observe ?? request.as !== 'setup')) observed.push(sent.response);
      if (sent.missed) break;
    }
    return observed;
  }

  /** Log the actor in once per run side; whether the site accepted it is counted, and a refusal remembered. */
  async function logIn(site: LiveSite, state: SideState, actor: string, world: SpecWorld): Promise<void> {
    if (state.loggedIn.has(actor)) return;
    state.loggedIn.add(actor);
    const login = spec.actors[actor]?.login ?? [];
    if (login.length === 0) return;
    const self = selfOf(context, actor, world);
    const purpose: Purpose = { what: `log-in of ${actor}`, phase: 'login' };
    const where = source.where(['actors', actor, 'login']);
    let problem: string | undefined;
    try {
      for (const [i, request] of login.entries()) {
        const scope = { actor: actorView(context, actor, world, extractsOf(state, actor)), self: patientView(self), victim: patientView(self), input: {}, world };
        const sent = await send(site, state, actor, request, ['actors', actor, 'login', i], scope, {}, purpose);
        if (!sent.response) continue;
        const render = (text: string) => renderText(text, { scope: { ...commonScope(state, site), ...scope, extract: extractsOf(state, actor) } });
        problem = sent.missed ? (sent.reason ?? 'an extractor found nothing') : requestVerdict(request, sent.response, render);
        if (problem !== undefined) break;
      }
    } catch (error) {
      if (isBookfuzzError(error) && (error.code === 'BF_TRANSPORT' || error.code === 'BF_BUDGET_EXHAUSTED')) outcomes.count(purpose.what, 'login', where, 'failed', error.message);
      throw error;
    }
    if (problem !== undefined) state.loginRefused.add(actor);
    outcomes.count(purpose.what, 'login', where, problem === undefined ? 'ok' : 'refused', problem);
  }

  /**
   * Send one list of set-up requests. A request the site did not accept (its status, okIf,
   * refusedIf, an extractor or capture that found nothing) fails the set-up of this case:
   * counted, and thrown as `BF_SETUP_FAILED` with the request and the answer. Captured values
   * go on `patient` (one patient's set-up) or, for a whole-world request, on every patient.
   */
  async function runSetupList(site: LiveSite, state: SideState, list: RequestList, scope: Record<string, unknown>, what: string, world: SpecWorld, patient?: SpecPatient): Promise<void> {
    const sender = patient ? `${seedingActor}:${patient.id}` : seedingActor;
    for (const [i, request] of list.requests.entries()) {
      const path = [...list.path, i];
      // Counted per request of the spec (every patient's together); said with the patient when it fails.
      const label = `${patient ? 'set-up of each patient' : what}: ${request.method} ${request.path}`;
      const where = source.where(path);
      let sent: Sent;
      try {
        sent = await send(site, state, seedingActor, { ...request, as: 'setup' }, path, scope, {}, { what: patient ? 'set-up of each patient' : what, phase: 'setup', sender });
      } catch (error) {
        if (isBookfuzzError(error) && (error.code === 'BF_TRANSPORT' || error.code === 'BF_BUDGET_EXHAUSTED')) outcomes.count(label, 'setup', where, 'failed', error.message);
        throw error;
      }
      const response = sent.response;
      if (!response) continue;
      const render = (text: string) => renderText(text, { scope: { ...commonScope(state, site), ...scope, extract: extractsOf(state, sender) } });
      let problem = sent.missed ? (sent.reason ?? 'an extractor found nothing') : requestVerdict(request, response, render);
      if (problem === undefined && request.capture) problem = capture(site.actor(sender), state, request, path, response, { ...commonScope(state, site), ...scope }, world, patient);
      outcomes.count(label, 'setup', where, problem === undefined ? 'ok' : 'refused', problem);
      if (problem === undefined) continue;
      const hint = response.status === 401 || response.status === 403 ? ': a seeding endpoint needs the seed token (--seed-token, sent as {{seedToken}} or on /__bookfuzz/ paths)' : '';
      throw new BookfuzzError('BF_SETUP_FAILED', `${what}: ${request.method} ${request.path} ${problem}${hint}${sent.missed ? '' : bodyExcerpt(response)}`, { where });
    }
  }

  /** Read a set-up request's `capture` values from its answer onto the patient(s); a problem in words when one found nothing. */
  function capture(
    client: ActorClient,
    state: SideState,
    request: RequestSpec,
    path: (string | number)[],
    response: HttpResponse,
    scope: Record<string, unknown>,
    world: SpecWorld,
    patient: SpecPatient | undefined,
  ): string | undefined {
    const patients = patient ? [patient] : world.patients;
    for (const person of patients) {
      const values: JsonObject = { ...state.captured.get(person.id) };
      for (const [name, written] of Object.entries(request.capture ?? {})) {
        const extractor = renderedExtractor(written, { scope: { ...scope, patient: patientView(person) } });
        const value = extractValue(extractor, response, client, extractor.regex);
        const label = `capture "${name}" of ${request.method} ${request.path}`;
        const where = source.where([...path, 'capture', name]);
        if (value === undefined) {
          outcomes.count(label, 'extract', where, 'refused', `the answer was ${response.status} at ${response.path}${pageTitle(response)}`);
          if (written.optional) continue;
          return `but capture "${name}" found nothing for ${person.id} in it${pageTitle(response)}`;
        }
        outcomes.count(label, 'extract', where, 'ok');
        values[name] = value;
      }
      state.captured.set(person.id, values);
    }
    return undefined;
  }

  async function auditLog(site: LiveSite, state: SideState, request: RequestSpec, path: (string | number)[], pointer: string, scope: Record<string, unknown>): Promise<unknown[]> {
    const sent = await send(site, state, seedingActor, { ...request, as: 'setup' }, path, scope, {}, { what: 'the audit log', phase: 'step' });
    if (!sent.response) return [];
    try {
      const list = jsonPointer(JSON.parse(sent.response.body), pointer);
      return Array.isArray(list) ? list : [];
    } catch {
      throw new BookfuzzError('BF_TRANSPORT', 'the audit log request did not answer JSON', { where: source.where(path) });
    }
  }

  /** Values that differ between run sides whatever the world (the side's id, values the site assigned): masked in every step. */
  const sideTyped = (state: SideState): Record<string, string> => {
    const out: Record<string, string> = {};
    if (usesRunId) out['run.id'] = state.runId;
    for (const [id, values] of state.captured) {
      for (const [name, value] of Object.entries(values)) {
        const text = textOf(value);
        if (text !== undefined && text.length >= 2) out[`${id}.${name}`] = text;
      }
    }
    return out;
  };

  const lists = setupLists(spec);
  const cleanupLists = cleanupOf(spec);

  return {
    setupMethod: spec.setup.flows ? 'public-flows' : context.pool ? 'identity-pool' : 'seeding-endpoint',

    async setup(world, site) {
      const state = sideOf(site);
      state.canaries = sideCanaries(spec, world, state.runId);
      const sided = () => sideWorld(state, world);
      await runSetupList(site, state, lists.before, { world: sided() }, 'set-up (before)', world);
      await runSetupList(site, state, lists.seed, { world: sided() }, 'seeding the world', world);
      for (const patient of world.patients) {
        const now = sided();
        const view = patientView(now.patients.find((p) => p.id === patient.id));
        await runSetupList(site, state, lists.forEachPatient, { world: now, patient: view }, `set-up of ${patient.id}`, world, patient);
      }
      await runSetupList(site, state, lists.once, { world: sided() }, 'set-up (once)', world);
      if (state.captured.size === 0) return;
      // The world as the site holds it: the values it assigned, on their patients.
      return { ...world, patients: world.patients.map((p) => ({ ...p, ...state.captured.get(p.id) })) };
    },

    async perform(step, site, given) {
      const state = sideOf(site);
      const world = sideWorld(state, given);
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
      const typed: Record<string, string> = sideTyped(state);
      const observed: HttpResponse[] = [];
      let missed = false;
      for (const [i, request] of action.requests.entries()) {
        const sent = await send(site, state, step.actor, request, ['actions', step.action, 'requests', i], scope, typed, { what: `step "${step.action}"`, phase: 'step' });
        if (sent.response && (request.observe ?? request.as !== 'setup')) observed.push(sent.response);
        if (sent.missed) {
          missed = true;
          break;
        }
      }
      const last = observed[observed.length - 1];
      const render = (text: string) => renderText(text, { scope: { ...commonScope(state, site), ...scope, extract: extractsOf(state, step.actor) } });
      const ok = !missed && last !== undefined && outcomeOk(action.okIf, action.refusedIf, last, render);
      const result: StepResult = { observation: observeResponses(observed.map((r) => asObserved(state, r)), { typed }), outcome: ok ? 'ok' : 'refused', typed };
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
        result.recordViews = [{ actor: actorId, patient: patient?.id ?? '', breakGlass: viewSpec.breakGlass || (viewSpec.breakGlassIf !== undefined && last !== undefined && matchesAnswer(viewSpec.breakGlassIf, last, render)) }];
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
        const replay = async (anonymous: string) => observeResponses((await replayAnonymously(site, state, step, action.requests, scope, world, anonymous, jar)).map((r) => asObserved(state, r)), { typed });
        const first = await replay(anonymousActors[0]);
        const second = await replay(anonymousActors[1]);
        const owner = selfOf(context, step.actor, world)?.id;
        result.anonymous = { observations: [first, second], ...(owner !== undefined ? { owner } : {}) };
      }
      return result;
    },

    notes() {
      const out: string[] = [...outcomes.notes()];
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

    outcomes: () => outcomes.list(),

    async cleanup(given, site) {
      const { forEachPatient, once } = cleanupLists;
      if (forEachPatient.requests.length === 0 && once.requests.length === 0) return;
      const state = sideOf(site);
      const world = sideWorld(state, given);
      const sendAll = async (list: RequestList, scope: Record<string, unknown>, what: string, sender = seedingActor) => {
        for (const [i, request] of list.requests.entries()) {
          const path = [...list.path, i];
          const label = `${sender === seedingActor ? what : 'cleanup of each patient'}: ${request.method} ${request.path}`;
          const where = source.where(path);
          try {
            const sent = await send(site, state, seedingActor, { ...request, as: 'setup' }, path, scope, {}, { what: sender === seedingActor ? what : 'cleanup of each patient', phase: 'cleanup', sender });
            if (!sent.response) continue;
            const render = (text: string) => renderText(text, { scope: { ...commonScope(state, site), ...scope, extract: extractsOf(state, sender) } });
            const problem = sent.missed ? sent.reason : requestVerdict(request, sent.response, render);
            outcomes.count(label, 'cleanup', where, problem === undefined ? 'ok' : 'refused', problem);
          } catch (error) {
            if (isBookfuzzError(error) && (error.code === 'BF_TRANSPORT' || error.code === 'BF_BUDGET_EXHAUSTED')) outcomes.count(label, 'cleanup', where, 'failed', error.message);
            throw error;
          }
        }
      };
      for (const patient of world.patients) await sendAll(forEachPatient, { world, patient: patientView(patient) }, `cleanup of ${patient.id}`, `${seedingActor}:${patient.id}`);
      await sendAll(once, { world }, 'cleanup');
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

/** ` ("Sign in")`: the page's title, when the answer is an HTML page with one. */
function pageTitle(response: HttpResponse): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(response.body)?.[1]?.replace(/\s+/g, ' ').trim();
  return title ? ` ("${title.slice(0, 80)}")` : '';
}

/** The first words of an answer's text (tags and spaces squeezed), for messages. */
function pageStart(response: HttpResponse): string {
  const text = response.body.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text === '' ? '(an empty body)' : `"${text.slice(0, 160)}${text.length > 160 ? '…' : ''}"`;
}

/** `: "the first words of the answer"`, for set-up failures. */
function bodyExcerpt(response: HttpResponse): string {
  return `: ${pageStart(response)}`;
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

/** Whether the answer matches; `bodyContains` is rendered first when it holds a template. */
export function matchesAnswer(match: MatchSpec, response: HttpResponse, render: (text: string) => string = (text) => text): boolean {
  if (match.status !== undefined && !(Array.isArray(match.status) ? match.status : [match.status]).includes(response.status)) return false;
  if (match.path !== undefined && response.path.split('?')[0] !== match.path && response.path !== match.path) return false;
  if (match.pathPrefix !== undefined && !response.path.startsWith(match.pathPrefix)) return false;
  if (match.bodyContains !== undefined && !response.body.includes(match.bodyContains.includes('{{') ? render(match.bodyContains) : match.bodyContains)) return false;
  return true;
}

/** okIf: done only when one matches. refusedIf: done unless one matches. Neither: a 2xx answer is done. */
export function outcomeOk(okIf: readonly MatchSpec[] | undefined, refusedIf: readonly MatchSpec[] | undefined, last: HttpResponse, render?: (text: string) => string): boolean {
  if (okIf && !okIf.some((m) => matchesAnswer(m, last, render))) return false;
  if (refusedIf && refusedIf.some((m) => matchesAnswer(m, last, render))) return false;
  if (!okIf && !refusedIf) return last.status >= 200 && last.status < 300;
  return true;
}


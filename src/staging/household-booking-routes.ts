import { checkCsrf } from './csrf.js';
import { defaultTimingWorkMs, lookupWork } from './cpu-work.js';
import { defaultHouseholdWorld, householdSlots } from './default-worlds.js';
import { html } from './html.js';
import { field, type HttpContext } from './http-context.js';
import type { ModelSite } from './model-site.js';
import type { Router } from './router.js';
import { SessionStore, type Session } from './session-store.js';
import { shapeProblem, type HouseholdAppointment, type HouseholdWorld } from './world-types.js';

const P = '/household-booking';
const API = `${P}/api`;

interface Account {
  /** The role the server holds for this account (registrant, or the staff table's role). */
  role: string;
}

/** One line of the site's own event log for this model. */
interface EventEntry {
  actor: string;
  patient: string;
  event: 'dose-recorded' | 'appointment-moved' | 'appointment-cancelled';
  time: string;
  detail: string;
}

function ageOn(dateOfBirth: string, today: string): number {
  const [by = 0, bm = 1, bd = 1] = dateOfBirth.split('-').map(Number);
  const [ty = 0, tm = 1, td = 1] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** The household-members booking API (JSON; session by bearer token or cookie). */
export function householdBookingSite(flaws: ReadonlySet<string>, options: { timingWorkMs?: number } = {}): ModelSite {
  const timingWorkMs = options.timingWorkMs ?? defaultTimingWorkMs;
  let world: HouseholdWorld = defaultHouseholdWorld();
  let events: EventEntry[] = [];
  const sessions = new SessionStore<Account>('hb_session', () => ({ role: 'none' }));

  const notFound = (ctx: HttpContext, what: string): void => ctx.json(404, { error: 'not-found', message: `No such ${what}.` });

  /**
   * The caller's session: a bearer token, or the cookie. Cookie-authenticated writes must carry
   * the session's CSRF token in `x-csrf-token`; bearer requests need none.
   */
  async function caller(ctx: HttpContext): Promise<Session<Account> | undefined> {
    const token = ctx.bearer();
    const session = token !== undefined ? sessions.byId(token) : sessions.fromCookie(ctx);
    if (!session?.user) {
      ctx.json(401, { error: 'unauthenticated', message: 'Log in to continue.' });
      return undefined;
    }
    if (token === undefined && ctx.method !== 'GET') checkCsrf(session.csrf, await ctx.body(), ctx.header('x-csrf-token'));
    return session;
  }

  const registrantJson = (r: HouseholdWorld['registrants'][number]) => ({
    id: r.id,
    givenName: r.identity.givenName,
    familyName: r.identity.familyName,
    gender: r.gender,
    age: ageOn(r.identity.dateOfBirth, world.today),
    nhi: r.identity.nhi,
  });
  const appointmentJson = (a: HouseholdAppointment) => ({ id: a.id, slot: a.slot, status: a.status });

  /** PATCH/DELETE an appointment: the owner only (unless `idor-modify`, which forgot the owner check). */
  async function changeAppointment(ctx: HttpContext, how: 'move' | 'cancel'): Promise<void> {
    const session = await caller(ctx);
    if (!session) return;
    const appointment = world.appointments.find((a) => a.id === ctx.params['id']);
    if (!appointment) return notFound(ctx, 'appointment');
    const own = session.data.role === 'registrant' && appointment.registrant === session.user;
    // The fixed query is `WHERE id = ? AND registrant = ?`; the flawed one filters by id alone.
    if (!own && !flaws.has('idor-modify')) return notFound(ctx, 'appointment');
    if (appointment.status === 'cancelled') return ctx.json(409, { error: 'cancelled', message: 'This appointment was cancelled.' });
    const body = await ctx.body();
    if (how === 'move') {
      const raw = body['slot'];
      const slot = typeof raw === 'number' && Number.isInteger(raw) ? householdSlots[raw] : typeof raw === 'string' && householdSlots.includes(raw) ? raw : undefined;
      if (slot === undefined) return ctx.json(400, { error: 'invalid-slot', message: 'Choose one of GET /household-booking/api/slots.', slots: householdSlots });
      const was = appointment.slot;
      appointment.slot = slot;
      events.push({ actor: session.user ?? '', patient: appointment.registrant, event: 'appointment-moved', time: ctx.now.toISOString(), detail: `${appointment.id}: ${was} → ${slot}` });
    } else {
      appointment.status = 'cancelled';
      events.push({ actor: session.user ?? '', patient: appointment.registrant, event: 'appointment-cancelled', time: ctx.now.toISOString(), detail: appointment.id });
    }
    ctx.json(200, { appointment: appointmentJson(appointment) });
  }

  function register(router: Router): void {
    router.get(P, (ctx) => {
      ctx.page(
        200,
        'Vaccination booking for household members of border workers',
        html`<p>This service is a JSON API under <code>${API}/</code>. Log in with <code>POST ${API}/login</code>.</p>`,
        { home: `${P}/`, service: 'Household vaccination booking' },
      );
    });

    router.post(`${API}/login`, async (ctx) => {
      const body = await ctx.body();
      const nhi = field(body, 'nhi').toUpperCase();
      const dateOfBirth = field(body, 'dateOfBirth');
      const email = field(body, 'email').toLowerCase();
      const staffId = field(body, 'staffId');
      let account: { user: string; role: string } | undefined;
      if (nhi !== '' && dateOfBirth !== '') {
        const r = world.registrants.find((x) => x.identity.nhi.toUpperCase() === nhi && x.identity.dateOfBirth === dateOfBirth);
        if (r) account = { user: r.id, role: 'registrant' };
      } else if (email !== '' && staffId !== '') {
        const s = world.staff.find((x) => x.email.toLowerCase() === email && x.id === staffId);
        if (s) account = { user: s.id, role: s.role };
      }
      if (!account) return ctx.json(401, { error: 'invalid-credentials', message: 'Those details do not match our records.' });
      const old = sessions.fromCookie(ctx);
      if (old) sessions.destroy(old.id);
      const session = sessions.create(ctx, account.user);
      session.data.role = account.role;
      ctx.json(200, { user: { id: account.user, role: account.role }, token: session.id, csrfToken: session.csrf });
    });

    router.post(`${API}/logout`, async (ctx) => {
      const session = await caller(ctx);
      if (!session) return;
      sessions.destroy(session.id);
      sessions.clearCookie(ctx);
      ctx.json(200, { status: 'logged-out' });
    });

    router.get(`${API}/me`, async (ctx) => {
      const session = await caller(ctx);
      if (!session) return;
      const own = world.registrants.find((r) => r.id === session.user && session.data.role === 'registrant');
      ctx.json(200, {
        user: { id: session.user, role: session.data.role },
        csrfToken: session.csrf,
        registrant: own ? registrantJson(own) : null,
        appointments: world.appointments.filter((a) => own && a.registrant === own.id).map(appointmentJson),
      });
    });

    router.get(`${API}/slots`, (ctx) => ctx.json(200, { slots: householdSlots }));

    router.get(`${API}/registrants/:id`, async (ctx) => {
      const session = await caller(ctx);
      if (!session) return;
      const registrant = world.registrants.find((r) => r.id === ctx.params['id']);
      if (!registrant) return notFound(ctx, 'registrant');
      // The dose records are read in one query for everyone before the access check; the flawed
      // handler reads them one by one, so even the refusal takes longer the more doses a person has.
      const lookups = flaws.has('dose-lookup-timing') ? registrant.doses : 1;
      for (let i = 0; i < lookups; i++) lookupWork(`${registrant.id}:${i}`, timingWorkMs);
      const own = session.data.role === 'registrant' && registrant.id === session.user;
      const staff = session.data.role === 'vaccinator';
      // The flawed handler only checks that someone is logged in.
      if (!own && !staff && !flaws.has('idor-view')) return notFound(ctx, 'registrant');
      ctx.json(200, { registrant: registrantJson(registrant) });
    });

    router.get(`${API}/appointments`, async (ctx) => {
      const session = await caller(ctx);
      if (!session) return;
      const staff = session.data.role === 'vaccinator';
      ctx.json(200, { appointments: world.appointments.filter((a) => staff || a.registrant === session.user).map(appointmentJson) });
    });

    router.post(`${API}/doses`, async (ctx) => {
      const session = await caller(ctx);
      if (!session) return;
      const body = await ctx.body();
      const claimed = body['role'];
      // The flawed handler reads the role the client sends (it was told it at log-in) instead of the session's.
      const role = flaws.has('client-role') && typeof claimed === 'string' ? claimed : session.data.role;
      if (role !== 'vaccinator') return ctx.json(403, { error: 'forbidden', message: 'Only vaccinators can record doses.' });
      const registrant = world.registrants.find((r) => r.id === field(body, 'registrantId'));
      if (!registrant) return notFound(ctx, 'registrant');
      registrant.doses += 1;
      const recordedBy = session.user ?? '';
      world.doseRecords.push({ registrant: registrant.id, recordedBy });
      events.push({ actor: recordedBy, patient: registrant.id, event: 'dose-recorded', time: ctx.now.toISOString(), detail: `dose ${registrant.doses}` });
      ctx.json(201, { dose: { registrantId: registrant.id, recordedBy, status: 'recorded' } });
    });

    router.add('PATCH', `${API}/appointments/:id`, (ctx) => changeAppointment(ctx, 'move'));
    router.add('DELETE', `${API}/appointments/:id`, (ctx) => changeAppointment(ctx, 'cancel'));
  }

  return {
    name: 'household-booking',
    title: 'Household vaccination booking',
    register,
    seed(value) {
      const problem = shapeProblem(value, { registrants: 'array', staff: 'array', appointments: 'array', doseRecords: 'array', today: 'string' });
      if (problem) return problem;
      world = structuredClone(value as HouseholdWorld);
      events = [];
      sessions.clear();
      return undefined;
    },
    state: () => ({
      world,
      audit: events,
      sessions: sessions.summary(),
      credentials: {
        registrants: world.registrants.map((r) => ({ id: r.id, nhi: r.identity.nhi, dateOfBirth: r.identity.dateOfBirth })),
        staff: world.staff.map((s) => ({ id: s.id, email: s.email, staffId: s.id })),
      },
    }),
    advanceClock: () => false,
  };
}

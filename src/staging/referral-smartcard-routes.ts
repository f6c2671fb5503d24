import { checkCsrf } from './csrf.js';
import { defaultReferralWorld } from './default-worlds.js';
import { buttonForm, csrfField, html, notice, spacedNhsNumber } from './html.js';
import { field, type HttpContext } from './http-context.js';
import type { ModelSite } from './model-site.js';
import type { Router } from './router.js';
import { SessionStore, type Session } from './session-store.js';
import { shapeProblem, type ReferralWorld } from './world-types.js';

const P = '/referral-smartcard';
const frame = { home: `${P}/`, service: 'Referral booking (smartcard)' };

const errors: Record<string, string> = {
  'no-card': 'Insert your smartcard to log in.',
  passcode: 'The passcode is not right.',
  'session-ended': 'Your session has ended. Insert your smartcard and enter your passcode.',
  'unknown-card': 'The reader does not recognise this card.',
};

/** The world clock as an ISO local time, e.g. `2026-03-02T09:45`. */
function clock(world: ReferralWorld): string {
  const minutes = 9 * 60 + world.now;
  const hh = String(Math.floor(minutes / 60) % 24).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${world.day}T${hh}:${mm}`;
}

/**
 * The referral service at a GP workstation: smartcard + passcode log-in, a worklist and patient
 * records. Server sessions are mirrored in `world.sessions` (id = the session's handle, bound to
 * the card); the clock is the world's (`now`), moved on by the seeding endpoint's advance-clock.
 */
export function referralSmartcardSite(flaws: ReadonlySet<string>): ModelSite {
  let world: ReferralWorld = defaultReferralWorld();
  const sessions = new SessionStore<Record<string, never>>('rs_session', () => ({}));

  /** Ends server sessions (store and world) matching `which`. */
  function endSessions(which: (s: ReferralWorld['sessions'][number]) => boolean): void {
    const ended = new Set(world.sessions.filter(which).map((s) => s.id));
    world.sessions = world.sessions.filter((s) => !ended.has(s.id));
    for (const s of sessions.all()) if (ended.has(s.handle)) sessions.destroy(s.id);
  }

  /** The logged-in session serving this request, or undefined (idle ones end here). Marks activity. */
  function served(ctx: HttpContext): Session<Record<string, never>> | undefined {
    const session = sessions.fromCookie(ctx);
    if (!session?.user) return undefined;
    const record = world.sessions.find((s) => s.id === session.handle);
    if (!record) return undefined;
    if (world.now - record.lastActivity >= world.idleLimitMinutes) {
      endSessions((s) => s.id === record.id);
      return undefined;
    }
    record.lastActivity = world.now;
    return session;
  }

  function loggedIn(ctx: HttpContext): Session<Record<string, never>> | undefined {
    const session = served(ctx);
    if (!session) ctx.redirect(`${P}/login?error=session-ended`);
    return session;
  }

  const nav = (session: Session<Record<string, never>>) =>
    html`<nav><a href="${P}/home">Home</a> · <a href="${P}/referrals">Referrals</a> ${buttonForm(`${P}/logout`, session.csrf, 'Log out')}</nav>`;

  function register(router: Router): void {
    router.get(P, (ctx) => (served(ctx) ? ctx.redirect(`${P}/home`) : ctx.redirect(`${P}/login`)));

    router.get(`${P}/login`, (ctx) => {
      const session = sessions.ensure(ctx);
      ctx.page(
        200,
        'Log in with your smartcard',
        html`${notice(errors[ctx.query.get('error') ?? ''])}
<p>Card reader: ${world.cardInReader ? 'card present' : 'no card'}</p>
<form method="post" action="${P}/login">${csrfField(session.csrf)}
<label>Smartcard serial <input name="cardSerial" autocomplete="off"></label>
<label>Passcode <input name="passcode" type="password" autocomplete="off"></label>
<button type="submit">Log in</button></form>`,
        frame,
      );
    });

    router.post(`${P}/login`, async (ctx) => {
      const current = sessions.fromCookie(ctx);
      if (!current) return ctx.redirect(`${P}/login?error=session-ended`);
      const body = await ctx.body();
      checkCsrf(current.csrf, body);
      if (!world.cardInReader || field(body, 'cardSerial') !== world.gp.cardSerial) return ctx.redirect(`${P}/login?error=no-card`);
      if (field(body, 'passcode') !== world.gp.passcode) return ctx.redirect(`${P}/login?error=passcode`);
      // A new session replaces the browser's old one (no fixation); the old one ends on the server.
      endSessions((s) => s.id === current.handle);
      sessions.destroy(current.id);
      const session = sessions.create(ctx, world.gp.id);
      world.sessions.push({ id: session.handle, card: world.gp.cardSerial, lastActivity: world.now });
      ctx.redirect(`${P}/home`);
    });

    router.get(`${P}/home`, (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      ctx.page(200, `Welcome, ${world.gp.name}`, html`${nav(session)}<p><a href="${P}/referrals">Referrals awaiting review</a></p>`, frame);
    });

    router.get(`${P}/referrals`, (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      const rows = world.patients.map(
        (p) => html`<tr><td>${p.referral.ubrn}</td><td><a href="${P}/patients/${p.id}">${p.identity.givenName} ${p.identity.familyName}</a></td><td>${spacedNhsNumber(p.identity.nhsNumber)}</td><td>${p.referral.specialty}</td><td>${p.referral.text}</td></tr>`,
      );
      ctx.page(
        200,
        'Referrals awaiting review',
        html`${nav(session)}<table><thead><tr><th>UBRN</th><th>Patient</th><th>NHS number</th><th>Specialty</th><th>Reason</th></tr></thead><tbody>${rows}</tbody></table>`,
        frame,
      );
    });

    router.get(`${P}/patients/:id`, (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      const patient = world.patients.find((p) => p.id === ctx.params['id']);
      if (!patient) return ctx.page(404, 'Page not found', html`${nav(session)}<p>There is no patient with that id.</p>`, frame);
      world.audit.push({ user: world.gp.id, patient: patient.id, event: 'record-view', time: clock(world) });
      const entries = patient.entries.map((e) => html`<li><time>${e.date}</time> ${e.text}</li>`);
      ctx.page(
        200,
        `${patient.identity.givenName} ${patient.identity.familyName}`,
        html`${nav(session)}<dl><dt>NHS number</dt><dd>${spacedNhsNumber(patient.identity.nhsNumber)}</dd><dt>Date of birth</dt><dd>${patient.identity.dateOfBirth}</dd>
<dt>Referral</dt><dd>${patient.referral.ubrn} · ${patient.referral.specialty} · ${patient.referral.text}</dd></dl><h2>Record</h2><ul>${entries}</ul>`,
        frame,
      );
    });

    router.post(`${P}/logout`, async (ctx) => {
      const session = served(ctx);
      if (!session) return ctx.redirect(`${P}/login?error=session-ended`);
      checkCsrf(session.csrf, await ctx.body());
      if (!flaws.has('logout-ignored')) {
        endSessions((s) => s.id === session.handle);
        sessions.destroy(session.id);
      }
      // With `logout-ignored` only this runs: the browser forgets the cookie, the server keeps the session.
      sessions.clearCookie(ctx);
      ctx.redirect(`${P}/logged-out`);
    });

    router.get(`${P}/logged-out`, (ctx) => ctx.page(200, 'You have logged out', html`<p><a href="${P}/login">Log in again</a></p>`, frame));

    // The workstation's card-reader agent (a local service): no cookie, no CSRF, the card serial in the body.
    router.get(`${P}/reader`, (ctx) => ctx.page(200, 'Card reader', html`${notice(errors[ctx.query.get('error') ?? ''])}<p>${world.cardInReader ? 'card present' : 'no card'}</p>`, frame));

    router.post(`${P}/reader/insert`, async (ctx) => {
      if (field(await ctx.body(), 'cardSerial') !== world.gp.cardSerial) return ctx.redirect(`${P}/reader?error=unknown-card`);
      world.cardInReader = true;
      ctx.redirect(`${P}/reader`);
    });

    router.post(`${P}/reader/remove`, async (ctx) => {
      const card = field(await ctx.body(), 'cardSerial');
      if (card !== world.gp.cardSerial) return ctx.redirect(`${P}/reader?error=unknown-card`);
      world.cardInReader = false;
      // The flawed handler acknowledges the event and does nothing else.
      if (!flaws.has('card-removal-ignored')) endSessions((s) => s.card === card);
      ctx.redirect(`${P}/reader`);
    });
  }

  return {
    name: 'referral-smartcard',
    title: frame.service,
    register,
    seed(value) {
      const problem =
        shapeProblem(value, { patients: 'array', gp: 'object', day: 'string', now: 'number', idleLimitMinutes: 'number', cardInReader: 'boolean', sessions: 'array', audit: 'array' }) ??
        shapeProblem((value as { gp: unknown }).gp, { id: 'string', cardSerial: 'string', passcode: 'string' }, 'world.gp');
      if (problem) return problem;
      world = structuredClone(value as ReferralWorld);
      world.sessions = [];
      sessions.clear();
      return undefined;
    },
    state: () => ({
      world,
      audit: world.audit,
      sessions: sessions.summary().map((s) => ({ ...s, live: world.sessions.some((w) => w.id === s.handle) })),
      clock: clock(world),
      credentials: { gp: { cardSerial: world.gp.cardSerial, passcode: world.gp.passcode } },
    }),
    advanceClock(minutes) {
      world.now += minutes;
      endSessions((s) => world.now - s.lastActivity >= world.idleLimitMinutes);
      return true;
    },
  };
}

import { checkCsrf } from './csrf.js';
import { digits, sealedEnvelopePasscode } from './credentials.js';
import { defaultSealedWorld } from './default-worlds.js';
import { buttonForm, csrfField, html, notice, spacedNhsNumber } from './html.js';
import { field, type HttpContext } from './http-context.js';
import type { ModelSite } from './model-site.js';
import type { Handler, Router } from './router.js';
import { SessionStore, type Session } from './session-store.js';
import { shapeProblem, type SealedAuditEntry, type SealedPatient, type SealedWorld } from './world-types.js';

const P = '/sealed-envelope';
const frame = { home: `${P}/`, service: 'Clinical record system' };

const errors: Record<string, string> = {
  credentials: 'Your staff id or passcode is not right.',
  'session-ended': 'Insert your smartcard and enter your passcode.',
  'not-found': 'No patient has that NHS number.',
  reason: 'Give the reason you need to open this record.',
  related: 'You have a legitimate relationship with this patient. Open the record instead.',
};

/** The world clock as an ISO time, e.g. `2026-03-02T09:03Z` (minutes since 09:00 UTC). */
function timeOf(clock: number): string {
  return new Date(Date.UTC(2026, 2, 2, 9, clock)).toISOString().slice(0, 16) + 'Z';
}

/** A route handler that answers and returns the audit entry its access must leave (or none). */
type AuditedHandler = (ctx: HttpContext) => Promise<SealedAuditEntry | undefined> | SealedAuditEntry | undefined;

/**
 * Sealed records and break-glass in a clinical record system. The clock is the world's: every
 * POST takes one minute. Record views and break-glasses are audited by a wrapper on their routes.
 */
export function sealedEnvelopeSite(flaws: ReadonlySet<string>): ModelSite {
  let world: SealedWorld = defaultSealedWorld();
  const sessions = new SessionStore<Record<string, never>>('se_session', () => ({}));

  /** Writes the audit entry a handler returns. */
  const audited =
    (handler: AuditedHandler): Handler =>
    async (ctx) => {
      const entry = await handler(ctx);
      if (entry) world.audit.push(entry);
    };
  /** The flawed routes were mounted without the audit wrapper: the entry is computed and dropped. */
  const unaudited =
    (handler: AuditedHandler): Handler =>
    async (ctx) => {
      await handler(ctx);
    };
  const mount = flaws.has('unaudited-access') ? unaudited : audited;

  const tick = (): void => {
    world.clock += 1;
  };
  const related = (patient: SealedPatient): boolean => world.clinician.relationships.includes(patient.id);
  const grantFor = (patient: SealedPatient) =>
    [...world.breakGlasses].reverse().find((b) => b.clinician === world.clinician.id && b.patient === patient.id);

  function loggedIn(ctx: HttpContext): Session<Record<string, never>> | undefined {
    const session = sessions.fromCookie(ctx);
    if (!session?.user) {
      ctx.redirect(`${P}/login?error=session-ended`);
      return undefined;
    }
    return session;
  }

  const nav = (session: Session<Record<string, never>>) =>
    html`<nav><a href="${P}/home">Home</a> ${buttonForm(`${P}/logout`, session.csrf, 'Log out')}</nav>`;

  const record = (patient: SealedPatient) =>
    html`<dl><dt>Name</dt><dd>${patient.identity.givenName} ${patient.identity.familyName}</dd><dt>NHS number</dt><dd>${spacedNhsNumber(patient.identity.nhsNumber)}</dd><dt>Date of birth</dt><dd>${patient.identity.dateOfBirth}</dd></dl>
<h2>Entries</h2><ul>${patient.entries.map((e) => html`<li><time>${e.date}</time> ${e.text}</li>`)}</ul>`;

  const patientOr404 = (ctx: HttpContext, session: Session<Record<string, never>>): SealedPatient | undefined => {
    const patient = world.patients.find((p) => p.id === ctx.params['id']);
    if (!patient) ctx.page(404, 'Page not found', html`${nav(session)}<p>There is no patient with that id.</p>`, frame);
    return patient;
  };

  function register(router: Router): void {
    router.get(P, (ctx) => ctx.redirect(sessions.fromCookie(ctx)?.user ? `${P}/home` : `${P}/login`));

    router.get(`${P}/login`, (ctx) => {
      const session = sessions.ensure(ctx);
      ctx.page(
        200,
        'Log in',
        html`${notice(errors[ctx.query.get('error') ?? ''])}
<form method="post" action="${P}/login">${csrfField(session.csrf)}
<label>Staff id <input name="staffId" autocomplete="username"></label>
<label>Passcode <input name="passcode" type="password" autocomplete="off"></label>
<button type="submit">Log in</button></form>`,
        frame,
      );
    });

    router.post(`${P}/login`, async (ctx) => {
      tick();
      const current = sessions.fromCookie(ctx);
      if (!current) return ctx.redirect(`${P}/login?error=session-ended`);
      const body = await ctx.body();
      checkCsrf(current.csrf, body);
      const staffId = field(body, 'staffId');
      if (staffId !== world.clinician.id || field(body, 'passcode') !== sealedEnvelopePasscode(world.clinician.id)) {
        return ctx.redirect(`${P}/login?error=credentials`);
      }
      sessions.destroy(current.id);
      sessions.create(ctx, world.clinician.id);
      ctx.redirect(`${P}/home`);
    });

    router.get(`${P}/home`, (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      const mine = world.patients.filter(related).map(
        (p) => html`<li><a href="${P}/records/${p.id}">${p.identity.givenName} ${p.identity.familyName}</a> · ${spacedNhsNumber(p.identity.nhsNumber)}</li>`,
      );
      ctx.page(
        200,
        `Logged in as ${world.clinician.name}`,
        html`${nav(session)}${notice(errors[ctx.query.get('error') ?? ''])}
<h2>Patients in your care</h2>${mine.length === 0 ? html`<p>None.</p>` : html`<ul>${mine}</ul>`}
<form method="post" action="${P}/search">${csrfField(session.csrf)}
<label>NHS number <input name="nhsNumber" autocomplete="off"></label><button type="submit">Open record</button></form>`,
        frame,
      );
    });

    router.post(`${P}/search`, async (ctx) => {
      tick();
      const session = loggedIn(ctx);
      if (!session) return;
      const body = await ctx.body();
      checkCsrf(session.csrf, body);
      const nhsNumber = digits(field(body, 'nhsNumber'));
      const patient = world.patients.find((p) => p.identity.nhsNumber === nhsNumber);
      ctx.redirect(patient ? `${P}/records/${patient.id}` : `${P}/home?error=not-found`);
    });

    router.get(
      `${P}/records/:id`,
      mount((ctx) => {
        const session = loggedIn(ctx);
        if (!session) return undefined;
        const patient = patientOr404(ctx, session);
        if (!patient) return undefined;
        const actor = world.clinician.id;
        const time = timeOf(world.clock);
        if (related(patient)) {
          ctx.page(200, 'Patient record', html`${nav(session)}${record(patient)}`, frame);
          return { actor, patient: patient.id, event: 'record-view', time };
        }
        const grant = grantFor(patient);
        if (grant) {
          ctx.page(200, 'Patient record', html`${nav(session)}${notice('Opened by break-glass. Your reason has been recorded.', 'info')}${record(patient)}`, frame);
          return { actor, patient: patient.id, event: 'break-glass', time, reason: grant.reason };
        }
        const warning = 'You have no legitimate relationship with this patient.';
        if (flaws.has('warning-only')) {
          // The warning is a banner over the record, which is already in the page.
          ctx.page(200, 'Patient record', html`${nav(session)}${notice(`${warning} This access may be audited.`)}${record(patient)}`, frame);
          return { actor, patient: patient.id, event: 'record-view', time };
        }
        ctx.page(
          403,
          'This record is sealed',
          html`${nav(session)}<p>NHS number searched: ${spacedNhsNumber(patient.identity.nhsNumber)}</p>
<p>${warning} To open it, break the glass and give your reason. Your access will be audited.</p>
<p><a href="${P}/records/${patient.id}/break-glass">Break the glass</a></p>`,
          frame,
        );
        return undefined;
      }),
    );

    router.get(`${P}/records/:id/break-glass`, (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      const patient = patientOr404(ctx, session);
      if (!patient) return;
      ctx.page(
        200,
        'Break the glass',
        html`${nav(session)}${notice(errors[ctx.query.get('error') ?? ''])}<p>NHS number: ${spacedNhsNumber(patient.identity.nhsNumber)}</p>
<form method="post" action="${P}/records/${patient.id}/break-glass">${csrfField(session.csrf)}
<label>Why do you need to open this record? <textarea name="reason"></textarea></label>
<button type="submit">Break the glass</button></form>`,
        frame,
      );
    });

    router.post(
      `${P}/records/:id/break-glass`,
      mount(async (ctx) => {
        tick();
        const session = loggedIn(ctx);
        if (!session) return undefined;
        const body = await ctx.body();
        checkCsrf(session.csrf, body);
        const patient = patientOr404(ctx, session);
        if (!patient) return undefined;
        const reason = field(body, 'reason');
        if (related(patient)) return void ctx.redirect(`${P}/records/${patient.id}/break-glass?error=related`);
        if (reason === '') return void ctx.redirect(`${P}/records/${patient.id}/break-glass?error=reason`);
        const time = timeOf(world.clock);
        world.breakGlasses.push({ clinician: world.clinician.id, patient: patient.id, time, reason });
        ctx.redirect(`${P}/records/${patient.id}/access-granted`);
        return { actor: world.clinician.id, patient: patient.id, event: 'break-glass', time, reason };
      }),
    );

    router.get(`${P}/records/:id/access-granted`, (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      const patient = patientOr404(ctx, session);
      if (!patient) return;
      const grant = grantFor(patient);
      if (!grant) return ctx.page(404, 'Page not found', html`${nav(session)}<p>There is no break-glass for this patient.</p>`, frame);
      ctx.page(
        200,
        'Access granted',
        html`${nav(session)}<p>NHS number: ${spacedNhsNumber(patient.identity.nhsNumber)}</p><p>Reason: ${grant.reason}</p>
<p>Your reason has been recorded. <a href="${P}/records/${patient.id}">Open the record</a> to continue.</p>`,
        frame,
      );
    });

    router.post(`${P}/logout`, async (ctx) => {
      tick();
      const session = sessions.fromCookie(ctx);
      if (session) {
        checkCsrf(session.csrf, await ctx.body());
        sessions.destroy(session.id);
      }
      sessions.clearCookie(ctx);
      ctx.redirect(`${P}/login`);
    });
  }

  return {
    name: 'sealed-envelope',
    title: frame.service,
    register,
    seed(value) {
      const problem =
        shapeProblem(value, { clock: 'number', clinician: 'object', patients: 'array', breakGlasses: 'array', audit: 'array' }) ??
        shapeProblem((value as { clinician: unknown }).clinician, { id: 'string', name: 'string', relationships: 'array' }, 'world.clinician');
      if (problem) return problem;
      world = structuredClone(value as SealedWorld);
      sessions.clear();
      return undefined;
    },
    state: () => ({
      world,
      audit: world.audit,
      sessions: sessions.summary(),
      clock: timeOf(world.clock),
      credentials: { clinician: { staffId: world.clinician.id, passcode: sealedEnvelopePasscode(world.clinician.id) } },
    }),
    advanceClock(minutes) {
      world.clock += minutes;
      return true;
    },
  };
}

import { checkCsrf } from './csrf.js';
import { digits, recordAccessPatientPassword, recordAccessProxyPassword } from './credentials.js';
import { defaultRecordAccessWorld } from './default-worlds.js';
import { buttonForm, csrfField, html, notice, spacedNhsNumber } from './html.js';
import { field, type HttpContext } from './http-context.js';
import type { ModelSite } from './model-site.js';
import type { Router } from './router.js';
import { SessionStore, type Session } from './session-store.js';
import { shapeProblem, type EntryType, type RecordAccessEntry, type RecordAccessWorld } from './world-types.js';

const P = '/record-access';
const frame = { home: `${P}/`, service: 'Your GP online' };
const allTypes: readonly EntryType[] = ['consultation', 'test-result', 'medication'];

interface Login {
  actor: 'patient' | 'proxy' | 'anonymous';
}

interface EventEntry {
  actor: string;
  patient: string;
  event: 'login-disabled';
  time: string;
}

const errors: Record<string, string> = {
  credentials: 'Your username or password is not right.',
  disabled: 'Online access to this account is turned off. Contact your GP practice to turn it back on.',
  'session-ended': 'You have been logged out. Log in to continue.',
};

/** What the record query may filter: entry types, recorded on or after a day, redacted entries left out. */
interface EntryQuery {
  types: readonly EntryType[];
  since?: string;
  hideRedacted?: boolean;
}

function queryEntries(entries: readonly RecordAccessEntry[], q: EntryQuery): RecordAccessEntry[] {
  return entries
    .filter((e) => q.types.includes(e.type))
    .filter((e) => q.since === undefined || e.date >= q.since)
    .filter((e) => !(q.hideRedacted && e.redacted))
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}

/** The patient app: online access to one's own GP record, and proxy access for a parent or carer. */
export function recordAccessSite(flaws: ReadonlySet<string>): ModelSite {
  let world: RecordAccessWorld = defaultRecordAccessWorld();
  let events: EventEntry[] = [];
  const sessions = new SessionStore<Login>('ra_session', () => ({ actor: 'anonymous' }));

  const name = (): string => `${world.patient.identity.givenName} ${world.patient.identity.familyName}`;
  const nhs = (): string => spacedNhsNumber(world.patient.identity.nhsNumber);

  /** The logged-in session (any session the server still holds counts), or a redirect to log in. */
  function loggedIn(ctx: HttpContext): Session<Login> | undefined {
    const session = sessions.fromCookie(ctx);
    if (!session?.user || session.data.actor === 'anonymous') {
      ctx.redirect(`${P}/login?error=session-ended`);
      return undefined;
    }
    return session;
  }

  const nav = (session: Session<Login>) =>
    html`<nav><a href="${P}/home">Home</a> · <a href="${P}/record">GP health record</a> · <a href="${P}/appointments">Appointments</a>${
      session.data.actor === 'patient' ? html` · <a href="${P}/settings">Account settings</a>` : ''
    } ${buttonForm(`${P}/logout`, session.csrf, 'Log out')}</nav>`;

  const entryList = (entries: RecordAccessEntry[]) =>
    entries.length === 0
      ? html`<p>There are no entries to show.</p>`
      : html`<table><thead><tr><th>Date</th><th>Type</th><th>Entry</th></tr></thead><tbody>${entries.map(
          (e) => html`<tr><td>${e.date}</td><td>${e.type}</td><td>${e.text}</td></tr>`,
        )}</tbody></table>`;

  const noAccess = (ctx: HttpContext, session: Session<Login>, what: string): void =>
    ctx.page(403, `Acting for ${name()}`, html`${nav(session)}<p>NHS number ${nhs()}</p><p>You have not been given access to this person's ${what}.</p>`, frame);

  function register(router: Router): void {
    router.get(P, (ctx) => ctx.redirect(sessions.fromCookie(ctx)?.user ? `${P}/home` : `${P}/login`));

    router.get(`${P}/login`, (ctx) => {
      const session = sessions.ensure(ctx);
      ctx.page(
        200,
        'Log in',
        html`${notice(errors[ctx.query.get('error') ?? ''])}
<form method="post" action="${P}/login">${csrfField(session.csrf)}
<label>NHS number (or proxy username) <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Log in</button></form>`,
        frame,
      );
    });

    router.post(`${P}/login`, async (ctx) => {
      const current = sessions.fromCookie(ctx);
      if (!current) return ctx.redirect(`${P}/login?error=session-ended`);
      const body = await ctx.body();
      checkCsrf(current.csrf, body);
      const username = field(body, 'username');
      const password = field(body, 'password');
      let login: { user: string; actor: 'patient' | 'proxy' } | undefined;
      const holder = world.patient;
      if (digits(username).length === 10 && digits(username) === holder.identity.nhsNumber && password === recordAccessPatientPassword(holder.identity)) {
        if (holder.loginDisabled) return ctx.redirect(`${P}/login?error=disabled`);
        login = { user: holder.id, actor: 'patient' };
      } else if (username === world.proxy.id && password === recordAccessProxyPassword(world.proxy.id, holder.identity.nhsNumber)) {
        login = { user: world.proxy.id, actor: 'proxy' };
      }
      if (!login) return ctx.redirect(`${P}/login?error=credentials`);
      sessions.destroy(current.id);
      const session = sessions.create(ctx, login.user);
      session.data.actor = login.actor;
      ctx.redirect(`${P}/home`);
    });

    router.get(`${P}/home`, (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      if (session.data.actor === 'patient') {
        return ctx.page(200, `Welcome, ${name()}`, html`${nav(session)}<p>NHS number ${nhs()}</p>`, frame);
      }
      ctx.page(
        200,
        `Welcome, ${world.proxy.givenName}`,
        html`${nav(session)}<p>You are acting for <strong>${name()}</strong> (NHS number ${nhs()}) as their ${world.proxy.relationship}.</p>`,
        frame,
      );
    });

    router.get(`${P}/record`, (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      const since = flaws.has('retrospective-entries') ? undefined : world.patient.accessGrantedOn;
      const hideRedacted = !flaws.has('redaction-ignored');
      if (session.data.actor === 'patient') {
        const entries = queryEntries(world.entries, { types: allTypes, ...(since ? { since } : {}), hideRedacted });
        return ctx.page(
          200,
          'Your GP health record',
          html`${nav(session)}<p>${name()} · NHS number ${nhs()}</p>
<p>Entries recorded before ${world.patient.accessGrantedOn} are not shown online. Ask your GP practice for them.</p>${entryList(entries)}`,
          frame,
        );
      }
      // The fixed page asks the proxy grant for the entry types; the flawed one only checks that the proxy is linked.
      const types = flaws.has('proxy-overreach') ? allTypes : world.proxy.scope.recordTypes;
      if (types.length === 0) return noAccess(ctx, session, 'GP record');
      const entries = queryEntries(world.entries, { types, ...(since ? { since } : {}), hideRedacted });
      ctx.page(200, `GP health record of ${name()}`, html`${nav(session)}<p>NHS number ${nhs()}</p>${entryList(entries)}`, frame);
    });

    router.get(`${P}/appointments`, (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      const proxy = session.data.actor === 'proxy';
      if (proxy && !world.proxy.scope.appointments && !flaws.has('proxy-overreach')) return noAccess(ctx, session, 'appointments');
      const rows = world.appointments.map((a) => html`<li><time>${a.when}</time> ${a.detail}</li>`);
      ctx.page(
        200,
        proxy ? `Appointments of ${name()}` : 'Your appointments',
        html`${nav(session)}<p>NHS number ${nhs()}</p>${rows.length === 0 ? html`<p>There are no upcoming appointments.</p>` : html`<ul>${rows}</ul>`}`,
        frame,
      );
    });

    router.get(`${P}/settings`, (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      if (session.data.actor !== 'patient') return ctx.page(403, 'Not allowed', html`${nav(session)}<p>Only the account holder can change these settings.</p>`, frame);
      ctx.page(
        200,
        'Account settings',
        html`${nav(session)}<p>Turning online access off logs you out everywhere. Your GP practice can turn it back on.</p>
${buttonForm(`${P}/settings/disable-login`, session.csrf, 'Turn online access off')}`,
        frame,
      );
    });

    router.post(`${P}/settings/disable-login`, async (ctx) => {
      const session = loggedIn(ctx);
      if (!session) return;
      checkCsrf(session.csrf, await ctx.body());
      if (session.data.actor !== 'patient') return ctx.page(403, 'Not allowed', html`<p>Only the account holder can change these settings.</p>`, frame);
      world.patient.loginDisabled = true;
      events.push({ actor: world.patient.id, patient: world.patient.id, event: 'login-disabled', time: ctx.now.toISOString() });
      // The flawed handler sets the flag and forgets to end the sessions already open.
      if (!flaws.has('disabled-login-works')) {
        for (const s of sessions.all()) if (s.user === world.patient.id) sessions.destroy(s.id);
      }
      sessions.clearCookie(ctx);
      ctx.redirect(`${P}/login-disabled`);
    });

    router.get(`${P}/login-disabled`, (ctx) =>
      ctx.page(200, 'Online access turned off', html`<p>You have been logged out. Ask your GP practice to turn online access back on.</p>`, frame),
    );

    router.post(`${P}/logout`, async (ctx) => {
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
    name: 'record-access',
    title: frame.service,
    register,
    seed(value) {
      const problem =
        shapeProblem(value, { patient: 'object', entries: 'array', appointments: 'array', proxy: 'object' }) ??
        shapeProblem((value as { proxy: unknown }).proxy, { id: 'string', scope: 'object' }, 'world.proxy');
      if (problem) return problem;
      world = structuredClone(value as RecordAccessWorld);
      events = [];
      sessions.clear();
      return undefined;
    },
    state: () => ({
      world,
      audit: events,
      sessions: sessions.summary(),
      credentials: {
        patient: { username: world.patient.identity.nhsNumber, password: recordAccessPatientPassword(world.patient.identity) },
        proxy: { username: world.proxy.id, password: recordAccessProxyPassword(world.proxy.id, world.patient.identity.nhsNumber) },
      },
    }),
    advanceClock: () => false,
  };
}

import { randomInt } from 'node:crypto';
import { checkCsrf, csrfMatches } from './csrf.js';
import { digits } from './credentials.js';
import { defaultTimingWorkMs, lookupWork } from './cpu-work.js';
import { defaultNhsCovidWorld } from './default-worlds.js';
import { buttonForm, csrfField, html, notice } from './html.js';
import { field, type HttpContext } from './http-context.js';
import type { ModelSite } from './model-site.js';
import type { Router } from './router.js';
import { SessionStore, type Session } from './session-store.js';
import { shapeProblem, type NhsCovidWorld } from './world-types.js';

const P = '/nhs-covid-booking';
const frame = { home: `${P}/`, service: 'Book or manage your COVID-19 vaccination' };

interface BookingData {
  /** Patient id the visitor entered the details of. */
  patient: string | undefined;
  /** The one-time code sent to that patient's phone. */
  code: string | undefined;
  /** The visitor entered the right code. */
  verified: boolean;
  slot: number | undefined;
  /** References booked in this session (only these confirmation pages are shown to it). */
  bookings: string[];
}

/** An SMS the service "sent" (read back through the state endpoint by the genuine patient). */
interface OutboxMessage {
  patient: string;
  to: string;
  code: string;
  sentAt: string;
}

const errors: Record<string, string> = {
  'not-found': 'We could not find your details. Check them and try again.',
  missing: 'Enter an NHS number, or your name, date of birth and postcode.',
  session: 'Your session has ended. Start again.',
  'wrong-code': 'The code is not right. Check it and try again.',
  'verify-first': 'Enter the security code we sent you first.',
  slot: 'Choose an appointment.',
};

const normalise = (s: string): string => s.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
const postcode = (s: string): string => s.replace(/\s+/g, '').toUpperCase();

/** The national COVID-19 vaccination booking service (HTML forms, anonymous sessions, SMS codes). */
export function nhsCovidBookingSite(flaws: ReadonlySet<string>, options: { timingWorkMs?: number } = {}): ModelSite {
  const timingWorkMs = options.timingWorkMs ?? defaultTimingWorkMs;
  let world: NhsCovidWorld = defaultNhsCovidWorld();
  let outbox: OutboxMessage[] = [];
  const sessions = new SessionStore<BookingData>('nhs_session', () => ({ patient: undefined, code: undefined, verified: false, slot: undefined, bookings: [] }));

  const patientOf = (session: Session<BookingData> | undefined) => world.patients.find((p) => p.id === session?.data.patient);
  const errorOf = (ctx: HttpContext): string | undefined => errors[ctx.query.get('error') ?? ''];

  /** The session with a patient entered; otherwise sends the visitor back to the start. */
  function entered(ctx: HttpContext): { session: Session<BookingData>; patient: NhsCovidWorld['patients'][number] } | undefined {
    const session = sessions.fromCookie(ctx);
    const patient = patientOf(session);
    if (!session || !patient) {
      ctx.redirect(`${P}/?error=session`);
      return undefined;
    }
    return { session, patient };
  }

  /** May this session choose a slot and book? Redirects when not. */
  function mayBook(ctx: HttpContext): ReturnType<typeof entered> {
    const found = entered(ctx);
    if (!found) return undefined;
    const { session, patient } = found;
    // Second doses were meant to be quick to book: the shortcut trusts the record, not the person.
    const secondDoseShortcut = flaws.has('second-dose-unverified') && patient.doses === 1;
    if (!session.data.verified && !secondDoseShortcut) {
      ctx.redirect(`${P}/verify?error=verify-first`);
      return undefined;
    }
    if (patient.doses >= 2) {
      ctx.redirect(`${P}/fully-vaccinated`);
      return undefined;
    }
    return found;
  }

  async function postWithSession(ctx: HttpContext): Promise<Session<BookingData> | undefined> {
    const session = sessions.fromCookie(ctx);
    if (!session) {
      ctx.redirect(`${P}/?error=session`);
      return undefined;
    }
    checkCsrf(session.csrf, await ctx.body());
    return session;
  }

  function register(router: Router): void {
    router.get(`${P}`, (ctx) => {
      const session = sessions.ensure(ctx);
      session.data.patient = undefined;
      session.data.code = undefined;
      session.data.verified = false;
      session.data.slot = undefined;
      ctx.page(
        200,
        'Book or manage your COVID-19 vaccination',
        html`${notice(errorOf(ctx))}
<form method="post" action="${P}/identity">${csrfField(session.csrf)}
<fieldset><legend>Your NHS number</legend>
<label>NHS number <input name="nhsNumber" inputmode="numeric" autocomplete="off"></label></fieldset>
<p>Or, if you do not know your NHS number:</p>
<fieldset><legend>Your details</legend>
<label>First name <input name="givenName"></label>
<label>Last name <input name="familyName"></label>
<label>Date of birth (YYYY-MM-DD) <input name="dateOfBirth"></label>
<label>Postcode <input name="postcode"></label></fieldset>
<button type="submit">Continue</button></form>`,
        frame,
      );
    });

    router.post(`${P}/identity`, async (ctx) => {
      const session = await postWithSession(ctx);
      if (!session) return;
      const body = await ctx.body();
      const nhsNumber = digits(field(body, 'nhsNumber'));
      let patient: NhsCovidWorld['patients'][number] | undefined;
      if (nhsNumber !== '') {
        patient = world.patients.find((p) => p.identity.nhsNumber === nhsNumber);
      } else {
        const [given, family, dob, pc] = ['givenName', 'familyName', 'dateOfBirth', 'postcode'].map((n) => field(body, n));
        if (!given || !family || !dob || !pc) return ctx.redirect(`${P}/?error=missing`);
        patient = world.patients.find(
          (p) =>
            normalise(p.identity.givenName) === normalise(given) &&
            normalise(p.identity.familyName) === normalise(family) &&
            p.identity.dateOfBirth === dob &&
            postcode(p.identity.postcode) === postcode(pc),
        );
      }
      if (!patient) return ctx.redirect(`${P}/?error=not-found`);
      // The immunisation history is looked up for everyone (the page after it never shows it before
      // the code is entered); the flawed handler looks it up only for people who have one.
      if (!flaws.has('history-lookup-timing') || patient.doses >= 1) lookupWork(patient.id, timingWorkMs);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      session.data = { ...session.data, patient: patient.id, code, verified: false, slot: undefined };
      outbox.push({ patient: patient.id, to: patient.identity.phone, code, sentAt: ctx.now.toISOString() });
      if (flaws.has('status-dependent-screen')) {
        // "Returning" people were routed by their vaccination record before anyone proved who they were.
        return ctx.redirect(patient.doses >= 1 ? `${P}/booking-reference` : `${P}/screening`);
      }
      ctx.redirect(`${P}/verify`);
    });

    router.get(`${P}/booking-reference`, (ctx) => {
      if (!entered(ctx)) return;
      ctx.page(
        200,
        'Enter your booking reference',
        html`<p>You have booked before. Enter the booking reference from your confirmation.</p>
<label>Booking reference <input name="reference"></label>
<p><a href="${P}/verify">I do not have my reference: send me a security code</a></p>`,
        frame,
      );
    });

    router.get(`${P}/screening`, (ctx) => {
      if (!entered(ctx)) return;
      ctx.page(
        200,
        'Answer some screening questions',
        html`<p>Before you book, answer some questions about your health.</p>
<p><a href="${P}/verify">Continue</a></p>`,
        frame,
      );
    });

    router.get(`${P}/verify`, (ctx) => {
      const found = entered(ctx);
      if (!found) return;
      ctx.page(
        200,
        'We have sent a security code to the contact details we hold',
        html`${notice(errorOf(ctx))}
<form method="post" action="${P}/verify">${csrfField(found.session.csrf)}
<label>Security code <input name="code" inputmode="numeric" autocomplete="one-time-code"></label>
<button type="submit">Continue</button></form>`,
        frame,
      );
    });

    router.post(`${P}/verify`, async (ctx) => {
      const session = await postWithSession(ctx);
      if (!session) return;
      if (!patientOf(session) || session.data.code === undefined) return ctx.redirect(`${P}/?error=session`);
      const code = digits(field(await ctx.body(), 'code'));
      if (!csrfMatches(session.data.code, code)) return ctx.redirect(`${P}/verify?error=wrong-code`);
      session.data.verified = true;
      ctx.redirect(`${P}/your-vaccinations`);
    });

    router.get(`${P}/your-vaccinations`, (ctx) => {
      const found = entered(ctx);
      if (!found) return;
      if (!found.session.data.verified) return ctx.redirect(`${P}/verify?error=verify-first`);
      const { patient } = found;
      const next =
        patient.doses >= 2 ? html`<p>You have had all your doses.</p>` : html`<p><a href="${P}/slots">Book your dose ${patient.doses + 1}</a></p>`;
      ctx.page(
        200,
        'Your vaccinations',
        html`<p>${patient.identity.givenName} ${patient.identity.familyName}</p>
<p>Doses recorded: <strong>${patient.doses}</strong></p>${next}`,
        frame,
      );
    });

    router.get(`${P}/fully-vaccinated`, (ctx) => {
      if (!entered(ctx)) return;
      ctx.page(200, 'You have had all your doses', html`<p>There is nothing more to book.</p>`, frame);
    });

    router.get(`${P}/slots`, (ctx) => {
      const found = mayBook(ctx);
      if (!found) return;
      const options = world.slots.map(
        (slot, i) => html`<label><input type="radio" name="slot" value="${i}"${found.session.data.slot === i ? html` checked` : ''}> ${slot}</label>`,
      );
      ctx.page(
        200,
        `Choose an appointment for dose ${found.patient.doses + 1}`,
        html`${notice(errorOf(ctx))}
<form method="post" action="${P}/slots">${csrfField(found.session.csrf)}
<fieldset><legend>Appointments</legend>${options}</fieldset>
<button type="submit">Continue</button></form>`,
        frame,
      );
    });

    router.post(`${P}/slots`, async (ctx) => {
      const session = await postWithSession(ctx);
      if (!session) return;
      const found = mayBook(ctx);
      if (!found) return;
      const raw = field(await ctx.body(), 'slot');
      const slot = /^\d+$/.test(raw) ? Number(raw) : -1;
      if (slot < 0 || slot >= world.slots.length) return ctx.redirect(`${P}/slots?error=slot`);
      session.data.slot = slot;
      ctx.redirect(`${P}/check`);
    });

    router.get(`${P}/check`, (ctx) => {
      const found = mayBook(ctx);
      if (!found) return;
      const slot = found.session.data.slot;
      if (slot === undefined) return ctx.redirect(`${P}/slots`);
      ctx.page(
        200,
        'Check your answers',
        html`<dl><dt>Appointment</dt><dd>${world.slots[slot] ?? ''}</dd><dt>Dose</dt><dd>${found.patient.doses + 1}</dd></dl>
${buttonForm(`${P}/confirm`, found.session.csrf, 'Confirm booking')}`,
        frame,
      );
    });

    router.post(`${P}/confirm`, async (ctx) => {
      const session = await postWithSession(ctx);
      if (!session) return;
      const found = mayBook(ctx);
      if (!found) return;
      const slotIndex = session.data.slot;
      if (slotIndex === undefined) return ctx.redirect(`${P}/slots`);
      const reference = `BK${1000 + world.bookings.length}`;
      world.bookings.push({
        reference,
        patient: found.patient.id,
        slot: world.slots[slotIndex] ?? '',
        dose: found.patient.doses + 1,
        bookedBy: session.data.verified ? 'patient' : 'unverified',
      });
      session.data.slot = undefined;
      session.data.bookings.push(reference);
      ctx.redirect(`${P}/bookings/${reference}`);
    });

    router.get(`${P}/bookings/:reference`, (ctx) => {
      const session = sessions.fromCookie(ctx);
      const booking = world.bookings.find((b) => b.reference === ctx.params['reference']);
      if (!booking || !session?.data.bookings.includes(booking.reference)) {
        return ctx.page(404, 'Page not found', html`<p>There is no booking with that reference.</p>`, frame);
      }
      ctx.page(
        200,
        'Booking confirmed',
        html`<p>Your booking reference is <strong>${booking.reference}</strong>.</p>
<dl><dt>Appointment</dt><dd>${booking.slot}</dd><dt>Dose</dt><dd>${booking.dose}</dd></dl>
${buttonForm(`${P}/sign-out`, session.csrf, 'Sign out')}`,
        frame,
      );
    });

    router.post(`${P}/sign-out`, async (ctx) => {
      const session = sessions.fromCookie(ctx);
      if (session) {
        checkCsrf(session.csrf, await ctx.body());
        sessions.destroy(session.id);
      }
      sessions.clearCookie(ctx);
      ctx.redirect(`${P}/signed-out`);
    });

    router.get(`${P}/signed-out`, (ctx) => {
      ctx.page(200, 'You have signed out', html`<p><a href="${P}/">Start again</a></p>`, frame);
    });
  }

  return {
    name: 'nhs-covid-booking',
    title: frame.service,
    register,
    seed(value) {
      const problem = shapeProblem(value, { patients: 'array', slots: 'array', bookings: 'array' });
      if (problem) return problem;
      world = structuredClone(value as NhsCovidWorld);
      outbox = [];
      sessions.clear();
      return undefined;
    },
    state: () => ({
      world,
      audit: [],
      outbox,
      sessions: sessions.summary().map((s) => ({ ...s, patient: sessions.all().find((x) => x.handle === s.handle)?.data.patient ?? null })),
      credentials: {},
    }),
    advanceClock: () => false,
  };
}

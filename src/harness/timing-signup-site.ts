/**
 * "Harbour Health", a small fixture for the timing sampler with a sign-up set-up: there is no
 * seeding endpoint, every person signs up through the site's own form (a CSRF token per render),
 * then a patient logs in with e-mail and password and may ask whether someone they care for can
 * book, by NHS number or e-mail. The answer is the same page for everyone; with the flaw
 * (`eligibility-timing`) the site first reads the person's immunisation history — real CPU work of
 * `workMs` — only when that person has had a dose, so the response time tells a logged-in patient
 * another person's vaccination status. `fixed` reads a history for everyone.
 *
 * A patient may also ask for one reminder (a second request is refused with 409): a step whose
 * answer changes when a world set up once is used again. A second sign-up with the same e-mail
 * replaces the account (so a world can be set up again on the same site), and the site keeps
 * parallel worlds by `x-bookfuzz-world`, as the staging site does. Binds 127.0.0.1 on a free port.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestServer } from './test-server.js';

/** The spec of the site (what `loadSpecModel(harbourSpecFile, { text: harbourSpec })` reads). */
export const harbourSpec = `
name: harbour-timing
title: Harbour Health eligibility check (timing fixture)
description: >-
  People sign up with their NHS number and vaccination status; a logged-in patient can ask whether
  someone they care for can book, by NHS number, and always gets the same page back.
session: { cookie: hh_session }

identities:
  count: { min: 2, max: 3 }
  idPrefix: p
  fields:
    password: { oneOf: [Harbour-Lantern-2031, Quiet-Meadow-4417, Copper-Kettle-0926] }
    doses: { integer: [0, 2] }

secrets:
  vaccination-status:
    description: a person's number of COVID-19 doses
    field: doses
    values: [0, 1, 2]
    hiddenFrom: [patient]

actors:
  patient:
    description: a patient with an account, logged in with e-mail and password
    is: 0
    login:
      - path: /login
        extract: { csrf: { css: "input[name=_csrf]", attr: value } }
      - method: POST
        path: /login
        form: { _csrf: "{{extract.csrf}}", email: "{{self.email}}", password: "{{self.password}}" }
        okIf: [{ path: /account }]

setup:
  flows:
    forEachPatient:
      - path: /signup
        extract: { csrf: { css: "input[name=_csrf]", attr: value } }
      - method: POST
        path: /signup
        form:
          _csrf: "{{extract.csrf}}"
          givenName: "{{patient.givenName}}"
          familyName: "{{patient.familyName}}"
          email: "{{patient.email}}"
          password: "{{patient.password}}"
          nhsNumber: "{{patient.nhsNumber}}"
          doses: "{{patient.doses}}"
        okIf: [{ path: /welcome }]

actions:
  view-my-account:
    description: open my account
    actors: [patient]
    requests: [{ path: /account }]
    okIf: [{ status: 200, path: /account }]
  check-eligibility:
    description: ask whether someone I care for can book, by their NHS number
    actors: [patient]
    target: patient
    requests:
      - path: /eligibility
        observe: false
        extract: { csrf: { css: "input[name=_csrf]", attr: value } }
      - method: POST
        path: /eligibility
        form: { _csrf: "{{extract.csrf}}", nhsNumber: "{{victim.nhsNumber}}" }
    okIf: [{ status: 200, path: /eligibility }]
  # It changes the account, but the spec does not say so (no mutates: true): the sampler learns it
  # from the answers (a second request is refused), as it must for a change a spec forgot.
  set-reminder:
    description: ask for a reminder of my next booking window (one per account)
    actors: [patient]
    requests:
      - path: /reminder
        observe: false
        extract: { csrf: { css: "input[name=_csrf]", attr: value } }
      - method: POST
        path: /reminder
        form: { _csrf: "{{extract.csrf}}" }
    okIf: [{ status: 200, path: /reminder }]
maxSteps: 3

policy:
  maySee:
    - "canary.owner == self.id"
`;

/** A path to give `loadSpecModel` with `harbourSpec` (for messages only: nothing is read from it). */
export const harbourSpecFile = 'harbour-timing.yaml';

export type HarbourMode = 'eligibility-timing' | 'fixed';

export interface HarbourSite {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Requests answered so far. */
  requests(): number;
  /** Sign-ups answered so far (accepted or not). */
  signups(): number;
  close(): Promise<void>;
}

interface Account {
  givenName: string;
  familyName: string;
  email: string;
  password: string;
  nhsNumber: string;
  doses: number;
  /** Whether a reminder was asked for (one per account; a new sign-up clears it). */
  reminder: boolean;
}

/** One parallel world of the site: its accounts, sessions and CSRF tokens. */
interface World {
  byEmail: Map<string, Account>;
  sessions: Map<string, string>;
  csrf: Set<string>;
}

const cookieName = 'hh_session';

function page(res: ServerResponse, title: string, body: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`);
}

function redirect(res: ServerResponse, location: string, cookie?: string): void {
  res.writeHead(303, { location, ...(cookie !== undefined ? { 'set-cookie': `${cookieName}=${cookie}; Path=/; HttpOnly` } : {}) });
  res.end();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Real CPU work for about `ms` milliseconds (hashing), as reading a history would take. */
function work(ms: number): void {
  const until = performance.now() + ms;
  let digest = 'history';
  while (performance.now() < until) digest = createHash('sha256').update(digest).digest('hex');
}

/** Start Harbour Health on 127.0.0.1; `workMs` is the time one history read takes (default 2 ms). */
export async function startHarbourSite(mode: HarbourMode, options: { workMs?: number } = {}): Promise<HarbourSite> {
  const workMs = options.workMs ?? 2;
  const worlds = new Map<string, World>();
  let requests = 0;
  let signups = 0;
  const worldOf = (req: IncomingMessage): World => {
    const name = String(req.headers['x-bookfuzz-world'] ?? '');
    let world = worlds.get(name);
    if (!world) {
      world = { byEmail: new Map(), sessions: new Map(), csrf: new Set() };
      worlds.set(name, world);
    }
    return world;
  };
  const form = (world: World, action: string, fields: string): string => {
    const token = randomBytes(12).toString('hex');
    world.csrf.add(token);
    return `<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${token}">${fields}<button>Continue</button></form>`;
  };
  const server = await startTestServer((req, res, body) => {
    requests++;
    const world = worldOf(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const fields = new URLSearchParams(body);
    const cookie = /(?:^|;\s*)hh_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const account = cookie === undefined ? undefined : world.byEmail.get(world.sessions.get(cookie) ?? '');
    const post = req.method === 'POST';
    const csrfOk = () => {
      const token = fields.get('_csrf') ?? '';
      return world.csrf.delete(token);
    };
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'GET /signup':
        return page(res, 'Create an account', form(world, '/signup', 'Name, e-mail, password, NHS number, doses'));
      case 'POST /signup': {
        signups++;
        if (!csrfOk()) return page(res, 'Create an account', '<p>The form expired.</p>', 400);
        const email = fields.get('email') ?? '';
        const doses = Number(fields.get('doses') ?? '0');
        if (email === '' || !Number.isInteger(doses)) return page(res, 'Create an account', '<p>Check your details.</p>', 400);
        const person: Account = {
          givenName: fields.get('givenName') ?? '',
          familyName: fields.get('familyName') ?? '',
          email,
          password: fields.get('password') ?? '',
          nhsNumber: (fields.get('nhsNumber') ?? '').replace(/\s/g, ''),
          doses,
          reminder: false,
        };
        world.byEmail.set(email, person);
        return redirect(res, '/welcome');
      }
      case 'GET /welcome':
        return page(res, 'Welcome', '<p>Your account is ready.</p>');
      case 'GET /login':
        return page(res, 'Sign in', form(world, '/login', 'E-mail and password'));
      case 'POST /login': {
        const person = world.byEmail.get(fields.get('email') ?? '');
        if (!csrfOk() || !person || person.password !== fields.get('password')) return page(res, 'Sign in', '<p>Those details are not right.</p>');
        const session = randomBytes(16).toString('hex');
        world.sessions.set(session, person.email);
        return redirect(res, '/account', session);
      }
      case 'GET /account':
        if (!account) return redirect(res, '/login');
        return page(res, 'Your account', `<p>${escapeHtml(account.givenName)} ${escapeHtml(account.familyName)}</p>`);
      case 'GET /eligibility':
        if (!account) return redirect(res, '/login');
        return page(res, 'Can they book?', form(world, '/eligibility', 'Their NHS number or e-mail'));
      case 'POST /eligibility': {
        if (!account) return redirect(res, '/login');
        if (!post || !csrfOk()) return page(res, 'Can they book?', '<p>The form expired.</p>', 400);
        // By NHS number, or by e-mail (the form takes either).
        const nhsNumber = (fields.get('nhsNumber') ?? '').replace(/\s/g, '');
        const email = fields.get('email');
        const person = email !== null ? world.byEmail.get(email) : [...world.byEmail.values()].find((p) => p.nhsNumber === nhsNumber);
        // The flaw: the history is read only for people who have had a dose.
        if (mode === 'fixed' || (person !== undefined && person.doses > 0)) work(workMs);
        return page(res, 'Can they book?', '<p>Thank you. If they can book, we will write to them.</p>');
      }
      case 'GET /reminder':
        if (!account) return redirect(res, '/login');
        return page(res, 'Reminders', form(world, '/reminder', 'Remind me when I can book'));
      case 'POST /reminder':
        if (!account) return redirect(res, '/login');
        if (!csrfOk()) return page(res, 'Reminders', '<p>The form expired.</p>', 400);
        if (account.reminder) return page(res, 'Reminders', '<p>You have already asked for a reminder.</p>', 409);
        account.reminder = true;
        return page(res, 'Reminders', '<p>We will remind you.</p>');
      default:
        return page(res, 'Not found', '<p>There is no such page.</p>', 404);
    }
  });
  return { url: server.baseUrl, requests: () => requests, signups: () => signups, close: () => server.close() };
}

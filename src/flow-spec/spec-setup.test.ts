/**
 * Set-up a user can trust on a site with its own conventions: a seeding endpoint of its own that
 * wants a token header and answers the ids it assigned, a log-in form with the date of birth in
 * three fields that answers 200 with the form again when it refuses, and a page per customer id.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel } from '../engine/check.js';
import { isBookfuzzError } from '../errors.js';
import type { Model } from '../model/model.js';
import { oracles } from '../oracles/index.js';
import { createLiveSite } from '../http/create-live-site.js';
import { liveRunner } from '../live/live-runner.js';
import type { HttpBinding } from '../http/binding.js';
import { loadSpecModel } from './load-spec-model.js';
import { sideCanary } from './side-canaries.js';
import type { SpecWorld } from './spec-world.js';
import { renderString } from './template.js';

interface Person {
  nhsNumber: string;
  dateOfBirth: string;
  note: string;
  customerId: string;
}

const token = 'site-own-token';

/** The site: people by NHS number, the seed bodies it was sent, and whether it refuses every seed. */
interface ClinicSite {
  url: string;
  seeds: unknown[];
  echoes: string[];
  refuseSeeds: boolean;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function startClinic(): Promise<ClinicSite> {
  const people = new Map<string, Person>();
  const sessions = new Map<string, Person>();
  const site: ClinicSite = { url: '', seeds: [], echoes: [], refuseSeeds: false, close: async () => undefined };
  let maybe = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = await readBody(req);
      const html = (status: number, title: string, content: string, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'text/html', ...headers }).end(`<html><head><title>${title}</title></head><body>${content}<p>request ${randomBytes(4).toString('hex')}</p></body></html>`);
      const cookie = /sid=([a-f0-9]+)/.exec(req.headers.cookie ?? '')?.[1];
      const me = cookie ? sessions.get(cookie) : undefined;
      if (url.pathname === '/test-api/people' && req.method === 'POST') {
        if (req.headers['x-test-token'] !== token) return res.writeHead(403).end('no');
        if (site.refuseSeeds) return res.writeHead(409, { 'content-type': 'text/plain' }).end('those people are already registered');
        const sent = JSON.parse(body) as { people: { nhs: string; born: string; note: string }[] };
        site.seeds.push(sent);
        const ids: Record<string, string> = {};
        for (const p of sent.people) {
          const customerId = `C-${randomBytes(3).toString('hex')}`;
          people.set(p.nhs, { nhsNumber: p.nhs, dateOfBirth: p.born, note: p.note, customerId });
          ids[p.nhs] = customerId;
        }
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ids }));
      }
      if (url.pathname === '/login' && req.method === 'POST') {
        const form = new URLSearchParams(body);
        const person = people.get(form.get('nhs') ?? '');
        const born = `${form.get('year')}-${form.get('month')}-${form.get('day')}`;
        if (!person || person.dateOfBirth !== born) return html(200, 'Sign in', '<form method=post><p class=error>Those details do not match</p></form>');
        const sid = randomBytes(8).toString('hex');
        sessions.set(sid, person);
        return res.writeHead(302, { location: '/me', 'set-cookie': `sid=${sid}; Path=/; HttpOnly` }).end();
      }
      if (url.pathname === '/me') {
        if (!me) return res.writeHead(302, { location: '/login' }).end();
        return html(200, 'Your page', `<p>Customer <b id=customer>${me.customerId}</b></p><p class=note>${me.note}</p>`);
      }
      if (url.pathname.startsWith('/customers/')) {
        const ok = me !== undefined && url.pathname === `/customers/${me.customerId}`;
        return ok ? html(200, 'Your account', '<p>Account open</p>') : html(404, 'Not found', '<p>No such customer</p>');
      }
      if (url.pathname === '/maybe') return html(200, 'Maybe', ++maybe === 1 ? '<p id=ref>R-77</p>' : '<p>nothing today</p>');
      if (url.pathname === '/echo') {
        site.echoes.push(url.searchParams.get('v') ?? '');
        return html(200, 'Echo', '<p>ok</p>');
      }
      return html(404, 'Not found', '');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return site;
}

const spec = `name: clinic
title: Clinic
description: A clinic that seeds through its own test endpoint and assigns customer ids.
session: { cookie: sid }
identities:
  count: 2
  fields:
    note: { canary: Clinic note }
secrets:
  status: { field: doses, values: [0, 1], hiddenFrom: [patient] }
actors:
  patient:
    is: 0
    login:
      - method: POST
        path: /login
        form: { nhs: "{{self.nhsNumber}}", day: "{{self.dateOfBirth | day}}", month: "{{self.dateOfBirth | month}}", year: "{{self.dateOfBirth | year}}" }
        okIf: [{ path: /me }]
setup:
  seed:
    - method: POST
      path: /test-api/people
      headers: { x-test-token: "{{seedToken}}" }
      json:
        people: { $each: world.patients, as: p, do: { nhs: "{{p.nhsNumber}}", born: "{{p.dateOfBirth}}", note: "{{p.note}}" } }
      capture:
        customerId: { json: "/ids/{{patient.nhsNumber}}" }
actions:
  my-page:
    actors: [patient]
    requests: [{ path: /me }]
    okIf: [{ status: 200, bodyContains: "{{self.customerId}}" }]
  my-account:
    actors: [patient]
    requests: [{ path: "/customers/{{self.customerId}}" }]
  look:
    actors: [patient]
    requests: [{ path: /maybe, extract: { ref: { css: "#ref", optional: true } } }]
  echo:
    actors: [patient]
    requests: [{ path: "/echo?v={{extract.ref}}" }]
`;

let clinic: ClinicSite;
let model: Model;
let binding: HttpBinding<SpecWorld>;
const world = (seed: number): SpecWorld => fc.sample(model.world, { seed, numRuns: 1 })[0] as SpecWorld;

beforeAll(async () => {
  clinic = await startClinic();
  model = await loadSpecModel('/specs/clinic.yaml', { text: spec });
  binding = model.http as unknown as HttpBinding<SpecWorld>;
});
afterAll(async () => clinic.close());

describe('set-up through the site’s own endpoint, with values the site assigns', () => {
  it('sends the seed token where the spec says, keeps the ids the site assigned on their patients, and uses them later', async () => {
    const site = createLiveSite({ baseUrl: clinic.url, seedToken: token });
    const given = world(1);
    const setUp = (await binding.setup(given, site)) as SpecWorld;
    expect(setUp.patients.map((p) => p['customerId'])).toEqual(given.patients.map(() => expect.stringMatching(/^C-[0-9a-f]{6}$/)));
    const page = await binding.perform({ actor: 'patient', action: 'my-page', input: {} }, site, setUp);
    expect(page.outcome).toBe('ok');
    // The id the site assigned differs between sides: masked wherever it shows.
    expect(JSON.stringify(page.observation)).not.toContain(String(setUp.patients[0]?.['customerId']));
    const account = await binding.perform({ actor: 'patient', action: 'my-account', input: {} }, site, setUp);
    expect(account.outcome).toBe('ok');
    await site.close();
    const login = binding.outcomes?.().find((o) => o.what === 'log-in of patient');
    expect(login).toMatchObject({ phase: 'login', sent: 1, ok: 1, refused: 0 });
  });

  it('makes generated canaries unique to the run side on the site, and shows the world’s text to the oracles', async () => {
    clinic.seeds.length = 0;
    const given = world(2);
    const note = String(given.patients[0]?.['note']);
    const sides = [createLiveSite({ baseUrl: clinic.url, seedToken: token }), createLiveSite({ baseUrl: clinic.url, seedToken: token })];
    const observed: string[] = [];
    for (const site of sides) {
      const setUp = ((await binding.setup(given, site)) ?? given) as SpecWorld;
      observed.push(JSON.stringify((await binding.perform({ actor: 'patient', action: 'my-page', input: {} }, site, setUp)).observation));
      await site.close();
    }
    const sent = clinic.seeds.map((s) => (s as { people: { note: string }[] }).people[0]?.note);
    expect(sent).toHaveLength(2);
    expect(sent[0]).not.toBe(sent[1]);
    expect(sent[0]).not.toContain(note);
    expect(sent[0]).toMatch(/^Clinic note [0-9a-f]{8} p1x1$/);
    for (const text of observed) expect(text).toContain(note);
    expect(sideCanary('Clinic note p1x1', 'abcd1234')).toBe('Clinic note abcd1234 p1x1');
  });

  it('refuses to send {{seedToken}} when no seed token was given', async () => {
    const site = createLiveSite({ baseUrl: clinic.url });
    const error: unknown = await binding.setup(world(3), site).catch((e: unknown) => e);
    await site.close();
    expect(isBookfuzzError(error) && error.code).toBe('BF_USAGE');
    expect(String((error as Error).message)).toMatch(/no seed token was given: pass --seed-token/);
    expect((error as { where?: string }).where).toMatch(/^\/specs\/clinic\.yaml:\d+:\d+ setup\.seed\[0\]$/);
  });

  it('a missed optional extract clears the value instead of sending the previous one', async () => {
    const site = createLiveSite({ baseUrl: clinic.url, seedToken: token });
    const setUp = ((await binding.setup(world(4), site)) ?? world(4)) as SpecWorld;
    clinic.echoes.length = 0;
    for (const action of ['look', 'echo', 'look', 'echo']) await binding.perform({ actor: 'patient', action, input: {} }, site, setUp);
    await site.close();
    expect(clinic.echoes).toEqual(['R-77', '']);
  });
});

describe('a set-up or log-in the site refuses is counted and said, never a silent pass', () => {
  it('counts a refused log-in (the form came back with 200) with the page it got', async () => {
    const wrong = await loadSpecModel('/specs/clinic.yaml', { text: spec.replace('day: "{{self.dateOfBirth | day}}"', 'day: "{{self.dateOfBirth | slice(0, 2)}}"') });
    const wrongBinding = wrong.http as unknown as HttpBinding<SpecWorld>;
    const site = createLiveSite({ baseUrl: clinic.url, seedToken: token });
    const setUp = ((await wrongBinding.setup(world(5), site)) ?? world(5)) as SpecWorld;
    const page = await wrongBinding.perform({ actor: 'patient', action: 'my-page', input: {} }, site, setUp);
    await site.close();
    expect(page.outcome).toBe('refused');
    const login = wrongBinding.outcomes?.().find((o) => o.phase === 'login');
    expect(login).toMatchObject({ what: 'log-in of patient', sent: 1, ok: 0, refused: 1 });
    expect(login?.last).toMatch(/answered 200 at \/login .*\("Sign in"\)/);
    expect(wrongBinding.notes?.().join('\n')).toMatch(/log-in of patient: sent 1×, 0 ok, 1 refused/);
  });

  it('a run whose set-up the site refuses every time is inconclusive, with the request and the answer', async () => {
    clinic.refuseSeeds = true;
    try {
      const refused = await loadSpecModel('/specs/clinic.yaml', { text: spec });
      const refusedBinding = refused.http as unknown as HttpBinding<SpecWorld>;
      const runner = liveRunner({ model: refused, binding: refusedBinding, openSite: () => createLiveSite({ baseUrl: clinic.url, seedToken: token }) });
      const document = await checkModel(refused, oracles, { runs: 4, seed: 7, runner, oracles: ['indistinguishable'], describe: { variant: 'target', flaws: [] } });
      expect(document.status).toBe('inconclusive');
      expect(document.findings).toEqual([]);
      expect(document.reason).toMatch(/^set-up failed for 4 of 4 cases \(last: world A: seeding the world: POST \/test-api\/people answered 409 at \/test-api\/people: "those people are already registered"\)/);
      expect(document.notes?.join('\n')).toMatch(/set-up failed for 4 of 4 cases/);
      const seed = refusedBinding.outcomes?.().find((o) => o.phase === 'setup');
      expect(seed).toMatchObject({ what: 'seeding the world: POST /test-api/people', ok: 0 });
      expect(seed?.refused).toBeGreaterThanOrEqual(4);
      expect(seed?.where).toMatch(/clinic\.yaml:\d+:\d+ setup\.seed\[0\]$/);
    } finally {
      clinic.refuseSeeds = false;
    }
  });
});

describe('oracles with nothing to judge', () => {
  it('are not run, and the run says so: a spec without recordView or ends has no record views or ended sessions', async () => {
    const runner = liveRunner({ model, binding, openSite: () => createLiveSite({ baseUrl: clinic.url, seedToken: token }) });
    const document = await checkModel(model, oracles, { runs: 2, seed: 2, runner, describe: { variant: 'target', flaws: [] } });
    expect(document.oracles).not.toContain('audit-complete');
    expect(document.oracles).not.toContain('session-dies');
    expect(document.oracles).toContain('indistinguishable');
    expect(document.notes).toEqual(
      expect.arrayContaining([
        "audit-complete does not apply to this model (it needs record views (a spec action's `recordView`)): no cases were spent on it",
        "session-dies does not apply to this model (it needs steps that end a session (a spec action's `ends`)): no cases were spent on it",
      ]),
    );
  }, 60_000);
});

describe('template filters and forms of the spec a user writes', () => {
  it('refuses model mode for a spec without screens, saying what to use instead', async () => {
    const error: unknown = await checkModel(model, oracles, { runs: 5, seed: 1 }).catch((e: unknown) => e);
    expect(isBookfuzzError(error) && error.code).toBe('BF_USAGE');
    expect(String((error as Error).message)).toBe('model mode needs screens (or use fuzz): /specs/clinic.yaml has no screens');
  });

  it('splits a date and cuts a text', () => {
    const scope = { p: { dateOfBirth: '1984-03-07', nhsNumber: '9990001234' } };
    expect(renderString('{{p.dateOfBirth | day}}/{{p.dateOfBirth | month}}/{{p.dateOfBirth | year}}', { scope })).toBe('07/03/1984');
    expect(renderString('{{p.nhsNumber | slice(0, 3)}}-{{p.nhsNumber | slice(-4)}}', { scope })).toBe('999-1234');
    expect(renderString('{{p.nhsNumber | day}}', { scope })).toBe('');
  });

  it('says which filter takes what when its brackets are wrong', async () => {
    const error: unknown = await loadSpecModel('/specs/clinic.yaml', { text: spec.replace('| slice', '| x').replace('{{self.dateOfBirth | day}}', '{{self.dateOfBirth | slice}}') }).catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/filter "slice" in "\{\{self\.dateOfBirth \| slice\}\}" takes 1 to 2 whole numbers in brackets/);
    expect((error as { where?: string }).where).toMatch(/actors\.patient\.login\[0\]\.form/);
  });

  it('reads an empty `permits:` as none, takes pool rows written in the spec, and refuses `capture` outside set-up', async () => {
    const pooled = spec
      .replace(/identities:\n {2}count: 2\n {2}fields:\n {4}note: \{ canary: Clinic note \}\n/, 'identities:\n  count: 2\n  pool:\n    - { nhsNumber: "9990000018", dateOfBirth: "1970-01-02", doses: 0 }\n    - { nhsNumber: "9990000026", dateOfBirth: "1980-05-06", doses: 1 }\n    - { nhsNumber: "9990000034", dateOfBirth: "1990-07-08", doses: 1 }\n')
      .replace(', note: "{{p.note}}"', '')
      .concat('policy:\n  permits:\n');
    const model = await loadSpecModel('/specs/clinic.yaml', { text: pooled });
    const drawn = fc.sample(model.world, { seed: 1, numRuns: 5 }) as SpecWorld[];
    for (const w of drawn) for (const p of w.patients) expect(['9990000018', '9990000026', '9990000034']).toContain(p.identity['nhsNumber']);
    const misplaced: unknown = await loadSpecModel('/specs/clinic.yaml', { text: spec.replace('requests: [{ path: /me }]', 'requests: [{ path: /me, capture: { x: { css: b } } }]') }).catch((e: unknown) => e);
    expect(String((misplaced as Error).message)).toMatch(/`capture` keeps values on the patient set up: it belongs to set-up requests/);
  });
});

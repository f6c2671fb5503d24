import type { Entry, Har, PostData } from 'har-format';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { identityArb, type Identity } from '../identity/identity.js';
import { isValidNhsNumber } from '../identity/nhs-number.js';
import { startStagingSite } from '../staging/index.js';
import { importHar } from './import-har.js';
import { loadSpecModel } from './load-spec-model.js';
import { fuzzLive } from './spec-test-support.js';

const token = 'spec-test-token';

/** A tiny recording browser: undici fetch, a cookie jar by hand, every hop one HAR entry. */
class Recorder {
  entries: Entry[] = [];
  private jar = new Map<string, string>();
  constructor(private readonly base: string) {}

  async send(method: string, path: string, body?: { form?: Record<string, string>; json?: unknown }, headers: Record<string, string> = {}): Promise<{ status: number; text: string; location: string }> {
    const url = new URL(path, this.base).href;
    const sent: Record<string, string> = { ...headers };
    if (this.jar.size > 0) sent['cookie'] = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | undefined;
    let mimeType = '';
    if (body?.form) {
      payload = new URLSearchParams(body.form).toString();
      mimeType = 'application/x-www-form-urlencoded';
    } else if (body?.json !== undefined) {
      payload = JSON.stringify(body.json);
      mimeType = 'application/json';
    }
    if (payload !== undefined) sent['content-type'] = mimeType;
    const started = new Date();
    // HAR: form bodies as params, anything else as text (the two are exclusive).
    const postData: PostData | undefined = body?.form
      ? { mimeType, params: Object.entries(body.form).map(([name, value]) => ({ name, value })) }
      : payload !== undefined
        ? { mimeType, text: payload }
        : undefined;
    const response = await fetch(url, { method, headers: sent, redirect: 'manual', ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      if (name) this.jar.set(name.trim(), rest.join('='));
    }
    const location = response.headers.get('location') ?? '';
    const responseHeaders: { name: string; value: string }[] = [];
    response.headers.forEach((value, name) => responseHeaders.push({ name, value }));
    for (const c of response.headers.getSetCookie()) responseHeaders.push({ name: 'set-cookie', value: c });
    this.entries.push({
      startedDateTime: started.toISOString(),
      time: 1,
      request: {
        method,
        url,
        httpVersion: 'HTTP/1.1',
        cookies: [...this.jar].map(([name, value]) => ({ name, value })),
        headers: Object.entries(sent).map(([name, value]) => ({ name, value })),
        queryString: [],
        headersSize: -1,
        bodySize: payload?.length ?? 0,
        ...(postData ? { postData } : {}),
      },
      response: {
        status: response.status,
        statusText: response.statusText,
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: responseHeaders,
        content: { size: text.length, mimeType: response.headers.get('content-type') ?? '', text },
        redirectURL: location,
        headersSize: -1,
        bodySize: text.length,
      },
      cache: {},
      timings: { send: 0, wait: 1, receive: 0 },
    });
    return { status: response.status, text, location };
  }

  /** GET and follow redirects hop by hop, as a browser would. */
  async open(path: string): Promise<string> {
    let answer = await this.send('GET', path);
    while (answer.status >= 300 && answer.status < 400) answer = await this.send('GET', answer.location);
    return answer.text;
  }

  har(): Har {
    return { log: { version: '1.2', creator: { name: 'bookfuzz test recorder', version: '1' }, entries: this.entries } };
  }
}

describe('importHar: a recorded journey becomes a runnable spec', () => {
  it('imports, runs as is, and finds status-dependent-screen after marking the secret', async () => {
    const site = await startStagingSite({ flaws: ['status-dependent-screen'], seedToken: token });
    let yaml: string;
    try {
      const [one, two] = fc.sample(identityArb(), { seed: 4, numRuns: 2 });
      if (!one || !two) throw new Error('no identities');
      const browser = new Recorder(site.url);
      const world = {
        patients: [
          { id: 'p1', identity: one, doses: 1 },
          { id: 'p2', identity: two, doses: 0 },
        ],
        slots: ['2026-12-01 09:00 Leeds Town Hall'],
        bookings: [],
      };
      await browser.send('POST', '/__bookfuzz/seed', { json: { model: 'nhs-covid-booking', world } }, { 'x-bookfuzz-seed-token': token });
      const start = await browser.open('/nhs-covid-booking/');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(start)?.[1] ?? '';
      expect(csrf).not.toBe('');
      await browser.send('POST', '/nhs-covid-booking/identity', { form: { _csrf: csrf, nhsNumber: one.nhsNumber } });
      await browser.open('/nhs-covid-booking/booking-reference');
      // a static asset and another origin are dropped
      browser.entries.push({ ...structuredClone(browser.entries[1] as Entry), request: { ...(browser.entries[1] as Entry).request, url: `${site.url}/static/site.css` } });
      browser.entries.push({ ...structuredClone(browser.entries[1] as Entry), request: { ...(browser.entries[1] as Entry).request, url: 'https://analytics.example.com/collect' } });
      yaml = importHar(browser.har(), { name: 'recorded-booking' });
    } finally {
      await site.close();
    }
    expect(yaml).toContain('{{victim.nhsNumber}}');
    expect(yaml).toContain('{{extract.csrf}}');
    expect(yaml).toContain('input[name=_csrf]');
    expect(yaml).toContain('cookie: nhs_session');
    expect(yaml).not.toContain('site.css');
    expect(yaml).not.toContain('analytics');
    expect(yaml).toContain('secrets: {}');

    // As is: it loads and runs against the site it was recorded from, and says it could judge
    // nothing (nothing is secret yet), instead of passing.
    const asIs = await loadSpecModel('/tmp/recorded-booking.yaml', { text: yaml });
    const clean = await fuzzLive(asIs, { flaws: ['status-dependent-screen'], runs: 20 });
    expect(clean.findings).toEqual([]);
    expect(clean.status).toBe('inconclusive');
    expect(clean.reason).toMatch(/^no oracle applies to this model/);
    expect(clean.notes?.join('\n')).toMatch(/indistinguishable does not apply to this model \(it needs a secret/);

    // The one edit: mark the secret.
    const edited = yaml.replace('secrets: {}', 'secrets:\n  status: { field: doses, values: [0, 1, 2], hiddenFrom: [visitor] }');
    const marked = await loadSpecModel('/tmp/recorded-booking.yaml', { text: edited });
    const run = await fuzzLive(marked, { flaws: ['status-dependent-screen'], runs: 60 });
    expect(run.findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/visitor can tell the worlds apart after "send-identity"/));
    const fixed = await fuzzLive(marked, { flaws: [], runs: 100 });
    expect(fixed.findings).toEqual([]);
  });
});

/** One hand-made HAR entry. */
function entry(
  method: string,
  url: string,
  options: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string>; status?: number; html?: string; location?: string } = {},
): Entry {
  const postData: PostData | undefined = options.form
    ? { mimeType: 'application/x-www-form-urlencoded', params: Object.entries(options.form).map(([name, value]) => ({ name, value })) }
    : options.json !== undefined
      ? { mimeType: 'application/json', text: JSON.stringify(options.json) }
      : undefined;
  const text = options.html ?? '<!doctype html><p>ok</p>';
  return {
    startedDateTime: '2026-01-01T00:00:00.000Z',
    time: 1,
    request: {
      method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: Object.entries({ 'User-Agent': 'Mozilla/5.0', Accept: '*/*', ...(options.headers ?? {}) }).map(([name, value]) => ({ name, value })),
      queryString: [],
      headersSize: -1,
      bodySize: -1,
      ...(postData ? { postData } : {}),
    },
    response: {
      status: options.status ?? 200,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [{ name: 'set-cookie', value: 'app_session=abc; Path=/' }, ...(options.location ? [{ name: 'location', value: options.location }] : [])],
      content: { size: text.length, mimeType: 'text/html; charset=utf-8', text },
      redirectURL: options.location ?? '',
      headersSize: -1,
      bodySize: text.length,
    },
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
  };
}

const har = (entries: Entry[]): Har => ({ log: { version: '1.2', creator: { name: 'hand', version: '1' }, entries } });
const site = 'http://127.0.0.1:9';

interface ImportedSpec {
  identities: { count: number; idPrefix: string; fields?: Record<string, unknown> };
  actors: Record<string, { is?: number; login?: { path: string; form?: Record<string, string>; json?: unknown }[] }>;
  setup?: { seed: { method: string; path: string; headers?: Record<string, string>; json: unknown; expect?: number[] }[] };
  constants?: Record<string, unknown>;
  actions: Record<string, { target?: string; requests: { method: string; path: string; form?: Record<string, string>; json?: unknown }[] }>;
}

/** Import, check that the skeleton loads as a spec, and give it back parsed. */
async function imported(entries: Entry[]): Promise<{ yaml: string; spec: ImportedSpec }> {
  const yaml = importHar(har(entries), { name: 'hand-made' });
  await loadSpecModel('/tmp/hand-made.yaml', { text: yaml });
  return { yaml, spec: parse(yaml) as ImportedSpec };
}

describe('importHar: sites with their own conventions', () => {
  const [ann, ben, cat] = fc.sample(identityArb(), { seed: 7, numRuns: 3 });
  if (!ann || !ben || !cat) throw new Error('no identities');
  const person = (p: Identity, extra: Record<string, unknown>) => ({ nhs_no: p.nhsNumber, first_name: p.givenName, last_name: p.familyName, dob: p.dateOfBirth, email: p.email, ...extra });

  it('takes a seeding call by its shape: path, method and token header as recorded, other headers kept or dropped', async () => {
    const { spec, yaml } = await imported([
      entry('GET', `${site}/`, { headers: { 'x-tenant': 'demo' } }),
      entry('PUT', `${site}/internal/fixtures?replace=1`, {
        json: { tenant: 'demo', patients: [person(ann, { doses: 1, pin: 'Pin-4471' }), person(ben, { doses: 0, pin: 'Pin-9902' })] },
        headers: { Authorization: 'Bearer s3cr3t-abc', 'x-tenant': 'demo', 'x-harness-run': 'run-77f1', Cookie: 'app_session=abc', 'Content-Type': 'application/json', 'sec-fetch-mode': 'cors' },
        status: 204,
      }),
      entry('POST', `${site}/lookup`, { form: { nhs: ann.nhsNumber }, headers: { 'x-tenant': 'demo' } }),
    ]);
    expect(spec.setup?.seed).toEqual([
      {
        method: 'PUT',
        path: '/internal/fixtures?replace=1',
        headers: { authorization: 'Bearer {{seedToken}}', 'x-tenant': 'demo', 'x-harness-run': '{{seedToken}}' },
        json: {
          tenant: 'demo',
          patients: {
            $each: 'world.patients',
            as: 'p',
            do: {
              nhs_no: '{{p.nhsNumber}}',
              first_name: '{{p.givenName}}',
              last_name: '{{p.familyName}}',
              dob: '{{p.dateOfBirth}}',
              email: '{{p.email}}',
              doses: '{{p.doses}}',
              pin: '{{p.pin}}',
            },
          },
        },
        expect: [204],
      },
    ]);
    expect(spec.identities).toEqual({ count: 2, idPrefix: 'p', fields: { doses: { oneOf: [1, 0] }, pin: { oneOf: ['Pin-4471', 'Pin-9902'] } } });
    expect(yaml).not.toContain('s3cr3t');
    expect(yaml).not.toContain('run-77f1');
    expect(yaml).toContain('--seed-token <token>');
    expect(spec.actions['send-lookup']?.requests[1]?.form).toEqual({ nhs: '{{victim.nhsNumber}}' });
  });

  it("keeps bookfuzz's own patient shape as {{world.patients}}, on any path", async () => {
    const world = [
      { id: 'pt1', identity: { ...ann }, doses: 2 },
      { id: 'pt2', identity: { ...ben }, doses: 0 },
    ];
    const { spec } = await imported([entry('POST', `${site}/qa/seed`, { json: { people: world }, headers: { 'x-seed-token': 'tok' } }), entry('GET', `${site}/status?nhs=${ben.nhsNumber}`)]);
    expect(spec.setup?.seed[0]).toMatchObject({ path: '/qa/seed', headers: { 'x-seed-token': '{{seedToken}}' }, json: { people: '{{world.patients}}' } });
    expect(spec.identities).toMatchObject({ count: 2, idPrefix: 'pt', fields: { doses: { oneOf: [2, 0] } } });
    expect(spec.actions['open-status']).toMatchObject({ target: 'patient', requests: [{ method: 'GET', path: '/status?nhs={{victim.nhsNumber}}' }] });
  });

  it("writes a recorded person's id as the patient's number, id or a field of its own, never over the patient's id", async () => {
    const numbered = await imported([
      entry('POST', `${site}/seed`, { json: { people: [{ id: 1, ...person(ann, {}) }, { id: 2, ...person(ben, {}) }] }, headers: { 'x-seed-token': 't' } }),
      entry('POST', `${site}/find`, { form: { nhs: ben.nhsNumber } }),
    ]);
    expect(numbered.spec.setup?.seed[0]?.json).toMatchObject({ people: { do: { id: '{{index}}' } } });
    const chosen = await imported([
      entry('POST', `${site}/seed`, { json: { people: [{ id: 'a7f3-91', ...person(ann, {}) }, { id: 'c2e8-07', ...person(ben, {}) }] }, headers: { 'x-seed-token': 't' } }),
      entry('POST', `${site}/find`, { form: { nhs: ben.nhsNumber, ref: 'c2e8-07' } }),
    ]);
    expect(chosen.spec.setup?.seed[0]?.json).toMatchObject({ people: { do: { id: '{{p.recordedId}}' } } });
    expect(chosen.spec.identities).toEqual({ count: 2, idPrefix: 'p', fields: { recordedId: { oneOf: ['a7f3-91', 'c2e8-07'] } } });
    expect(chosen.spec.actions['send-find']?.requests[0]?.form).toEqual({ nhs: '{{victim.nhsNumber}}', ref: '{{victim.recordedId}}' });
  });

  it('is no seeding call when the list holds no people, or people the journey never names', async () => {
    const slots = entry('POST', `${site}/admin/slots`, { json: { slots: [{ at: '2026-12-01 09:00', site: 'Leeds' }] } });
    const strangers = entry('POST', `${site}/admin/people`, { json: { people: [person(cat, { doses: 1 })] }, headers: { 'x-api-key': 'k' } });
    const { spec } = await imported([slots, strangers, entry('POST', `${site}/lookup`, { form: { nhs: '9434765919' } })]);
    expect(spec.setup).toBeUndefined();
    expect(Object.keys(spec.actions)).toEqual(['send-slots', 'send-people', 'send-lookup']);
  });

  it("templates each value against the person it belongs to: the signed-in actor's as self, the person named as victim", async () => {
    const { spec } = await imported([
      entry('POST', `${site}/test/reset`, { json: { users: [person(ann, { password: 'Horse-Battery-1' }), person(ben, { password: 'Staple-Grape-2' }), person(cat, { password: 'Ocean-Lamp-3' })] }, headers: { 'x-seed-token': 't' } }),
      entry('GET', `${site}/login`),
      entry('POST', `${site}/login`, { form: { username: ann.email, password: 'Horse-Battery-1' }, status: 302, location: '/home' }),
      entry('GET', `${site}/home`),
      entry('GET', `${site}/family/add`),
      entry('POST', `${site}/family/add`, { form: { nhs: ben.nhsNumber, surname: ben.familyName.toUpperCase(), born: ben.dateOfBirth.split('-').reverse().join('/'), contact: ann.email } }),
    ]);
    expect(spec.actors['visitor']).toMatchObject({ is: 0, login: [{ path: '/login' }, { path: '/login', form: { username: '{{self.email}}', password: '{{self.password}}' } }] });
    expect(Object.keys(spec.actions)).toEqual(['send-add']);
    expect(spec.actions['send-add']?.target).toBe('patient');
    expect(spec.actions['send-add']?.requests.at(-1)?.form).toEqual({
      nhs: '{{victim.nhsNumber}}',
      surname: '{{victim.familyName | upper}}',
      born: '{{victim.dateOfBirth | day}}/{{victim.dateOfBirth | month}}/{{victim.dateOfBirth | year}}',
      contact: '{{self.email}}',
    });
  });

  it('names a second person of the same request by their place in the world, never as a second victim', async () => {
    const { spec } = await imported([
      entry('POST', `${site}/seed`, { json: [person(ann, {}), person(ben, {})], headers: { 'x-seed-token': 't' } }),
      entry('POST', `${site}/link`, { json: { child: { nhs: ben.nhsNumber }, parent: { nhs: ann.nhsNumber } } }),
    ]);
    expect(spec.setup?.seed[0]?.path).toBe('/seed');
    expect(spec.actions['send-link']?.requests[0]?.json).toEqual({ child: { nhs: '{{victim.nhsNumber}}' }, parent: { nhs: '{{world.patients.0.identity.nhsNumber}}' } });
  });

  it('recognises formats and parts: dashed, spaced, case, no space, three date fields, an unambiguous slice', async () => {
    const [year, month, day] = ann.dateOfBirth.split('-');
    const postcode = ann.postcode;
    const { spec } = await imported([
      entry('POST', `${site}/seed`, { json: { patients: [person(ann, { postcode }), person(ben, { postcode: ben.postcode })] }, headers: { 'x-seed-token': 't' } }),
      entry('POST', `${site}/verify`, {
        json: {
          nhs: ann.nhsNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1-$2-$3'),
          spaced: ann.nhsNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3'),
          nhsLast4: ann.nhsNumber.slice(6),
          name: `${ann.givenName} ${ann.familyName}`,
          given: ann.givenName.toLowerCase(),
          mail: ann.email.toUpperCase(),
          pc: postcode.replace(' ', ''),
          birth: { yyyy: year, mm: month, dd: day },
          note: 'no change',
          count: '1',
        },
      }),
    ]);
    expect(spec.actions['send-verify']?.requests[0]?.json).toEqual({
      nhs: '{{victim.nhsNumber | slice(0, 3)}}-{{victim.nhsNumber | slice(3, 6)}}-{{victim.nhsNumber | slice(6)}}',
      spaced: '{{victim.nhsNumber | spaced}}',
      nhsLast4: '{{victim.nhsNumber | slice(6)}}',
      name: '{{victim.givenName}} {{victim.familyName}}',
      given: '{{victim.givenName | lower}}',
      mail: '{{victim.email | upper}}',
      pc: '{{victim.postcode | nospace}}',
      birth: { yyyy: '{{victim.dateOfBirth | year}}', mm: '{{victim.dateOfBirth | month}}', dd: '{{victim.dateOfBirth | day}}' },
      note: 'no change',
      count: '1',
    });
  });

  it('leaves a part literal when it is ambiguous or too short to say whose it is', async () => {
    // Two people whose NHS numbers share their last four digits: the four digits name neither.
    const twin = { ...ben, nhsNumber: sameLastFour(ann.nhsNumber) };
    const { spec } = await imported([
      entry('POST', `${site}/seed`, { json: { patients: [person(ann, {}), person(twin, {})] }, headers: { 'x-seed-token': 't' } }),
      entry('POST', `${site}/check`, { form: { nhs: ann.nhsNumber, nhs_last4: ann.nhsNumber.slice(6), code: ann.nhsNumber.slice(2, 6) } }),
    ]);
    expect(spec.actions['send-check']?.requests[0]?.form).toEqual({ nhs: '{{victim.nhsNumber}}', nhs_last4: ann.nhsNumber.slice(6), code: ann.nhsNumber.slice(2, 6) });
  });
});

/** Another valid test-range NHS number with the same last four digits. */
function sameLastFour(nhs: string): string {
  for (let first6 = 999_000; first6 <= 999_999; first6++) {
    const candidate = `${first6}${nhs.slice(6)}`;
    if (candidate !== nhs && isValidNhsNumber(candidate)) return candidate;
  }
  throw new Error('none');
}

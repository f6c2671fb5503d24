import type { Entry, Har, PostData } from 'har-format';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identityArb } from '../identity/identity.js';
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

    // As is: it runs against the site it was recorded from (nothing secret, nothing to find).
    const asIs = await loadSpecModel('/tmp/recorded-booking.yaml', { text: yaml });
    const clean = await fuzzLive(asIs, { flaws: ['status-dependent-screen'], runs: 20 });
    expect(clean.findings).toEqual([]);
    expect(clean.stats.steps).toBeGreaterThan(0);

    // The one edit: mark the secret.
    const edited = yaml.replace('secrets: {}', 'secrets:\n  status: { field: doses, values: [0, 1, 2], hiddenFrom: [visitor] }');
    const marked = await loadSpecModel('/tmp/recorded-booking.yaml', { text: edited });
    const run = await fuzzLive(marked, { flaws: ['status-dependent-screen'], runs: 60 });
    expect(run.findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/visitor can tell the worlds apart after "send-identity"/));
    const fixed = await fuzzLive(marked, { flaws: [], runs: 100 });
    expect(fixed.findings).toEqual([]);
  });
});

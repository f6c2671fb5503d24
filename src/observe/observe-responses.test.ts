import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../http/types.js';
import { firstDifference } from './first-difference.js';
import { observeResponses } from './observe-responses.js';

function html(body: string, extra: Partial<HttpResponse> = {}): HttpResponse {
  return {
    status: 200,
    path: '/book',
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body,
    truncated: false,
    redirects: [],
    setCookies: [],
    timeMs: 12,
    ...extra,
  };
}

function page(o: { nonce: string; csrf: string; time: string; heading: string; extra?: string }): string {
  return `<!doctype html><html><head><title>Book a vaccination</title>
<meta name="csrf-token" content="${o.csrf}"><script nonce="${o.nonce}">var t = "${o.time}";</script>
<style nonce="${o.nonce}">h1{color:red}</style></head>
<body><main id="content"><h1 class="govuk-heading-l">${o.heading}</h1>
<p>Page generated at ${o.time}</p>
<form action="/bookings/1042/confirm?step=2" method="POST">
<input type="hidden" name="_csrf" value="${o.csrf}">
<input type="hidden" name="nonce" value="${o.nonce}">
<label for="n">NHS number</label><input id="n" name="nhsNumber" value="">
<button type="submit">Continue</button></form>${o.extra ?? ''}</main></body></html>`;
}

describe('observeResponses', () => {
  it('masks a header value the page echoes (a request id), response by response, and keeps the body as it was', () => {
    // All digits: the volatile masks alone would keep it, so only the echo rule can hide it.
    const echoed = (id: string): HttpResponse =>
      html(`<html><head><meta name="request-id" content="${id}"></head><body><p>Reference ${id} for support</p></body></html>`, {
        headers: { 'content-type': 'text/html', 'X-Request-Id': id },
      });
    const first = echoed('104729348821');
    const a = observeResponses([first], { echoedHeaders: ['x-request-id'] });
    const b = observeResponses([echoed('550918273364')], { echoedHeaders: ['X-Request-Id'] });
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toContain('Reference ‹x-request-id› for support');
    expect(first.body).toContain('104729348821');
    // Without the option the two differ; a value under 8 characters is never treated as an echo.
    expect(observeResponses([first])).not.toEqual(observeResponses([echoed('550918273364')]));
    const short = observeResponses([echoed('1234567')], { echoedHeaders: ['x-request-id'] });
    expect(JSON.stringify(short)).toContain('Reference 1234567 for support');
  });

  it('two pages that differ only in a nonce, a CSRF value and a timestamp give equal observations', () => {
    const a = observeResponses([html(page({ nonce: 'r4nd0mN0nce123456', csrf: 'c5rfT0kenAAAA1111BBBB', time: '2026-11-25T10:00:01Z', heading: 'Book your vaccination' }))]);
    const b = observeResponses([html(page({ nonce: 'Zq81nonceValue9x7k', csrf: 'Xy7TokenCCCC2222dddd9', time: '2026-11-25T10:07:45.123Z', heading: 'Book your vaccination' }))]);
    expect(firstDifference(a, b)).toBeNull();
    expect(a).toEqual(b);
  });

  it('two pages that differ in a screen heading do not', () => {
    const a = observeResponses([html(page({ nonce: 'n1', csrf: 'c1', time: '09:30', heading: 'Your booking reference' }))]);
    const b = observeResponses([html(page({ nonce: 'n1', csrf: 'c1', time: '09:30', heading: 'Answer some screening questions' }))]);
    expect(firstDifference(a, b)).toBe('responses[0].body.text[0]');
  });

  it('shows the skeleton: structure lines, templated form action, masked hidden values, visible text only', () => {
    const observation = observeResponses([html(page({ nonce: 'n0nce0000aaaa1111', csrf: 'c5rf', time: '10:00', heading: 'Book' }))]);
    const response = (observation['responses'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    const body = response['body'] as { title: string; structure: string[]; text: string[] };
    expect(body.title).toBe('Book a vaccination');
    expect(body.structure).toContain('      form[action=/bookings/{n}/confirm?step={n}][method=post]');
    expect(body.structure).toContain('        input[type=hidden][name=_csrf][value=‹token›]');
    expect(body.structure).toContain('    meta[name=csrf-token][content=‹token›]');
    expect(body.structure.some((line) => line.includes('script') || line.includes('style'))).toBe(false);
    expect(body.text).toEqual(['Book', 'Page generated at ‹time›', 'NHS number', 'Continue']);
    expect(response['headers']).toEqual({ 'content-type': 'text/html; charset=utf-8' });
    expect(response['length']).toBe('512-1023');
  });

  it('replaces the values the actor typed by placeholders, and keeps NHS numbers and family names it did not type', () => {
    const body = `<h1>Booking for Zoë Ōkawa-Smith</h1><p>NHS number 999 000 0018</p>
      <p>Also registered: Tama Ngata, NHS number 9990000026, NHI ZZZ0024, tama.ngata@example.test</p>
      <input type="hidden" name="patient" value="9990000026">`;
    const observation = observeResponses([html(body, { path: '/lookup/9990000018' })], {
      typed: { nhsNumber: '999 000 0018', givenName: 'Zoë', familyName: 'Ōkawa-Smith', nhsDigits: '9990000018' },
    });
    const text = JSON.stringify(observation);
    expect(text).toContain('Booking for ‹givenName› ‹familyName›');
    expect(text).toContain('NHS number ‹nhsNumber›');
    // Both typed values are one NHS number in two formats: the longer one's placeholder wins.
    expect(text).toContain('/lookup/‹nhsNumber›');
    for (const canary of ['Ngata', '9990000026', 'ZZZ0024', 'tama.ngata@example.test']) expect(text).toContain(canary);
    expect(text).toContain('input[type=hidden][name=patient][value=9990000026]');
  });

  it('keeps JSON values (booleans, enums, numbers) and masks volatile ones', () => {
    const response: HttpResponse = {
      ...html(''),
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ vaccinated: true, doses: 1, status: 'second-dose-due', at: '2026-11-25T10:00:00Z', ts: 1764064800000, nhs: 9990000018, id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' }),
    };
    const observation = observeResponses([response]);
    expect((observation['responses'] as Record<string, unknown>[])[0]?.['body']).toEqual({
      type: 'json',
      value: { vaccinated: true, doses: 1, status: 'second-dose-due', at: '‹time›', ts: '‹time›', nhs: 9990000018, id: '‹uuid›' },
    });
    const other = observeResponses([{ ...response, body: response.body.replace('true', 'false') }]);
    expect(firstDifference(observation, other)).toBe('responses[0].body.value.vaccinated');
  });

  it('observes redirects, cookies, status and headers: templates with query values, cookie shapes, header values', () => {
    const observation = observeResponses([
      html('', {
        status: 302,
        path: '/bookings/77?confirm=yes',
        headers: { 'content-type': 'text/plain', location: '/bookings/77/done?ref=BK1', 'set-cookie': 'sid=abc', 'x-request-id': 'r-1234', 'content-length': '0', connection: 'keep-alive' },
        redirects: [{ status: 303, from: '/bookings', location: '/bookings/77?confirm=yes' }],
        setCookies: ['sid', 'csrf', 'sid'],
      }),
    ]);
    expect(observation).toEqual({
      responses: [
        {
          status: 302,
          path: '/bookings/{n}?confirm=yes',
          redirects: [{ status: 303, location: '/bookings/{n}?confirm=yes' }],
          // csrf is named by the response but has no Set-Cookie line of its own.
          cookies: { csrf: '‹set›', sid: 'abc' },
          headers: { 'content-type': 'text/plain', location: '/bookings/{n}/done?ref=BK1', 'x-request-id': 'r-1234' },
          body: { type: 'empty' },
          length: '<256',
        },
      ],
    });
  });

  it('parses invalid HTML the way a browser would, without throwing', () => {
    const broken = '<p>Open <b>bold <i>both</b> still</i><table><td>cell</div><span>text outside</table></unknown><!-- note 9990000018 -->\u0000\uFFFD';
    const observation = observeResponses([html(broken, { truncated: true })]);
    const response = (observation['responses'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    const body = response['body'] as { text: string[]; comments: string[] };
    expect(body.text.join(' | ')).toContain('cell');
    expect(body.text.join(' | ')).toContain('text outside');
    expect(body.comments).toEqual(['note 9990000018']);
    expect(response['truncated']).toBe(true);
  });

  it('reads text and undeclared bodies sensibly', () => {
    const plain = observeResponses([html('line one at 10:30\n\n  line   two ', { headers: { 'content-type': 'text/plain' } })]);
    expect((plain['responses'] as Record<string, unknown>[])[0]?.['body']).toEqual({ type: 'text', text: ['line one at ‹time›', 'line two'] });
    const bad = observeResponses([html('{not json', { headers: { 'content-type': 'application/json' } })]);
    expect((bad['responses'] as Record<string, unknown>[])[0]?.['body']).toEqual({ type: 'text', invalidJson: true, text: ['{not json'] });
    const pdf = observeResponses([html('%PDF-1.7', { headers: { 'content-type': 'application/pdf' } })]);
    expect((pdf['responses'] as Record<string, unknown>[])[0]?.['body']).toEqual({ type: 'binary', mediaType: 'application/pdf' });
  });

  it('reads a page from its masked text: pages equal once masked read the same, whichever was observed first', () => {
    // Read from the raw page, the first would join "12345" and its token into text holding a
    // 10-digit number and keep it; masked first, both read "12345‹token›".
    const first = html('<p>12345<b>67890abcdefghijkl</b></p><a href="/bookings/3f2504e0-4f89-11d3-9a0c-0305e82c3301">Booking</a>');
    const second = html('<p>12345<b>xbcdefghijk12345x</b></p><a href="/bookings/9a7c2e41-b84d-4f9a-8c1c-3f9a7c2e41b8">Booking</a>');
    const a = observeResponses([first]);
    const b = observeResponses([second]);
    const again = observeResponses([first]);
    expect(a).toEqual(b);
    expect(again).toEqual(a);
    const body = (a['responses'] as Record<string, unknown>[])[0]?.['body'] as { text: string[]; structure: string[] };
    expect(body.text).toEqual(['12345‹token›', 'Booking']);
    // A link's UUID reads as the same template as in a path or a Location header.
    expect(body.structure).toContain('    a[href=/bookings/{uuid}]');
    expect(Object.isFrozen(body.structure)).toBe(true);
  });

  it('masks typed values in the text of a page read before without them, even split across tags', () => {
    const split = html('<p>Booking for Sm<b>ith</b></p><p>Ref 4471</p>');
    const text = (o: Record<string, unknown>): string[] => ((o['responses'] as Record<string, unknown>[])[0]?.['body'] as { text: string[] }).text;
    expect(text(observeResponses([split]))).toEqual(['Booking for Smith', 'Ref 4471']);
    expect(text(observeResponses([split], { typed: { familyName: 'Smith' } }))).toEqual(['Booking for ‹familyName›', 'Ref 4471']);
    // Typed values the page does not show change nothing.
    expect(text(observeResponses([split], { typed: { familyName: 'Jones', code: '123456' } }))).toEqual(['Booking for Smith', 'Ref 4471']);
    expect(text(observeResponses([split]))).toEqual(['Booking for Smith', 'Ref 4471']);
  });
});

describe('observeResponses: every channel of every hop', () => {
  const first = (o: Record<string, unknown>): Record<string, unknown> => (o['responses'] as Record<string, unknown>[])[0] as Record<string, unknown>;

  /** A followed 302 that still renders the record (PHP `header()` without `exit`), then the log-in page. */
  function chain(hopBody: string, status = 'registered', sid = '3f9a7c2e41b84d0f9a1c3f9a7c2e41b8'): HttpResponse {
    return html('<h1>Log in</h1>', {
      path: '/login?next=%2Frecords%2F7',
      redirects: [{ status: 302, from: '/records/7', location: '/login?next=%2Frecords%2F7' }],
      hops: [
        {
          status: 302,
          headers: { 'content-type': 'text/html', location: '/login?next=%2Frecords%2F7', 'x-patient-status': status, 'set-cookie': `sid=${sid}; Path=/; HttpOnly` },
          body: hopBody,
          truncated: false,
          bodyBytes: Buffer.byteLength(hopBody),
        },
      ],
    });
  }

  it('the body of a followed redirect is observed: a 302 that renders the record differs from one that does not', () => {
    const leaky = observeResponses([chain('<h1>Record</h1><p>Dose 2 given</p>')]);
    const clean = observeResponses([chain('')]);
    expect(firstDifference(leaky, clean)).toBe('responses[0].redirects[0].body.type');
    const hop = (first(leaky)['redirects'] as Record<string, unknown>[])[0];
    expect(hop).toMatchObject({
      status: 302,
      location: '/login?next=/records/{n}',
      headers: { 'content-type': 'text/html', location: '/login?next=/records/{n}', 'x-patient-status': 'registered' },
      cookies: { sid: '‹hex{32}›; httponly; path=/' },
      body: { type: 'html', text: ['Record', 'Dose 2 given'] },
      length: '<256',
    });
  });

  it('a header whose value depends on the secret differs; a rotating session id does not', () => {
    const registered = observeResponses([chain('', 'registered', 'aaaaaaaaaaaaaaaa1111111111111111')]);
    expect(observeResponses([chain('', 'registered', '0123456789abcdef0123456789abcdef')])).toEqual(registered);
    expect(firstDifference(registered, observeResponses([chain('', 'unregistered')]))).toBe('responses[0].redirects[0].headers.x-patient-status');
  });

  it('observes header names and values, leaving out transport headers and masking volatile values', () => {
    const response = html('', {
      headers: {
        'Content-Type': 'text/plain',
        Date: 'Mon, 07 Dec 2026 08:48:49 GMT',
        'Content-Length': '0',
        Connection: 'keep-alive',
        'Keep-Alive': 'timeout=5',
        'Transfer-Encoding': 'chunked',
        'X-Request-Id': '3f9a7c2e41b84d0f9a1c',
        'Server-Timing': 'db;dur=53.2',
        'X-Patient-Status': 'vaccinated',
        'Cache-Control': 'no-store',
      },
    });
    expect(first(observeResponses([response]))['headers']).toEqual({
      'cache-control': 'no-store',
      'content-type': 'text/plain',
      date: '‹date› ‹time› GMT',
      'server-timing': 'db;dur=‹n›',
      'x-patient-status': 'vaccinated',
      'x-request-id': '‹token›',
    });
  });

  it('observes Set-Cookie names, attributes and value shapes; short readable values as they are', () => {
    const response = html('', {
      headers: {
        'content-type': 'text/html',
        'set-cookie': [
          'status=registered; Path=/; SameSite=Lax',
          'sid=Zq81nonceValue9x7kZq81nonceValue9x7kAbCdEfG; Path=/; HttpOnly; Secure',
          'gone=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
          'pair=a; Path=/a',
          'pair=b; Path=/b',
        ].join('\n'),
      },
    });
    expect(first(observeResponses([response]))['cookies']).toEqual({
      gone: '; expires=‹date› ‹time› GMT; max-age=0',
      pair: 'a; path=/a\nb; path=/b',
      sid: '‹b64{43}›; httponly; path=/; secure',
      status: 'registered; path=/; samesite=lax',
    });
    const other = { ...response, headers: { ...response.headers, 'set-cookie': (response.headers['set-cookie'] ?? '').replace('registered', 'vaccinated') } };
    expect(firstDifference(observeResponses([response]), observeResponses([other]))).toBe('responses[0].cookies.status');
  });

  it('a binary body shows its exact size: a badge image whose size depends on the secret differs', () => {
    const badge = (bytes: number): HttpResponse => html('\uFFFDPNG'.padEnd(bytes / 2, 'x'), { headers: { 'content-type': 'image/png' }, bodyBytes: bytes });
    const a = first(observeResponses([badge(1200)]));
    expect(a['body']).toEqual({ type: 'binary', mediaType: 'image/png' });
    expect(a['length']).toBe(1200);
    expect(first(observeResponses([badge(1240)]))['length']).toBe(1240);
    // An opaque text (one long line, no spaces) too; text with structure keeps the coarse bucket.
    const blob = (n: number): HttpResponse => html('A1b2'.repeat(n), { headers: { 'content-type': 'text/plain' } });
    expect(first(observeResponses([blob(30)]))['length']).toBe(120);
    expect(first(observeResponses([html('line one\nline two', { headers: { 'content-type': 'text/plain' } })]))['length']).toBe('<256');
  });
});

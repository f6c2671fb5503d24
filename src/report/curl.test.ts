import { describe, expect, it } from 'vitest';
import type { Finding } from '../engine/finding.js';
import { keptAt } from '../http/redact.js';
import { renderCurl } from './curl.js';

const exchange = (over: Record<string, unknown>) => ({
  actor: 'visitor',
  method: 'GET',
  path: '/nhs-covid-booking/',
  requestHeaders: {},
  status: 200,
  redirects: [],
  responseHeaders: {},
  bodyBytes: 100,
  timeMs: 1,
  ...over,
});

const form = { 'content-type': 'application/x-www-form-urlencoded' };

const finding = {
  id: 'abc',
  oracle: 'indistinguishable',
  model: 'nhs-covid-booking',
  message: "visitor can tell O'Brien apart",
  steps: [
    { actor: 'visitor', action: 'open-service', input: {} },
    { actor: 'visitor', action: 'submit-identity', input: { patient: 0 }, typed: { nhsNumber: '9990000018', password: 'pw' } },
  ],
  counterexample: { world: { patients: [] }, secret: '', variation: null, steps: [] },
  observations: {
    a: [
      { exchanges: [exchange({ actor: '__setup', method: 'POST', path: '/__bookfuzz/seed', requestHeaders: { 'content-type': 'application/json', 'x-bookfuzz-seed-token': '‹redacted›' }, requestBody: '{"world":1}' }), exchange({})] },
      {
        exchanges: [
          exchange({
            method: 'POST',
            path: '/nhs-covid-booking/identity',
            requestHeaders: form,
            requestBody: '_csrf=‹redacted›&nhsNumber=9990000018&password=‹redacted›&secret=‹redacted›',
          }),
        ],
      },
    ],
    b: [],
  },
} as unknown as Finding;

const curlLines = (script: string) => script.split('\n').filter((l) => l.startsWith('curl '));

describe('renderCurl', () => {
  it('replays every hop with a cookie jar per actor, tokens re-read from the page, typed values filled in, the rest from variables checked first', () => {
    const script = renderCurl(finding, 'http://127.0.0.1:8080') ?? '';
    expect(script).toMatch(/^#!\/bin\/sh/);
    expect(script).toContain('TARGET="${1:-http://127.0.0.1:8080}"');
    expect(script).toContain('-H "x-bookfuzz-seed-token: ${BOOKFUZZ_SEED_TOKEN}"');
    expect(script).toContain(': "${BOOKFUZZ_SEED_TOKEN:?set BOOKFUZZ_SEED_TOKEN: the --seed-token of the run (sent as x-bookfuzz-seed-token)}"');
    expect(script).toContain(`--data-urlencode "_csrf=$(field 'visitor' '_csrf')"`);
    expect(script).toContain(`--data-urlencode 'nhsNumber=9990000018'`);
    expect(script).toContain(`--data-urlencode 'password=pw'`);
    expect(script).toContain('--data-urlencode "secret=${BOOKFUZZ_SECRET}"');
    expect(script).toContain(': "${BOOKFUZZ_SECRET:?set BOOKFUZZ_SECRET: secret sent in step 2 by visitor}"');
    expect(script).toContain(`-b "$jars/visitor.jar" -c "$jars/visitor.jar"`);
    expect(script).toContain("# bookfuzz finding abc (indistinguishable, nhs-covid-booking): visitor can tell O'Brien apart");
    expect(curlLines(script)).toHaveLength(3);
    // The variables are checked before the first request.
    expect(script.indexOf(': "${BOOKFUZZ_SECRET')).toBeLessThan(script.indexOf('curl '));
  });

  it("keeps the spec's own headers (a token header as the seed token's variable, other values as sent; not the cookie jar's)", () => {
    const script = renderCurl(
      {
        ...finding,
        observations: {
          a: [{ exchanges: [exchange({ actor: '__setup', method: 'POST', path: '/api/seed', requestHeaders: { 'content-type': 'application/json', 'x-seed-token': '‹redacted›', 'x-clinic': 'north', cookie: 'sid=‹redacted›' }, requestBody: '{"people":[]}' })] }, {}],
          b: [],
        },
      } as unknown as Finding,
      'http://x',
    ) ?? '';
    expect(script).toContain(`-H "x-seed-token: \${BOOKFUZZ_SEED_TOKEN}" -H 'x-clinic: north'`);
    expect(script).not.toContain('cookie:');
    expect(script).toContain(`--data-binary '{"people":[]}'`);
  });

  it('fills a change of password from what the finding keeps: the old one from the person, the new one from the inputs', () => {
    const withPasswords = {
      ...finding,
      steps: [
        { actor: 'patient', action: 'change-password', input: { newPassword: 'New-pw-1' }, typed: { 'self.password': keptAt('world.patients[0].password'), 'input.newPassword': keptAt('steps[0].input.newPassword') } },
      ],
      counterexample: { world: { patients: [{ id: 'p1', password: 'Gen-pw-1' }] }, secret: '', variation: null, steps: [{ actor: 'patient', action: 'change-password', input: { newPassword: 'New-pw-1' } }] },
      observations: {
        a: [
          {
            exchanges: [
              exchange({ actor: '__setup', method: 'POST', path: '/seed', requestHeaders: { 'content-type': 'application/json' }, requestBody: '{"patients":[{"id":"p1","password":"‹redacted›"}]}' }),
              exchange({ actor: 'patient', method: 'POST', path: '/login', requestHeaders: form, requestBody: 'password=‹redacted›' }),
              exchange({ actor: 'patient', method: 'POST', path: '/password', requestHeaders: form, requestBody: '_csrf=‹redacted›&oldPassword=‹redacted›&newPassword=‹redacted›&confirmPassword=‹redacted›' }),
            ],
          },
        ],
        b: [],
      },
    } as unknown as Finding;
    const script = renderCurl(withPasswords, 'http://x') ?? '';
    expect(script).toContain(`--data-binary '{"patients":[{"id":"p1","password":"Gen-pw-1"}]}'`);
    expect(script).toContain(`--data-urlencode 'password=Gen-pw-1'`);
    expect(script).toContain(`--data-urlencode 'oldPassword=Gen-pw-1' --data-urlencode 'newPassword=New-pw-1' --data-urlencode 'confirmPassword=New-pw-1'`);
    expect(script).not.toContain('BOOKFUZZ_');
  });

  it('gives each credential the finding does not keep its own variable, named after where it was sent', () => {
    const twoPasswords = {
      ...finding,
      steps: [
        { actor: 'gp', action: 'sign-in', input: {}, typed: { 'actor.password': '‹redacted›' } },
        { actor: 'admin', action: 'sign-in', input: {}, typed: { 'actor.pin': '‹redacted›' } },
      ],
      observations: {
        a: [
          { exchanges: [exchange({ actor: 'gp', method: 'POST', path: '/login', requestHeaders: form, requestBody: 'password=‹redacted›' })] },
          { exchanges: [exchange({ actor: 'admin', method: 'POST', path: '/login', requestHeaders: form, requestBody: 'password=‹redacted›&pin=‹redacted›' }), exchange({ actor: 'admin', method: 'GET', path: '/search?token=‹redacted›&q=a' })] },
        ],
        b: [],
      },
    } as unknown as Finding;
    const script = renderCurl(twoPasswords, 'http://x') ?? '';
    const lines = curlLines(script);
    expect(lines[0]).toContain('--data-urlencode "password=${BOOKFUZZ_PASSWORD}"');
    // The admin's password is not the GP's: a variable of its own.
    expect(lines[1]).toContain('--data-urlencode "password=${BOOKFUZZ_PASSWORD_2}" --data-urlencode "pin=${BOOKFUZZ_PIN}"');
    expect(lines[2]).toContain('"$TARGET""/search?token=${BOOKFUZZ_TOKEN}&q=a"');
    expect(script).toMatch(/^: "\$\{BOOKFUZZ_PASSWORD:\?set BOOKFUZZ_PASSWORD: password sent in step 1 by gp \(actor\.password\)\}"$/m);
  });

  it('sends a bearer token taken from the last JSON answer of the actor that held one', () => {
    const bearer = {
      ...finding,
      steps: [{ actor: 'app', action: 'records', input: {} }],
      observations: {
        a: [
          {
            exchanges: [
              exchange({ actor: 'app', method: 'POST', path: '/api/login', requestHeaders: { 'content-type': 'application/json' }, requestBody: '{"user":"u"}' }),
              exchange({ actor: 'app', method: 'GET', path: '/api/records', requestHeaders: { authorization: 'Bearer ‹redacted›' } }),
            ],
          },
        ],
        b: [],
      },
    } as unknown as Finding;
    const script = renderCurl(bearer, 'http://x') ?? '';
    expect(script).toContain(`-H "authorization: Bearer $(token 'app')"`);
    expect(script).toContain(`remember 'app'`);
    expect(script).toMatch(/^token\(\) \{/m);
  });

  it('gives nothing for a model-mode finding', () => {
    expect(renderCurl({ ...finding, observations: { a: [{}, {}], b: [] } } as unknown as Finding, 'http://x')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { buildFinding, type Finding } from './finding.js';
import type { Trace } from '../model/trace.js';
import type { JsonObject } from '../model/json.js';
import { renderFinding } from '../report/console.js';
import { findingSummary } from '../report/finding-summary.js';
import { isCredentialKey, keptAt, REDACTED } from '../http/redact.js';
import { redactFinding } from './redact-finding.js';

const seedToken = 'seed-7Hq2-zz';
const gpPassword = 'Surgery-Pass-2026';
const poolPassword = 'Pool-row-pw-41';
const generated = 'Generated-pw-1';

/** A live finding as the engine builds it, before redaction: every kind of credential in it. */
function rawFinding(): Finding {
  const world = {
    patients: [
      { id: 'p1', identity: { familyName: 'Okafor-Brin', postcode: 'LS1 4AP' }, password: generated },
      { id: 'p2', identity: { familyName: 'Tane-Wyn' }, password: poolPassword, pin: '4921' },
    ],
  };
  const exchanges: JsonObject[] = [
    { actor: '__setup', method: 'POST', path: `/api/seed?key=${seedToken}`, requestHeaders: { 'x-admin': seedToken, 'content-type': 'application/json' }, requestBody: `{"token":"${seedToken}","patients":[]}`, status: 200, redirects: [], responseHeaders: {}, bodyBytes: 2, timeMs: 1 },
    {
      actor: 'gp',
      method: 'POST',
      path: '/login',
      requestHeaders: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer eyJhbGciOi.abc.def' },
      requestBody: `user=gp1&password=${encodeURIComponent(gpPassword)}`,
      status: 302,
      redirects: [{ status: 302, from: '/login', location: '/home?session_token=s3ss10n' }],
      responseHeaders: { 'set-cookie': 'sid=abcdef0123456789; Path=/; HttpOnly', 'x-auth-token': 'tok-9f8e' },
      bodyBytes: 0,
      timeMs: 1,
    },
  ];
  const observation: JsonObject = {
    outcome: 'ok',
    responses: [
      {
        status: 200,
        cookies: { auth_token: 'short1; httponly; path=/', theme: 'dark; path=/' },
        body: { type: 'json', value: { accessToken: 'abc.def.ghi', name: 'Okafor-Brin', note: `welcome back, your password is ${gpPassword}` } },
      },
    ],
    exchanges,
  };
  return {
    id: 'f1',
    model: 'clinic',
    variant: 'target',
    flaws: [],
    oracle: 'no-canary-leak',
    severity: 'high',
    message: `gp saw Tane-Wyn after logging in with ${gpPassword}`,
    secret: { name: '', variation: null },
    steps: [{ actor: 'gp', action: 'search', input: { q: 'a' }, typed: { 'actor.password': gpPassword, 'victim.password': generated, 'victim.familyName': 'Tane-Wyn' } }],
    observations: { a: [observation], b: [observation] },
    firstDifference: { step: 1, field: 'responses[0].body.value.accessToken', a: 'abc.def.ghi', b: 'abc.def.ghj' },
    worlds: { a: world, b: world, differences: [{ path: 'patients[1].password', a: poolPassword, b: 'Other-pool-pw' }] },
    seed: 1,
    path: '0',
    excluded: [],
    counterexample: { world, secret: '', variation: null, steps: [{ actor: 'gp', action: 'search', input: { q: 'a' } }] },
    evidence: { value: 'Tane-Wyn', owner: 'p2', canaryField: 'familyName', token: 'ev-tok-123' },
  } as unknown as Finding;
}

describe('redactFinding', () => {
  const finding = redactFinding(rawFinding(), { values: [seedToken] });
  const shown = (f: Finding) => {
    const { counterexample: _, ...rest } = f;
    return JSON.stringify(rest);
  };

  it('the seed token: by header name, by JSON key, and by value wherever else it went (a header of any name, a query string)', () => {
    const seed = (finding.observations.a[0]?.['exchanges'] as JsonObject[])[0] as JsonObject;
    expect(seed['path']).toBe('/api/seed?key=‹redacted›');
    expect((seed['requestHeaders'] as JsonObject)['x-admin']).toBe(REDACTED);
    expect(JSON.parse(String(seed['requestBody']))).toEqual({ token: REDACTED, patients: [] });
    expect(shown(finding)).not.toContain(seedToken);
  });

  it('credentials of an actor given in the spec or on the command line: typed values, log-in form values, and the same text elsewhere', () => {
    expect(finding.steps[0]?.typed?.['actor.password']).toBe(REDACTED);
    const login = (finding.observations.a[0]?.['exchanges'] as JsonObject[])[1] as JsonObject;
    expect(login['requestBody']).toBe(`user=gp1&password=${REDACTED}`);
    expect(finding.message).toBe(`gp saw Tane-Wyn after logging in with ${REDACTED}`);
    expect(shown(finding)).not.toContain(gpPassword);
  });

  it("a synthetic person's generated password is kept where replay needs it, and only there", () => {
    expect(finding.steps[0]?.typed?.['victim.password']).toBe(keptAt('world.patients[0].password'));
    expect((finding.counterexample.world as JsonObject)['patients']).toEqual(rawFinding().counterexample.world['patients' as never]);
    expect(shown(finding)).not.toContain(generated);
    // Not a credential: kept as it is.
    expect(finding.steps[0]?.typed?.['victim.familyName']).toBe('Tane-Wyn');
  });

  it("pool rows' passwords and PINs in the worlds shown and their differences", () => {
    const patients = finding.worlds.a['patients'] as JsonObject[];
    expect(patients[1]).toMatchObject({ password: REDACTED, pin: REDACTED, identity: { familyName: 'Tane-Wyn' } });
    expect(finding.worlds.differences).toEqual([{ path: 'patients[1].password', a: REDACTED, b: REDACTED }]);
    expect(shown(finding)).not.toContain(poolPassword);
  });

  it('tokens and cookies the site issued: Set-Cookie values, authorization and token headers, bearer tokens in JSON answers, session ids in redirects', () => {
    const login = (finding.observations.a[0]?.['exchanges'] as JsonObject[])[1] as JsonObject;
    expect(login['requestHeaders']).toMatchObject({ authorization: `Bearer ${REDACTED}` });
    expect(login['responseHeaders']).toEqual({ 'set-cookie': `sid=${REDACTED}; Path=/; HttpOnly`, 'x-auth-token': REDACTED });
    expect(login['redirects']).toEqual([{ status: 302, from: '/login', location: `/home?session_token=${REDACTED}` }]);
    const response = (finding.observations.a[0]?.['responses'] as JsonObject[])[0] as JsonObject;
    expect(response['cookies']).toEqual({ auth_token: `${REDACTED}; httponly; path=/`, theme: 'dark; path=/' });
    expect(response['body']).toEqual({ type: 'json', value: { accessToken: REDACTED, name: 'Okafor-Brin', note: `welcome back, your password is ${REDACTED}` } });
    expect(finding.firstDifference).toEqual({ step: 1, field: 'responses[0].body.value.accessToken', a: REDACTED, b: REDACTED });
    expect(finding.evidence).toEqual({ value: 'Tane-Wyn', owner: 'p2', canaryField: 'familyName', token: REDACTED });
    for (const text of ['eyJhbGciOi', 'abcdef0123456789', 'tok-9f8e', 's3ss10n', 'abc.def.ghi', 'short1']) expect(shown(finding)).not.toContain(text);
  });

  it('data that only looks like a credential stays: postcodes, booking codes, the oracle fields', () => {
    expect(isCredentialKey('postcode')).toBe(false);
    expect(isCredentialKey('bookingCode')).toBe(false);
    expect(isCredentialKey('spinning')).toBe(false);
    for (const key of ['password', 'newPassword', 'user_pin', 'smsOtp', 'x-api-key', 'verificationCode', 'code', 'accessToken']) expect(isCredentialKey(key)).toBe(true);
    expect((finding.worlds.a['patients'] as JsonObject[])[0]).toMatchObject({ identity: { postcode: 'LS1 4AP' } });
  });

  it('is idempotent, and what the console and CI summaries show is redacted', () => {
    expect(redactFinding(finding, { values: [seedToken] })).toEqual(finding);
    const text = `${renderFinding(finding, { color: false, width: 120 })}\n${findingSummary(finding)}`;
    for (const secret of [seedToken, gpPassword, poolPassword, generated]) expect(text).not.toContain(secret);
  });
});

describe('buildFinding', () => {
  it('builds findings redacted (given secret values too) and records the first irreversible step', () => {
    const raw = rawFinding();
    const trace = (): Trace => ({
      world: raw.counterexample.world,
      after: raw.counterexample.world,
      steps: [
        { step: { actor: 'gp', action: 'search', input: {} }, before: raw.counterexample.world, result: { observation: { note: `token ${seedToken}` }, outcome: 'ok', typed: { 'actor.password': gpPassword } } },
        { step: { actor: 'gp', action: 'confirm', input: {} }, before: raw.counterexample.world, result: { observation: { shown: 'x' }, outcome: 'ok' } },
      ],
    });
    const kase = { world: raw.counterexample.world, secret: '', variation: null, steps: [{ actor: 'gp', action: 'search', input: {} }, { actor: 'gp', action: 'confirm', input: {} }] };
    const built = buildFinding({
      model: 'clinic',
      variant: 'target',
      flaws: [],
      severity: 'high',
      kase,
      a: trace(),
      b: trace(),
      violation: { oracle: 'authorized', message: 'gp may not confirm', step: 1, field: 'shown', side: 'a', key: 'k' },
      seed: 1,
      path: '0',
      excluded: [],
      irreversibleActions: ['confirm'],
      secretValues: [seedToken],
    });
    expect(built.irreversible).toEqual({ step: 2, action: 'confirm' });
    expect(built.steps[0]?.typed).toEqual({ 'actor.password': REDACTED });
    expect(built.observations.a[0]).toEqual({ outcome: 'ok', note: `token ${REDACTED}` });
    expect(built.counterexample).toBe(kase);
  });
});

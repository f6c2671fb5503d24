import { describe, expect, it } from 'vitest';
import type { Finding } from '../engine/finding.js';
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

const finding = {
  id: 'abc',
  oracle: 'indistinguishable',
  model: 'nhs-covid-booking',
  message: "visitor can tell O'Brien apart",
  steps: [
    { actor: 'visitor', action: 'open-service', input: {} },
    { actor: 'visitor', action: 'submit-identity', input: { patient: 0 }, typed: { nhsNumber: '9990000018', password: 'pw' } },
  ],
  observations: {
    a: [
      { exchanges: [exchange({ actor: '__setup', method: 'POST', path: '/__bookfuzz/seed', requestHeaders: { 'content-type': 'application/json', 'x-bookfuzz-seed-token': '‹redacted›' }, requestBody: '{"world":1}' }), exchange({})] },
      {
        exchanges: [
          exchange({
            method: 'POST',
            path: '/nhs-covid-booking/identity',
            requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
            requestBody: '_csrf=‹redacted›&nhsNumber=9990000018&password=‹redacted›&secret=‹redacted›',
          }),
        ],
      },
    ],
    b: [],
  },
} as unknown as Finding;

describe('renderCurl', () => {
  it('replays every hop with a cookie jar per actor, tokens re-read from the page, typed values filled in', () => {
    const script = renderCurl(finding, 'http://127.0.0.1:8080') ?? '';
    expect(script).toMatch(/^#!\/bin\/sh/);
    expect(script).toContain('TARGET="${1:-http://127.0.0.1:8080}"');
    expect(script).toContain('-H "x-bookfuzz-seed-token: ${BOOKFUZZ_SEED_TOKEN:?set BOOKFUZZ_SEED_TOKEN}"');
    expect(script).toContain(`--data-urlencode "_csrf=$(field 'visitor' '_csrf')"`);
    expect(script).toContain(`--data-urlencode 'nhsNumber=9990000018'`);
    expect(script).toContain(`--data-urlencode 'password=pw'`);
    expect(script).toContain('--data-urlencode "secret=${BOOKFUZZ_SECRET:?set BOOKFUZZ_SECRET}"');
    expect(script).toContain(`-b "$jars/visitor.jar" -c "$jars/visitor.jar"`);
    expect(script).toContain("# bookfuzz finding abc (indistinguishable, nhs-covid-booking): visitor can tell O'Brien apart");
    expect(script.split('\n').filter((l) => l.startsWith('curl '))).toHaveLength(3);
  });

  it('gives nothing for a model-mode finding', () => {
    expect(renderCurl({ ...finding, observations: { a: [{}, {}], b: [] } } as unknown as Finding, 'http://x')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { observeResponses } from './observe-responses.js';
import { pathTemplate } from './path-template.js';
import type { HttpResponse } from '../http/types.js';

function redirectTo(location: string): HttpResponse {
  return {
    status: 302,
    path: '/start',
    headers: { location },
    body: '',
    truncated: false,
    redirects: [{ status: 302, from: '/start', location }],
    setCookies: [],
    timeMs: 1,
  };
}

const locationOf = (location: string, typed?: Record<string, string>): unknown =>
  ((observeResponses([redirectTo(location)], typed ? { typed } : {})['responses'] as Record<string, unknown>[])[0]?.['headers'] as Record<string, unknown>)['location'];

describe('pathTemplate', () => {
  it('keeps query values, sorted by name, with numeric ids templated as in segments', () => {
    expect(pathTemplate('/bookings/1042/edit?x=1&a=2&step=b')).toBe('/bookings/{n}/edit?a={n}&step=b&x={n}');
    expect(pathTemplate('/lookup?nhs=9990000018&flag&q=')).toBe('/lookup?flag&nhs=9990000018&q=');
    expect(pathTemplate('/a?tag=z&tag=y#frag')).toBe('/a?tag=z&tag=y');
    expect(pathTemplate('/login?next=%2Frecords%2F7%3Ftab%3D2')).toBe('/login?next=/records/{n}?tab%3D{n}');
    expect(pathTemplate('/search?q=O%27Brien+Smith&x=a%26b')).toBe("/search?q=O'Brien Smith&x=a%26b");
  });

  it('a redirect to ?step=a and one to ?step=b are observed apart', () => {
    expect(locationOf('/verify?step=a')).toBe('/verify?step=a');
    expect(locationOf('/verify?step=a')).not.toEqual(locationOf('/verify?step=b'));
    // Query order does not matter; ids assigned by the site do not either.
    expect(locationOf('/done?ref=88&step=a')).toEqual(locationOf('/done?step=a&ref=91'));
  });

  it('masks query values: random tokens, UUIDs, dates and the values the actor typed', () => {
    expect(locationOf('/v?t=3f9a7c2e41b84d0f9a1c&id=3f2504e0-4f89-11d3-9a0c-0305e82c3301&at=2026-12-01')).toBe('/v?at=‹date›&id=‹uuid›&t=‹token›');
    expect(locationOf("/v?name=O%27Brien-Vastrel&nhs=9990000018", { familyName: "O'Brien-Vastrel", nhsNumber: '9990000018' })).toBe(
      '/v?name=‹familyName›&nhs=‹nhsNumber›',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { stepDeparture, type ConformStep } from './departure.js';
import { screenPages } from './screen-pages.js';
import { sitePage } from './site-page.js';

const record = (declared: { outcome: 'ok' | 'refused'; screen?: string }, observed: { outcome: 'ok' | 'refused'; page?: string }, extra: Partial<ConformStep['observed']> = {}): ConformStep => ({
  step: { actor: 'visitor', action: 'submit-identity', input: {} },
  declared: { step: 'visitor:submit-identity', leaks: [], changes: [], ...declared },
  observed: { step: 'visitor:submit-identity', leaks: [], changes: [], ...observed, ...extra },
});

describe('departures of one step', () => {
  const pages = screenPages([
    { screen: 'verify-code', page: '/verify' },
    { screen: 'verify-code', page: '/verify' },
    { screen: 'verify-code', page: '/screening' },
    { screen: 'your-vaccinations', page: '/your-vaccinations' },
    { screen: 'check-your-answers', page: '/your-vaccinations' },
  ]);

  it('none when both sides agree on outcome and page', () => {
    expect(stepDeparture(record({ outcome: 'ok', screen: 'verify-code' }, { outcome: 'ok', page: '/verify' }), pages)).toBeUndefined();
    expect(stepDeparture(record({ outcome: 'refused', screen: 'verify-code' }, { outcome: 'refused', page: '/anything' }), pages)).toBeUndefined();
  });

  it('refuses and allows: the outcomes differ', () => {
    expect(stepDeparture(record({ outcome: 'ok', screen: 'verify-code' }, { outcome: 'refused', page: '/' }), pages)?.message).toBe(
      'the site refuses visitor "submit-identity", which the spec allows (spec: verify-code; site: /)',
    );
    expect(stepDeparture(record({ outcome: 'refused', screen: 'verify-code' }, { outcome: 'ok', page: '/check' }), pages)?.kind).toBe('allows');
  });

  it('screen: a page other than the one the site shows most for that screen', () => {
    const departure = stepDeparture(record({ outcome: 'ok', screen: 'verify-code' }, { outcome: 'ok', page: '/screening' }), pages);
    expect(departure?.kind).toBe('screen');
    expect(departure?.message).toContain('the site shows /screening here, and /verify elsewhere for the same screen');
  });

  it('merged: the page of another screen', () => {
    const departure = stepDeparture(record({ outcome: 'ok', screen: 'check-your-answers' }, { outcome: 'ok', page: '/your-vaccinations' }), pages);
    expect(departure?.kind).toBe('merged');
    expect(departure?.message).toContain('its page for your-vaccinations: the spec keeps the two screens apart');
  });

  it('leaks: the site shows a canary the spec does not', () => {
    expect(stepDeparture(record({ outcome: 'ok', screen: 'verify-code' }, { outcome: 'ok', page: '/verify' }, { leaks: ['phone:p1'] }), pages)?.message).toBe(
      'after visitor "submit-identity" the site shows phone:p1 the actor may not see, the spec nothing',
    );
  });
});

describe('sitePage', () => {
  it('the last answer\'s path, query left out, long numbers as {n}, a status not 2xx kept', () => {
    expect(sitePage({ responses: [{ path: '/start', status: 200 }, { path: '/verify?error=wrong-code', status: 200 }] })).toBe('/verify');
    expect(sitePage({ responses: [{ path: '/bookings/BK1000', status: 200 }] })).toBe('/bookings/BK{n}');
    expect(sitePage({ responses: [{ path: '/login?next=%2Fme', status: 403 }] })).toBe('/login 403');
    // A segment naming one of the world's people is one page whoever it names; other segments stay.
    expect(sitePage({ responses: [{ path: '/records/p2', status: 200 }] }, ['p1', 'p2'])).toBe('/records/{id}');
    expect(sitePage({ responses: [{ path: '/records/p2x', status: 200 }] }, ['p1', 'p2'])).toBe('/records/p2x');
    expect(sitePage({ responses: [] })).toBeUndefined();
  });
});

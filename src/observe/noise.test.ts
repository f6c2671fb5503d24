import { describe, expect, it } from 'vitest';
import type { Observation } from '../model/model.js';
import type { HttpResponse } from '../http/types.js';
import { firstDifference } from './first-difference.js';
import { applyNoise, learnNoise, mergeNoise, NOISE, type NoiseMask } from './noise.js';
import { observeResponses } from './observe-responses.js';

function observe(heading: string, reference: string, extra = ''): Observation {
  const response: HttpResponse = {
    status: 200,
    path: '/confirmation',
    headers: { 'content-type': 'text/html' },
    body: `<main><h1>${heading}</h1><p>Your booking reference is ${reference}. Keep it safe.</p>${extra}<p>NHS number 9990000018</p></main>`,
    truncated: false,
    redirects: [],
    setCookies: [],
    timeMs: 5,
  };
  return observeResponses([response]);
}

describe('noise', () => {
  it('masks only the booking reference that varies between two runs of the same world', () => {
    const runA = [observe('Booking confirmed', 'BK1001')];
    const runB = [observe('Booking confirmed', 'BK1002')];
    const mask = learnNoise([runA, runB]);
    expect(mask).toEqual({ entries: [], templates: ['Your booking reference is (BK\\p{Nd}+)\\. Keep it safe\\.'] });
    const a = applyNoise(observe('Booking confirmed', 'BK1001'), mask);
    const b = applyNoise(observe('Booking confirmed', 'BK7777'), mask);
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toContain(`Your booking reference is ${NOISE}. Keep it safe.`);
    expect(JSON.stringify(a)).toContain('NHS number 9990000018');
    // A different heading still differs.
    const c = applyNoise(observe('Answer some screening questions', 'BK1003'), mask);
    expect(firstDifference(a, c)).toBe('responses[0].body.text[0]');
    // A different kind of value at the noisy place is not hidden.
    const d = applyNoise(observe('Booking confirmed', 'already vaccinated'), mask);
    expect(firstDifference(a, d)).not.toBeNull();
  });

  it('does not change its input and leaves missing paths alone', () => {
    const observation = observe('Booking confirmed', 'BK1001');
    const before = JSON.stringify(observation);
    const mask: NoiseMask = { entries: [{ path: 'responses[0].body.text[1]', whole: true }, { path: 'responses[3].status', whole: true }] };
    const masked = applyNoise(observation, mask);
    expect(JSON.stringify(observation)).toBe(before);
    expect(JSON.stringify(masked)).toContain(`"${NOISE}"`);
  });

  it('generalizes varying words as far as needed, and masks whole texts when words differ in number', () => {
    const mask = learnNoise([
      [observe('Done', 'BK999'), observe('Done', 'ab12', '<p>3 minutes ago</p>'), observe('Done', 'x', '<p>n=4</p>')],
      [observe('Done', 'BK1000'), observe('Done', 'CD3456', '<p>just now</p>'), observe('Done', 'y', '<p>n=5</p>')],
    ]);
    const text = (o: Observation): string => JSON.stringify(applyNoise(o, mask));
    // Digit runs of any length after the same letters.
    expect(text(observe('Done', 'BK123456'))).toContain(`Your booking reference is ${NOISE}. Keep it safe.`);
    // 'ab12' vs 'CD3456' share no letter-case shape: any word at that place is masked.
    expect(text(observe('Done', 'Zz9'))).toContain(`Your booking reference is ${NOISE}. Keep it safe.`);
    // Texts that differ in their number of words are masked whole, wherever they appear.
    expect(text(observe('Done', 'x', '<p>just now</p>'))).toContain(`"${NOISE}"`);
    expect(text(observe('Done', 'x', '<p>n=17</p>'))).toContain(`n=${NOISE}`);
    // The fixed words must be there: another sentence with a number is not masked.
    expect(text(observe('Done', 'x', '<p>m=17</p>'))).toContain('m=17');
  });

  it('learns from three runs and lists of varying length; merges masks', () => {
    const list = (items: string[]): Observation => ({ responses: [{ body: { type: 'json', value: { slots: items } } }] });
    const mask = learnNoise([[list(['09:00'])], [list(['09:00', '10:00'])], [list(['09:00'])]]);
    expect(mask.entries).toEqual([{ path: 'responses[0].body.value.slots', whole: true }]);
    const merged = mergeNoise(mask, { entries: [{ path: 'x', shapes: [{ label: 'A', pattern: 'A' }] }, { path: 'responses[0].body.value.slots', shapes: [{ label: 'B', pattern: 'B' }] }] });
    expect(merged.entries).toEqual([
      { path: 'responses[0].body.value.slots', whole: true },
      { path: 'x', shapes: [{ label: 'A', pattern: 'A' }] },
    ]);
    expect(learnNoise([])).toEqual({ entries: [] });
    expect(learnNoise([[list(['a'])]])).toEqual({ entries: [] });
  });

  it('masks one of a few texts wherever it appears, and the varying words of a learned sentence at any path', () => {
    const page = (banner: string, visitor: number, body: string, where: 'top' | 'bottom'): Observation => {
      const texts = [`Visitor number ${visitor}`, body];
      return { responses: [{ body: { type: 'html', text: where === 'top' ? [banner, ...texts] : [...texts, banner] } }] };
    };
    const mask = learnNoise([
      [page('Stay safe this winter', 660, 'Find your record', 'top')],
      [page('Book a flu jab today', 662, 'Find your record', 'top')],
      [page('Wash your hands', 671, 'Find your record', 'top')],
    ]);
    expect(mask.texts).toEqual(expect.arrayContaining(['Stay safe this winter', 'Book a flu jab today', 'Wash your hands']));
    // Another page puts the banner elsewhere and the counter has grown a digit: both still noise.
    const a = applyNoise(page('Wash your hands', 1001, 'You are registered', 'bottom'), mask);
    const b = applyNoise(page('Stay safe this winter', 1017, 'You are registered', 'bottom'), mask);
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toContain(`Visitor number ${NOISE}`);
    // What the secret changes is not noise: a different sentence still differs.
    const c = applyNoise(page('Wash your hands', 1002, 'We have no record of you', 'bottom'), mask);
    expect(firstDifference(a, c)).toBe('responses[0].body.text[1]');
    // A sentence that merely shares the counter's digits is left alone.
    expect(JSON.stringify(applyNoise(page('x', 1, 'You have 2 doses', 'top'), mask))).toContain('You have 2 doses');
  });

  it('learns a shuffled list of objects as unordered: the same items in any order are equal, other items are not', () => {
    const list = (ids: string[]): Observation => ({ responses: [{ body: { type: 'json', value: { links: ids.map((id) => ({ id })), count: ids.length } } }] });
    const mask = learnNoise([[list(['a', 'b', 'c'])], [list(['c', 'a', 'b'])]]);
    expect(mask.entries).toEqual([{ path: 'responses[0].body.value.links', unordered: true }]);
    expect(applyNoise(list(['b', 'c', 'a']), mask)).toEqual(applyNoise(list(['a', 'b', 'c']), mask));
    expect(firstDifference(applyNoise(list(['a', 'b', 'd']), mask), applyNoise(list(['a', 'b', 'c']), mask))).not.toBeNull();
    expect(firstDifference(applyNoise(list(['a', 'b']), mask), applyNoise(list(['a', 'b', 'c']), mask))).not.toBeNull();
  });

  it('keeps a page whose news list is shuffled in order: an extra row shows where it is', () => {
    const page = (news: string[], rows: number): Observation => ({
      responses: [{ path: '/results', body: { type: 'html', structure: ['main', ...news.map((n) => `a[href=/news/${n}]`), 'table', ...Array.from({ length: rows }, () => 'tr') ] } }],
    });
    const mask = learnNoise([[page(['flu', 'covid', 'mmr'], 1)], [page(['mmr', 'flu', 'covid'], 1)], [page(['covid', 'mmr', 'flu'], 1)]]);
    const a = applyNoise(page(['covid', 'flu', 'mmr'], 1), mask);
    expect(a).toEqual(applyNoise(page(['flu', 'mmr', 'covid'], 1), mask));
    expect(firstDifference(a, applyNoise(page(['mmr', 'covid', 'flu'], 2), mask))).toBe('responses[0].body.structure[6]');
  });

  it('learns a header sent now and then as optional on every page, while a header that is always there stays compared', () => {
    const answer = (path: string, headers: Record<string, string>): Observation => ({ responses: [{ status: 200, path, headers }] });
    const mask = learnNoise([[answer('/a', { 'server-timing': 'app', 'x-status': 'ok' })], [answer('/a', { 'x-response-time': '3ms', 'x-status': 'ok' })]]);
    const other = (headers: Record<string, string>) => applyNoise(answer('/b', headers), mask);
    expect(other({ 'x-response-time': '9ms', 'x-status': 'ok' })).toEqual(other({ 'server-timing': 'db', 'x-status': 'ok' }));
    expect(firstDifference(other({ 'x-status': 'ok' }), other({ 'x-status': 'registered' }))).toBe('responses[0].headers.x-status');
    expect(firstDifference(other({ 'x-status': 'ok' }), other({ 'x-status': 'ok', 'x-patient': 'known' }))).toBe('responses[0].headers.x-patient');
  });
});

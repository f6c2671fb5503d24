import { describe, expect, it } from 'vitest';
import type { Observation } from '../model/model.js';
import type { HttpResponse } from '../targets/http/types.js';
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
    expect(mask).toEqual({
      entries: [{ path: 'responses[0].body.text[1]', shapes: [{ label: 'BK####', pattern: 'BK\\p{Nd}{4}' }] }],
    });
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

  it('generalizes shapes as far as needed, and masks whole values when words differ in number', () => {
    const mask = learnNoise([
      [observe('Done', 'BK999'), observe('Done', 'ab12', '<p>3 minutes ago</p>'), observe('Done', 'x', '<p>n=4</p>')],
      [observe('Done', 'BK1000'), observe('Done', 'CD3456', '<p>just now</p>'), observe('Done', 'y', '<p>n=5</p>')],
    ]);
    const byLabel = mask.entries.flatMap((e) => (e.shapes ?? []).map((s) => s.label));
    expect(byLabel).toContain('BK#+');
    expect(mask.entries.find((e) => e.path === 'responses[0].body.text[2]')?.whole).toBe(true);
    // 'ab12' vs 'CD3456' share no letter-case shape: the word at that position is masked.
    expect(mask.entries.some((e) => e.shapes?.some((s) => s.label === '*' && s.index === 4))).toBe(true);
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
});

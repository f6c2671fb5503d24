import { describe, expect, it } from 'vitest';
import type { Json } from '../model/json.js';
import type { HttpResponse } from '../http/types.js';
import { firstDifference } from './first-difference.js';
import { jsonShape } from './json-shape.js';
import { observeResponses } from './observe-responses.js';

function json(body: string): HttpResponse {
  return { status: 200, path: '/api/status', headers: { 'content-type': 'application/json' }, body, truncated: false, redirects: [], setCookies: [], timeMs: 1 };
}

describe('jsonShape', () => {
  it('keeps keys, values and types: null, {}, [], 0, "0", false and "" all read apart', () => {
    const values = ['null', '{}', '[]', '0', '"0"', 'false', '""', '{"a":null}', '{"a":{}}'];
    const observed = values.map((v) => observeResponses([json(`{"status":${v}}`)]));
    for (let i = 0; i < values.length; i++) {
      for (let j = 0; j < values.length; j++) {
        if (i !== j) expect(firstDifference(observed[i] as Json, observed[j] as Json), `${values[i]} vs ${values[j]}`).not.toBeNull();
      }
    }
    expect(jsonShape({ a: null, b: {}, c: [], d: 0, e: '0' }, (t) => t)).toEqual({ a: null, b: {}, c: [], d: 0, e: '0' });
  });

  it('a typed value sent back as a number reads as its placeholder; other numbers stay numbers', () => {
    const observe = (nhs: string): Json =>
      observeResponses([json(`{"nhs":${nhs},"doses":2,"other":9990000026}`)], { typed: { nhsNumber: nhs } });
    expect(observe('9990000018')).toEqual(observe('9990000034'));
    expect(JSON.stringify(observe('9990000018'))).toContain('{"nhs":"‹nhsNumber›","doses":2,"other":9990000026}');
  });
});

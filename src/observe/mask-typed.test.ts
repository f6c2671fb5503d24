import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identityArb } from '../identity/identity.js';
import { maskTyped, typedMask } from './mask-typed.js';
import { observeResponses } from './observe-responses.js';

describe('maskTyped', () => {
  it('replaces typed values with placeholders, longest first', () => {
    expect(maskTyped({ text: 'NHS 9990000018 for 9990000018' }, { nhsNumber: '9990000018' })).toEqual({ text: 'NHS ‹nhsNumber› for ‹nhsNumber›' });
    expect(maskTyped(['Ann Smith-Vastrel', 'Smith-Vastrel'], { name: 'Ann Smith-Vastrel', family: 'Smith-Vastrel' })).toEqual(['‹name›', '‹family›']);
  });
  it('masks only whole words: a short id inside a token stays', () => {
    expect(maskTyped({ id: '3fa9c1be77', who: 'staff c1 here' }, { staffId: 'c1' })).toEqual({ id: '3fa9c1be77', who: 'staff ‹staffId› here' });
  });
  it('leaves values of one character and non-strings alone', () => {
    expect(maskTyped({ n: 5, s: 'a b' }, { x: 'a' })).toEqual({ n: 5, s: 'a b' });
  });
});

/** Every form a site may echo a value in: as typed, cased, URL-encoded, with entities, JSON-escaped. */
function echoes(value: string): string[] {
  const upper = value.toUpperCase();
  const lower = value.toLowerCase();
  const forms = [value, upper, lower];
  const codes = (text: string, each: (code: number) => string): string => [...text].map((c) => (/^[\x20-\x7e]$/.test(c) && !`'&"<>`.includes(c) ? c : each(c.codePointAt(0) ?? 0))).join('');
  for (const v of [value, upper, lower]) {
    forms.push(encodeURIComponent(v), encodeURIComponent(v).replace(/%20/g, '+'), encodeURIComponent(v).replace(/'/g, '%27'), encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    forms.push(v.replace(/&/g, '&amp;').replace(/'/g, '&#39;'), v.replace(/'/g, '&#x27;'), v.replace(/'/g, '&apos;'), v.replace(/'/g, '\u2019'));
    forms.push(codes(v, (code) => `&#${code};`), codes(v, (code) => `&#x${code.toString(16)};`), codes(v, (code) => `&#X${code.toString(16).toUpperCase()};`));
    forms.push(v.normalize('NFD'), v.replace(/[^\x00-\x7f]/gu, (c) => named(c) ?? c));
    forms.push(JSON.stringify(v).slice(1, -1).replace(/[^\x00-\x7f]/gu, escapeUnits).replace(/\//g, '\\/').replace(/'/g, '\\u0027'));
  }
  const nhs = /^(\d{3})(\d{3})(\d{4})$/.exec(value);
  if (nhs) forms.push(`${nhs[1]} ${nhs[2]} ${nhs[3]}`, `${nhs[1]}-${nhs[2]}-${nhs[3]}`, `${nhs[1]}+${nhs[2]}+${nhs[3]}`);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const when = new Date(`${value}T00:00:00Z`);
    const long = when.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    const short = when.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    const us = when.toLocaleDateString('en-US', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    forms.push(`${date[3]}/${date[2]}/${date[1]}`, `${Number(date[3])}/${Number(date[2])}/${date[1]}`, `${date[3]}%2F${date[2]}%2F${date[1]}`, long, short, long.toUpperCase(), us);
  }
  return [...new Set(forms)];
}

function escapeUnits(c: string): string {
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

const NAMED: Record<string, string> = { é: '&eacute;', ë: '&euml;', ö: '&ouml;', ü: '&uuml;', ø: '&oslash;', á: '&aacute;', í: '&iacute;', ó: '&oacute;', ú: '&uacute;', ñ: '&ntilde;', ā: '&amacr;', ō: '&omacr;', ł: '&lstrok;', Ł: '&Lstrok;', æ: '&aelig;', ž: '&zcaron;', ş: '&scedil;', ï: '&iuml;' };
function named(c: string): string | undefined {
  return NAMED[c];
}

describe('typedMask: escaped forms (property)', () => {
  it('any generated identity, each field echoed in any form inside a page, comes out as the placeholder', () => {
    fc.assert(
      fc.property(identityArb(), (identity) => {
        const typed: Record<string, string> = { ...identity };
        const mask = typedMask(typed);
        if (mask === undefined) return false;
        for (const [field, value] of Object.entries(typed)) {
          for (const form of echoes(value)) {
            const page = `<p>Dear ${form}, your booking</p><a href="/x?who=${form}&amp;y=1">next</a> {"v":"${form}"}`;
            const masked = mask(page);
            expect(masked, `${field} as ${form}`).toBe(`<p>Dear ‹${field}›, your booking</p><a href="/x?who=‹${field}›&amp;y=1">next</a> {"v":"‹${field}›"}`);
          }
        }
        return true;
      }),
      { seed: 8, numRuns: 60 },
    );
  });

  it('examples: entities, percent-encoding, JSON escapes, case, NHS and date formats', () => {
    const mask = typedMask({ familyName: "O'Brien-Zëkgor", nhsNumber: '9990000018', dateOfBirth: '1980-02-01', givenName: 'Siobhán' });
    expect(mask?.("O&#39;BRIEN-Z&Euml;KGOR o%27brien-z%C3%ABkgor O\\u0027Brien-Z\\u00ebkgor O’Brien-Zëkgor")).toBe('‹familyName› ‹familyName› ‹familyName› ‹familyName›');
    expect(mask?.('999 000 0018 / 999-000-0018 / 9990000018')).toBe('‹nhsNumber› / ‹nhsNumber› / ‹nhsNumber›');
    expect(mask?.('born 1 February 1980, 01/02/1980, 1980-02-01, 1st Feb 1980')).toBe('born ‹dateOfBirth›, ‹dateOfBirth›, ‹dateOfBirth›, ‹dateOfBirth›');
    expect(mask?.('SIOBHÁN siobh&aacute;n Siobh&#225;n Siobh&#xe1;n')).toBe('‹givenName› ‹givenName› ‹givenName› ‹givenName›');
    // A short id is found only as typed: `p1` does not mask `[P1-E1]`.
    expect(typedMask({ patient: 'p1' })?.('note [P1-E1] for p1')).toBe('note [P1-E1] for ‹patient›');
    // Whole words only, and other people's values stay.
    expect(mask?.('99900000189 and 9990000026 and Siobhánx')).toBe('99900000189 and 9990000026 and Siobhánx');
  });
});

describe('observeResponses: typed values in escaped forms', () => {
  it('a page, a JSON body and a redirect that echo the typed values escaped read as placeholders', () => {
    const typed = { familyName: "O'Brien-Zëkgor", nhsNumber: '9990000018', dateOfBirth: '1980-02-01' };
    const page = {
      status: 200,
      path: '/done?name=O%27Brien-Z%C3%ABkgor',
      headers: { 'content-type': 'text/html' },
      body: '<h1>Booked for O&#39;BRIEN-Z&Euml;KGOR</h1><p>NHS number 999 000 0018, born 1 February 1980</p>',
      truncated: false,
      redirects: [],
      setCookies: [],
      timeMs: 1,
    };
    const text = JSON.stringify(observeResponses([page], { typed }));
    expect(text).toContain('"path":"/done?name=‹familyName›"');
    expect(text).toContain('Booked for ‹familyName›');
    expect(text).toContain('NHS number ‹nhsNumber›, born ‹dateOfBirth›');
    const api = { ...page, headers: { 'content-type': 'text/plain' }, body: '{"name":"O\\u0027Brien-Z\\u00ebkgor","nhs":"999-000-0018"}' };
    expect(JSON.stringify(observeResponses([api], { typed }))).toContain('{\\"name\\":\\"‹familyName›\\",\\"nhs\\":\\"‹nhsNumber›\\"}');
  });
});

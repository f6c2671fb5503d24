import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCanaries, identityCanaries } from './canary.js';
import type { Canary } from './canary.js';
import { identitiesArb } from './identity.js';
import type { Identity } from './identity.js';
import { familyNameArb } from './names.js';

const identity: Identity = {
  nhsNumber: '9990000018',
  nhi: 'ZAA0008',
  givenName: 'Siobhán',
  familyName: "O'Brien-Vastrel",
  dateOfBirth: '1957-03-18',
  postcode: 'EB6 0AA',
  phone: '07700 900123',
  email: 'kavel.mor7@nhs-mail.test',
};
const canaries = identityCanaries(identity, 'patient-1');
const byField = (field: string): Canary[] => canaries.filter((c) => c.field === field);
const found = (text: string, list: readonly Canary[] = canaries): string[] => findCanaries(text, list).map((h) => h.canary.field);

describe('identityCanaries', () => {
  it('lists the identifying fields only, with their owner', () => {
    expect(canaries.map((c) => c.field)).toEqual(['nhsNumber', 'nhi', 'familyName', 'phone', 'email']);
    expect(canaries.every((c) => c.owner === 'patient-1')).toBe(true);
    expect(canaries.map((c) => c.value)).not.toContain(identity.givenName);
    expect(canaries.map((c) => c.value)).not.toContain(identity.postcode);
    expect(canaries.map((c) => c.value)).not.toContain(identity.dateOfBirth);
  });
});

describe('findCanaries: identifiers', () => {
  it('finds an NHS number written with spaces, no-break spaces, or none, at the right index', () => {
    const text = '<dl><dt>NHS number</dt><dd>999 000 0018</dd></dl>';
    expect(findCanaries(text, byField('nhsNumber'))).toEqual([{ canary: byField('nhsNumber')[0], index: text.indexOf('999') }]);
    expect(found('NHS: 999&nbsp;000&nbsp;0018', byField('nhsNumber'))).toEqual(['nhsNumber']);
    expect(found('NHS: 999\u00a0000\u00a00018', byField('nhsNumber'))).toEqual(['nhsNumber']);
    expect(found('{"nhs":"9990000018"}', byField('nhsNumber'))).toEqual(['nhsNumber']);
  });

  it('does not join digits across markup or words', () => {
    expect(found('NHS 999 000 <b>0018</b>', byField('nhsNumber'))).toEqual([]);
    expect(found('999 000 and 0018', byField('nhsNumber'))).toEqual([]);
  });

  it('does not find an NHS number inside a longer run of digits', () => {
    expect(found('ref 19990000018', byField('nhsNumber'))).toEqual([]);
    expect(found('ref 99900000189', byField('nhsNumber'))).toEqual([]);
  });

  it('finds a phone number with or without its space, regrouped, or international', () => {
    for (const text of ['tel 07700900123', 'tel 07700 900123', 'tel 077 0090 0123', 'tel:+447700900123', 'tel +44 (0)7700 900123', '(07700) 900123']) {
      expect(found(text, byField('phone')), text).toEqual(['phone']);
    }
    expect(found('tel 077009001234', byField('phone'))).toEqual([]);
    expect(found('tel 07700 900124', byField('phone'))).toEqual([]);
  });

  it('finds an NHI in any case, but not inside a longer token', () => {
    expect(found('/patients/zaa0008/record', byField('nhi'))).toEqual(['nhi']);
    expect(found('NHI: ZAA0008.', byField('nhi'))).toEqual(['nhi']);
    expect(found('ZAA00081', byField('nhi'))).toEqual([]);
    expect(found('XZAA0008', byField('nhi'))).toEqual([]);
  });

  it('finds an email in any case, in a mailto link, but not inside a longer address', () => {
    expect(found('<a href="mailto:Kavel.Mor7@NHS-Mail.test">mail</a>', byField('email'))).toEqual(['email']);
    expect(found('xkavel.mor7@nhs-mail.test', byField('email'))).toEqual([]);
    expect(found('kavel.mor7@nhs-mail.test.evil.example', byField('email'))).toEqual([]);
    expect(found('write to kavel.mor7@nhs-mail.test.', byField('email'))).toEqual(['email']);
  });
});

describe('findCanaries: names', () => {
  it('finds a family name in a different case inside HTML', () => {
    expect(found('<td class="name">o\'brien-vastrel</td>', byField('familyName'))).toEqual(['familyName']);
    expect(found('<h1>Patient: O\'BRIEN-VASTREL, Siobhán</h1>', byField('familyName'))).toEqual(['familyName']);
  });

  it('finds it with a typographic or HTML-escaped apostrophe', () => {
    for (const text of ['O’Brien-Vastrel', 'O&#39;Brien-Vastrel', 'O&#x27;Brien-Vastrel', 'O&apos;Brien-Vastrel', 'O&rsquo;Brien-Vastrel']) {
      expect(found(text, byField('familyName')), text).toEqual(['familyName']);
    }
  });

  it('does not match a family name as part of a longer word', () => {
    expect(found("O'Brien-Vastrels", byField('familyName'))).toEqual([]);
    expect(found("MO'Brien-Vastrel", byField('familyName'))).toEqual([]);
    expect(found("O'Brien-Vastrel2", byField('familyName'))).toEqual([]);
  });

  it('uses Unicode word boundaries, not ASCII \\b', () => {
    const name: Canary[] = [{ value: 'Müller-Kaveth', owner: 'p', field: 'familyName' }];
    expect(found('Herr Müller-Kaveth kam.', name)).toEqual(['familyName']);
    expect(found('MÜLLER-KAVETH', name)).toEqual(['familyName']);
    expect(found('Müller-Kavethé', name)).toEqual([]); // \b would match before é
    expect(found('ÖMüller-Kaveth', name)).toEqual([]);
    expect(found('Mu\u0308ller-Kaveth', name)).toEqual(['familyName']); // decomposed ü in the page
    const maori: Canary[] = [{ value: 'Te Whiu-Zëkgor', owner: 'p', field: 'familyName' }];
    expect(found('<b>Te&nbsp;Whiu-Zëkgor</b>', maori)).toEqual(['familyName']);
    expect(found('te  whiu-zËkgor', maori)).toEqual(['familyName']);
  });
});

describe('findCanaries: scanning', () => {
  it('reports every occurrence, ordered by position', () => {
    const text = `${identity.email} … ${identity.familyName} … 999 000 0018 … ${identity.familyName}`;
    const hits = findCanaries(text, canaries);
    expect(hits.map((h) => h.canary.field)).toEqual(['email', 'familyName', 'nhsNumber', 'familyName']);
    expect(hits.map((h) => h.index)).toEqual([...hits.map((h) => h.index)].sort((a, b) => a - b));
  });

  it('finds nothing in ordinary page text that mentions the name stems', () => {
    const page =
      "<p>Dr O'Brien and Ms Nowak from Ōtaki met Mr Müller, Te Whiu whānau, Ní Bhriain and D'Souza. " +
      'Book, cancel or change your vaccination appointment. NHS number, date of birth, postcode. ' +
      'Call 111 or 0300 311 22 33. Email enquiries@nhs.net.</p>';
    fc.assert(
      fc.property(familyNameArb(), (familyName) => findCanaries(page, [{ value: familyName, owner: 'p', field: 'familyName' }]).length === 0),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('attributes each planted identity to its owner only (uniqueness makes canaries unambiguous)', () => {
    fc.assert(
      fc.property(identitiesArb({ minLength: 1, maxLength: 20 }), fc.nat(), (identities, pick) => {
        const all = identities.flatMap((id, i) => identityCanaries(id, `p${i}`));
        const victim = pick % identities.length;
        const planted = identities[victim] as Identity;
        const page = `<html><body><h1>${planted.familyName.toUpperCase()}</h1><p>NHS ${planted.nhsNumber.replace(/^(\d{3})(\d{3})/, '$1 $2 ')}, NHI ${planted.nhi}, tel ${planted.phone.replace(/ /g, '')}, ${planted.email}</p></body></html>`;
        const hits = findCanaries(page, all);
        expect(new Set(hits.map((h) => h.canary.owner))).toEqual(new Set([`p${victim}`]));
        expect(hits.map((h) => h.canary.field).sort()).toEqual(['email', 'familyName', 'nhi', 'nhsNumber', 'phone']);
      }),
      { seed: 42, numRuns: 200 },
    );
  }, 30_000);

  it('is pure: the same input gives the same hits, and empty values never match', () => {
    const text = `x ${identity.familyName} y`;
    expect(findCanaries(text, canaries)).toEqual(findCanaries(text, canaries));
    expect(findCanaries(text, [{ value: '  ', owner: 'p', field: 'familyName' }])).toEqual([]);
  });
});

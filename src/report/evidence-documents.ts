/**
 * A run document for the evidence tests of the reports (test support only, not part of the API):
 * a finding whose observation is a live page of many structure lines, differing only near its
 * end, as a long observation of a real site does.
 */
import type { RunDocument } from '../engine/run-document.js';
import type { JsonObject } from '../model/json.js';

/** The field where the two pages of `longObservationDocument` first differ. */
export const longDifferenceField = 'responses[0].body.structure[41]';
/** The values of that field in world A and world B. */
export const longDifferenceValues = {
  a: '          input#status.govuk-input[type=hidden][name=vaccination-status][value=vaccinated]',
  b: '          input#status.govuk-input[type=hidden][name=vaccination-status][value=unvaccinated]',
};

/** A page observed in live mode: 44 structure lines, a JSON answer after it; `status` differs in the last lines. */
function liveObservation(status: string): JsonObject {
  const structure = [
    'html[lang=en]',
    '  head',
    '    meta[charset=utf-8]',
    '    meta[name=viewport][content=width=device-width, initial-scale=1]',
    '  body.govuk-template__body',
    '    header.govuk-header[role=banner]',
    '      div.govuk-header__container.govuk-width-container',
    '        a.govuk-header__link[href=/nhs-covid-booking/]',
    '          span.govuk-header__logotype',
    '    div.govuk-width-container',
    '      main#main-content.govuk-main-wrapper[role=main]',
    '        h1.govuk-heading-l',
  ];
  for (let i = 0; structure.length < 38; i++) structure.push(`        p.govuk-body[data-line=${i}]`);
  structure.push(
    '        form[action=/nhs-covid-booking/screening?step=2][method=post]',
    '          input[type=hidden][name=csrf][value=‹token›]',
    '          input[type=hidden][name=patient][value=‹nhsNumber›]',
    `          input#status.govuk-input[type=hidden][name=vaccination-status][value=${status}]`,
    '          button.govuk-button[type=submit]',
    '    footer.govuk-footer[role=contentinfo]',
  );
  const text = ['NHS', 'Book a coronavirus vaccination', ...Array.from({ length: 26 }, (_, i) => `Paragraph ${i + 1} of the screening questions.`), `Status on record: ${status}`, 'Continue'];
  return {
    outcome: 'ok',
    responses: [
      {
        status: 200,
        path: '/nhs-covid-booking/screening',
        redirects: [],
        headers: { 'content-type': 'text/html; charset=utf-8', date: '‹date› ‹time› GMT' },
        cookies: {},
        body: { type: 'html', title: 'Screening – Book a coronavirus vaccination – NHS', structure, text },
        length: '2k–4k',
      },
      {
        status: 200,
        path: '/nhs-covid-booking/api/patient/{n}',
        redirects: [],
        headers: { 'content-type': 'application/json' },
        cookies: {},
        body: { type: 'json', value: { patient: { nhsNumber: '‹nhsNumber›', eligible: true, vaccination: { status, doses: status === 'vaccinated' ? 2 : 0 } }, links: ['/nhs-covid-booking/screening'] } },
        length: '0–256',
      },
    ],
  };
}

/**
 * A copy of `base` (which must have a finding) whose one finding differs first at
 * `longDifferenceField`, a hidden field near the end of a 44-line page, with the two answers of
 * a live step (an HTML page, then a JSON body) as its observation.
 */
export function longObservationDocument(base: RunDocument): RunDocument {
  const document = structuredClone(base);
  const original = document.findings[0];
  if (!original) throw new Error('longObservationDocument needs a document with a finding');
  const at = original.firstDifference.step - 1;
  const a = [...original.observations.a];
  const b = [...original.observations.b];
  a[at] = liveObservation('vaccinated');
  b[at] = liveObservation('unvaccinated');
  document.mode = 'live';
  document.target = 'http://127.0.0.1:8080';
  document.findings = [
    {
      ...original,
      observations: { a, b },
      firstDifference: { step: at + 1, field: longDifferenceField, a: longDifferenceValues.a, b: longDifferenceValues.b },
    },
  ];
  return document;
}

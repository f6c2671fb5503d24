import { beforeAll, describe, expect, it } from 'vitest';
import { oracles } from '../oracles/index.js';
import { escapeMarkup } from './escape-markup.js';
import { findingReplay } from './finding-replay.js';
import { flattenObservation, showJson } from './flatten.js';
import { renderHtml } from './html.js';
import {
  forbiddenCharacters,
  hostileDocument,
  hostileName,
  inconclusiveDocument,
  setupFailureReason,
  testDocuments,
  type TestDocuments,
} from './test-documents.js';

let docs: TestDocuments;
beforeAll(async () => {
  docs = await testDocuments();
}, 120_000);

/** Nothing that makes a browser fetch or run anything. */
function expectSelfContained(html: string): void {
  for (const banned of ['http://', 'https://', 'src=', '<script', '<link', '<img', '<iframe', 'url(', '@import', ' href=']) {
    expect(html.toLowerCase()).not.toContain(banned);
  }
}

describe('renderHtml', () => {
  it('shows every finding: steps, message, flaw, world differences, both observations, replay, seed and path', () => {
    const html = renderHtml([docs.vulnerable, docs.fixed], oracles);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expectSelfContained(html);
    for (const finding of docs.vulnerable.findings) {
      expect(html).toContain(`id="finding-${finding.id}"`);
      expect(html).toContain(escapeMarkup(finding.message));
      if (finding.flaw) expect(html).toContain(escapeMarkup(finding.flaw));
      for (const step of finding.steps) {
        expect(html).toContain(`<td>${escapeMarkup(step.action)}</td>`);
        expect(html).toContain(`<td>${escapeMarkup(step.actor)}</td>`);
        for (const value of Object.values(step.typed ?? {})) expect(html).toContain(escapeMarkup(value));
      }
      for (const d of finding.worlds.differences) expect(html).toContain(`<td>${escapeMarkup(d.path)}</td>`);
      // Both observations of the first-difference step, differing fields highlighted.
      const at = finding.firstDifference.step - 1;
      const a = flattenObservation(finding.observations.a[at] ?? {});
      const b = flattenObservation(finding.observations.b[at] ?? {});
      for (const [field, value] of a) {
        if (b.get(field) === value) continue;
        expect(html).toContain(
          `<tr class="diff"><td>${escapeMarkup(`≠ ${field}`)}</td><td>${escapeMarkup(value)}</td><td>${escapeMarkup(b.get(field) ?? '(absent)')}</td></tr>`,
        );
      }
      expect(html).toContain(escapeMarkup(showJson(finding.firstDifference.a)));
      expect(html).toContain(escapeMarkup(showJson(finding.firstDifference.b)));
      expect(html).toContain(escapeMarkup(findingReplay(finding)));
      expect(html).toContain(`<dd>${finding.seed}</dd>`);
      expect(html).toContain(`<dd>${escapeMarkup(finding.path)}</dd>`);
    }
  });

  it('summarises a clean run', () => {
    const html = renderHtml([docs.fixed], oracles);
    expectSelfContained(html);
    expect(html).toContain('0 findings in 1 run');
    expect(html).toContain('<p>No findings.</p>');
    expect(html).toContain('<td>nhs-covid-booking</td><td>fixed</td>');
    for (const id of docs.fixed.oracles) expect(html).toContain(`<td>${id}</td>`);
  });

  it('escapes hostile strings and shows live-mode exchanges as text', () => {
    const html = renderHtml([hostileDocument(docs.vulnerable)], oracles);
    expectSelfContained(html);
    expect(html).not.toContain(hostileName);
    expect(html).toContain(escapeMarkup(hostileName));
    expect(html).toContain('O&#39;Brien-&lt;script&gt;');
    for (const c of forbiddenCharacters) expect(html).not.toContain(c);
    expect(html).toContain('HTTP exchanges, world A');
    expect(html).toContain('/identity?name=&lt;b&gt;');
    expect(html).toContain('/booking-reference');
    expect(html).toContain('/screening');
    expect(html).toContain(`<td>${escapeMarkup(`Hello ${hostileName}`)}</td><td>Hello Ngāi Tahu</td>`);
    expect(html).not.toMatch(/<td>[^<]*exchanges\[0\]/); // exchanges are shown apart, not as observation fields
  });

  it('shows an inconclusive run in a banner with its reason, and its notes and request outcomes in the runs section', () => {
    const document = inconclusiveDocument(docs.fixed);
    const html = renderHtml([document], oracles);
    expectSelfContained(html);
    expect(html).toContain(`<p class="banner" role="alert"><strong>INCONCLUSIVE</strong> ${escapeMarkup(`nhs-covid-booking (fixed): ${setupFailureReason}`)}</p>`);
    expect(html).toContain('<p class="verdict bad">0 findings in 1 run, 1 inconclusive</p>');
    expect(html).toContain('<title>bookfuzz report — 0 findings, INCONCLUSIVE</title>');
    const runs = html.slice(html.indexOf('<h2>Runs</h2>'), html.indexOf('<h2>Oracles</h2>'));
    expect(runs).toContain('<td>inconclusive</td>');
    expect(runs).toContain(`<li>${escapeMarkup('POST /signup answered 409 38 times (duplicate sign-up?)')}</li>`);
    expect(runs).toContain(
      '<tr class="diff"><td>set-up</td><td>set-up of each patient: POST /signup</td><td>40</td><td>2</td><td>38</td><td>0</td><td>answered 409 at /signup</td><td>site.flow.yaml:15:9 setup.flows.forEachPatient[0]</td></tr>',
    );
    expect(runs).toContain('<tr><td>log-in</td><td>log-in of patient</td><td>4</td><td>4</td><td>0</td><td>0</td><td></td><td>site.flow.yaml:30:5 login.patient</td></tr>');
    for (const outcome of document.outcomes ?? []) expect(runs).toContain(`<td>${escapeMarkup(outcome.what)}</td>`);
  });

  it('names each run above its outcomes when there are several, and has no banner without an inconclusive run', () => {
    const html = renderHtml([docs.vulnerable, inconclusiveDocument(docs.fixed)], oracles);
    expect(html).toContain('<h3>nhs-covid-booking (fixed)</h3>');
    expect(html.match(/class="banner"/g)).toHaveLength(1);
    expect(renderHtml([docs.vulnerable, docs.fixed], oracles)).not.toContain('class="banner"');
    expect(renderHtml([docs.fixed], oracles)).not.toContain('<table class="outcomes">');
  });

  it('escapes hostile text in the reason, notes and outcomes', () => {
    const document = inconclusiveDocument(docs.fixed);
    document.reason = `${hostileName} ${forbiddenCharacters}`;
    document.notes = [`note ${hostileName}`];
    document.outcomes = [
      { what: `log-in of ${hostileName}`, phase: 'login', where: `<a title="x">${hostileName}`, sent: 1, ok: 0, refused: 1, failed: 0, last: '<iframe onload=alert(1)>' },
    ];
    const html = renderHtml([document], oracles);
    expectSelfContained(html);
    expect(html).not.toContain(hostileName);
    for (const c of forbiddenCharacters) expect(html).not.toContain(c);
    expect(html).toContain(escapeMarkup(`nhs-covid-booking (fixed): ${hostileName} `));
    expect(html).toContain(`<td>${escapeMarkup(`log-in of ${hostileName}`)}</td>`);
    expect(html).toContain('<td>&lt;iframe onload=alert(1)&gt;</td>');
    expect(html).toContain(`<td>&lt;a title=&quot;x&quot;&gt;${escapeMarkup(hostileName)}</td>`);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { oracles } from '../oracles/index.js';
import { escapeMarkup } from './escape-markup.js';
import { findingReplay } from './finding-replay.js';
import { flattenObservation, showJson } from './flatten.js';
import { renderHtml } from './html.js';
import { forbiddenCharacters, hostileDocument, hostileName, testDocuments, type TestDocuments } from './test-documents.js';

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
});

import { beforeAll, describe, expect, it } from 'vitest';
import { oracles } from '../oracles/index.js';
import { escapeMarkup } from './escape-markup.js';
import { findingReplay } from './finding-replay.js';
import { flattenObservation, showJson } from './flatten.js';
import { longDifferenceField, longDifferenceValues, longObservationDocument } from './evidence-documents.js';
import { renderHtml } from './html.js';
import { markDifference } from './mark-difference.js';
import {
  forbiddenCharacters,
  hostileDocument,
  hostileName,
  inconclusiveDocument,
  liveStatsDocument,
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
  // The only iframes are the sandboxed page previews (checked below); nothing else may load or run.
  const iframes = html.match(/<iframe\b[^>]*>/gi) ?? [];
  for (const iframe of iframes) expect(iframe).toMatch(/^<iframe sandbox="" title="[^"]*" srcdoc="[^"]*">$/);
  const rest = html.replace(/<iframe\b[^>]*>/gi, '');
  for (const banned of ['http://', 'https://', 'src=', '<script', '<link', '<img', '<iframe', 'url(', '@import', ' href=']) {
    expect(rest.toLowerCase()).not.toContain(banned);
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

  it('has a "Run statistics" section: requests by phase with a bar each, every action\'s steps with the never-ok ones highlighted and warned about', () => {
    const document = liveStatsDocument(docs.vulnerable);
    const html = renderHtml([document], oracles);
    expectSelfContained(html);
    const stats = html.slice(html.indexOf('<h2>Run statistics</h2>'), html.indexOf('<h2>Oracles</h2>'));
    expect(stats).toContain(`<p>${document.stats.cases.toLocaleString('en-US')} cases, ${document.stats.steps.toLocaleString('en-US')} steps, 1,284 requests in 1 min 01 s</p>`);
    expect(stats).toContain('<tr><td>search</td><td class="n">640</td><td class="n">50 %</td><td class="bar"><span class="bar" style="width:49.8%"></span></td></tr>');
    expect(stats).toContain('<tr><td>set-up</td><td class="n">150</td>');
    expect(stats).toContain('<tr class="total"><td>all</td><td class="n">1,284</td>');
    expect(stats).toContain('<tr class="never"><td>book</td><td>46</td><td>0</td><td>46</td><td>0</td></tr>');
    expect(stats).toContain('<tr class="never"><td>cancel</td><td>12</td><td>0</td><td>0</td><td>12</td></tr>');
    expect(stats).toContain('<tr><td>start-booking</td><td>300</td><td>300</td><td>0</td><td>0</td></tr>');
    expect(stats).toContain('<tr><td>view-record</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>');
    expect(stats).toContain('<li><strong>WARNING</strong> book: 46 sent, 0 ok: check its inputs or okIf</li>');
    expect(stats.match(/<li><strong>WARNING<\/strong>/g)).toHaveLength(2);
    // Each finding says what it took to find.
    expect(html.match(/<p class="found">found after /g)).toHaveLength(document.findings.length);
    expect(html).toContain('<p class="found">found after 12.4 s, 820 requests, 35 cases</p>');
  });

  it('says a model run sent no requests, and escapes hostile action names', () => {
    const model = renderHtml([docs.fixed], oracles);
    expect(model).toContain('<h2>Run statistics</h2>');
    expect(model).toContain('steps, no requests (model mode) in ');
    expect(model).not.toContain('<table class="actions">');
    const hostile = liveStatsDocument(docs.fixed);
    hostile.stats.actions = [{ action: hostileName, sent: 3, ok: 0, refused: 3, failed: 0 }];
    const html = renderHtml([hostile], oracles);
    expectSelfContained(html);
    expect(html).not.toContain(hostileName);
    expect(html).toContain(`<tr class="never"><td>${escapeMarkup(hostileName)}</td>`);
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

describe('renderHtml: evidence at a glance', () => {
  let html: string;
  beforeAll(() => {
    html = renderHtml([longObservationDocument(docs.vulnerable)], oracles);
  });

  it('puts the findings before the run tables, the first difference before the facts', () => {
    expect(html.indexOf('<h2>Findings</h2>')).toBeLessThan(html.indexOf('<h2>Runs</h2>'));
    expect(html.indexOf('<tr class="diff first">')).toBeLessThan(html.indexOf('<dl>'));
  });

  it('shows the differing region with its differing part marked, a few lines of context, and folds the rest', () => {
    expectSelfContained(html);
    const region = html.slice(html.indexOf('<table class="pair region">'), html.indexOf('<h4>The pages'));
    const [a, b] = markDifference(longDifferenceValues.a, longDifferenceValues.b);
    expect(a).toContain('[value=<mark>');
    expect(region).toContain(`<tr class="diff first"><td>${escapeMarkup(`≠ ${longDifferenceField}`)}</td><td>${a}</td><td>${b}</td></tr>`);
    // Three equal lines of context on each side, shown.
    for (const i of [38, 39, 40, 42, 43]) expect(region).toMatch(new RegExp(`<tr><td>responses\\[0\\]\\.body\\.structure\\[${i}\\]</td>`));
    // The equal lines before, folded.
    expect(region).toMatch(/<tr class="folded"><td colspan="3"><details><summary>\d+ equal fields: outcome … responses\[0\]\.body\.structure\[37\]<\/summary>/);
    const shown = region.replace(/<details>.*?<\/details>/gs, '');
    expect(shown).not.toContain('structure[20]');
  });

  it('shows the two HTML answers as pages side by side in sandboxed iframes, scripts off', () => {
    const iframes = html.match(/<iframe\b[^>]*>/g) ?? [];
    expect(iframes).toHaveLength(2);
    for (const iframe of iframes) {
      expect(iframe).toContain('sandbox=""');
      expect(iframe).not.toContain('allow-scripts');
    }
    expect(iframes[0]).toContain(escapeMarkup('<p><mark>Status on record: vaccinated</mark></p>'));
    expect(iframes[1]).toContain(escapeMarkup('<p><mark>Status on record: unvaccinated</mark></p>'));
    expect(iframes[0]).toContain(escapeMarkup(`content="default-src 'none'; style-src 'unsafe-inline'"`));
  });

  it('shows the two JSON bodies as a highlighted line diff', () => {
    const diff = html.slice(html.indexOf('<pre class="json-diff">'), html.indexOf('</pre>', html.indexOf('<pre class="json-diff">')));
    expect(diff).toContain(`<span class="del">-       &quot;status&quot;: &quot;vaccinated&quot;,</span>`);
    expect(diff).toContain(`<span class="ins">+       &quot;status&quot;: &quot;unvaccinated&quot;,</span>`);
    expect(diff).toContain(`<span>      &quot;eligible&quot;: true,</span>`);
  });

  it('has no page previews or JSON diffs for a model-mode finding', () => {
    const model = renderHtml([docs.vulnerable], oracles);
    expect(model).not.toContain('<iframe');
    expect(model).not.toContain('<pre class="json-diff">');
    expect(model).toContain('<table class="runs">');
  });
});

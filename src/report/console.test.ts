import { beforeAll, describe, expect, it } from 'vitest';
import type { RunDocument } from '../engine/run-document.js';
import { renderFinding, renderNotes, renderOutcomes, renderStats, renderSummary, type ConsoleStyle } from './console.js';
import { cutAround } from './cut-around.js';
import { longDifferenceField, longObservationDocument } from './evidence-documents.js';
import { inconclusiveDocument, liveStatsDocument, setupFailureReason, testDocuments, type TestDocuments } from './test-documents.js';

const plain: ConsoleStyle = { color: false, width: 100 };

let docs: TestDocuments;
let inconclusive: RunDocument;
beforeAll(async () => {
  docs = await testDocuments();
  inconclusive = inconclusiveDocument(docs.fixed);
}, 120_000);

describe('renderSummary', () => {
  it('says INCONCLUSIVE and why first, never "no findings" alone', () => {
    const line = renderSummary(inconclusive, plain);
    expect(line.startsWith(`INCONCLUSIVE: ${setupFailureReason} — no findings in what could be tested — nhs-covid-booking (fixed)`)).toBe(true);
    expect(line).not.toMatch(/^no findings/);
  });

  it('keeps the findings of an inconclusive run in view', () => {
    const withFindings = { ...inconclusiveDocument(docs.vulnerable) };
    const n = withFindings.findings.length;
    expect(renderSummary(withFindings, plain)).toContain(`INCONCLUSIVE: ${setupFailureReason} — ${n} findings — `);
  });

  it('gives a reason even when the document has none', () => {
    const { reason: _omitted, ...noReason } = inconclusive;
    expect(renderSummary(noReason, plain)).toMatch(/^INCONCLUSIVE: the run could not test what it was asked \(no reason recorded\)/);
  });

  it('is unchanged for a clean run and a run with findings', () => {
    expect(renderSummary(docs.fixed, plain)).toMatch(/^no findings — nhs-covid-booking \(fixed\), oracles /);
    expect(renderSummary(docs.vulnerable, plain)).toMatch(/^\d+ findings — nhs-covid-booking \(vulnerable\)/);
  });

  it('colours the verdict only with colour on', () => {
    expect(renderSummary(inconclusive, { color: true, width: 100 })).toContain(`\u001b[31;1mINCONCLUSIVE: ${setupFailureReason}\u001b[0m`);
    expect(renderSummary(inconclusive, plain)).not.toContain('\u001b[');
  });
});

describe('renderNotes and renderOutcomes', () => {
  it('sums the phases that all went well in one line each and tables the others', () => {
    const lines = renderOutcomes(inconclusive.outcomes ?? [], plain);
    expect(lines.slice(0, 2)).toEqual(['set-up: 2 other requests, all ok', 'log-in: 4 requests, all ok']);
    expect(lines).toContain('extractors: 3 other pages, all ok');
    const at = lines.indexOf('requests that did not all go well:');
    expect(at).toBeGreaterThan(0);
    const heading = lines[at + 1] ?? '';
    expect(heading).toMatch(/^ {2}what +sent {2}ok {2}refused {2}failed {2}last problem$/);
    const signup = lines.find((l) => l.includes('POST /signup')) ?? '';
    expect(signup).toMatch(/set-up of each patient: POST \/signup +40 +2 +38 +0 {2}answered 409 at \/signup$/);
    // Numbers line up under their headings.
    expect(signup.indexOf('38') + 2).toBe(heading.indexOf('refused') + 'refused'.length);
    expect(lines[lines.indexOf(signup) + 1]).toBe('      at site.flow.yaml:15:9 setup.flows.forEachPatient[0]');
    expect(lines.some((l) => /cleanup of each patient: DELETE \/patients\/\{id\} +2 +1 +0 +1 {2}timed out after 10000 ms/.test(l))).toBe(true);
    expect(lines.some((l) => /extractor "csrf" of step "open" +4 +3 +1 +0 {2}the page was \/login \(200\)/.test(l))).toBe(true);
    // The ok ones are not in the table.
    expect(lines.some((l) => l.includes('POST /reset'))).toBe(false);
    expect(lines.some((l) => l.includes('log-in of patient'))).toBe(false);
  });

  it('says "all ok" in one line when nothing went wrong, and nothing when there are no outcomes', () => {
    const ok = [
      { what: 'set-up of each patient: POST /signup', phase: 'setup' as const, sent: 100, ok: 100, refused: 0, failed: 0 },
      { what: 'set-up after: POST /done', phase: 'setup' as const, sent: 20, ok: 20, refused: 0, failed: 0 },
    ];
    expect(renderOutcomes(ok, plain)).toEqual(['set-up: 120 requests, all ok']);
    expect(renderOutcomes([], plain)).toEqual([]);
    expect(renderNotes(docs.fixed)).toBe((docs.fixed.notes ?? []).map((n) => `note: ${n}\n`).join(''));
  });

  it('prints the notes, then the outcomes, a line each', () => {
    const text = renderNotes(inconclusive);
    expect(text.startsWith('note: POST /signup answered 409 38 times (duplicate sign-up?)\n')).toBe(true);
    expect(text).toContain('\nset-up: 2 other requests, all ok\n');
    expect(text).toContain('\nrequests that did not all go well:\n');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('cuts a long "what" to the terminal and gives it whole below', () => {
    const what = `set-up of each patient: POST /${'very-long-path/'.repeat(8)}signup`;
    const lines = renderOutcomes([{ what, phase: 'setup', sent: 3, ok: 0, refused: 0, failed: 3, last: 'timed out after 10000 ms' }], { color: false, width: 60 });
    const row = lines.find((l) => l.includes('timed out')) ?? '';
    expect(row).toContain('…');
    expect(row.length).toBeLessThan(what.length);
    expect(lines).toContain(`      what: ${what}`);
  });
});

describe('renderStats, and the statistics in the summary and each finding', () => {
  let live: RunDocument;
  beforeAll(() => {
    live = liveStatsDocument(docs.vulnerable);
  });

  it('gives the requests in all and by phase, in the engine\'s order, with thousands separated', () => {
    const lines = renderStats(live, plain);
    expect(lines[0]).toBe('requests: 1,284 (calibration 96, search 640, confirmation 210, shrinking 180, set-up 150, cleanup 8)');
    // Requests the phases do not account for are said, never dropped.
    const gap = { ...live, stats: { ...live.stats, requests: { total: 1300, byPhase: { search: 1000, 'noise-check': 20 } } } };
    expect(renderStats(gap, plain)[0]).toBe('requests: 1,300 (search 1,000, noise check 20, other 280)');
  });

  it('tables every action and warns about each one sent but never ok, saying what to check', () => {
    const lines = renderStats(live, plain);
    const at = lines.indexOf('actions:');
    expect(at).toBe(1);
    const heading = lines[at + 1] ?? '';
    expect(heading).toMatch(/^ {2}action +sent +ok {2}refused {2}failed$/);
    expect(lines[at + 2]).toMatch(/^ {2}start-booking +300 +300 +0 +0$/);
    const book = lines.find((l) => /^ {2}book /.test(l)) ?? '';
    expect(book).toMatch(/^ {2}book +46 +0 +46 +0$/);
    // Numbers line up under their headings.
    expect(book.length).toBe(heading.length);
    expect(book.lastIndexOf('46') + 2).toBe(heading.indexOf('refused') + 'refused'.length);
    expect(lines.filter((l) => l.startsWith('WARNING:'))).toEqual([
      'WARNING: book: 46 sent, 0 ok: check its inputs or okIf',
      'WARNING: cancel: 12 sent, 0 ok, 12 failed with no usable answer: check that the target is up and answers within the timeout',
    ]);
    // An action never sent, or sometimes ok, is no warning.
    expect(lines.some((l) => l.includes('WARNING') && /view-record|submit-identity/.test(l))).toBe(false);
    expect(lines.some((l) => /^ {2}view-record +0 +0 +0 +0$/.test(l))).toBe(true);
  });

  it('says nothing for a model run, and colours never-ok rows and warnings only with colour on', () => {
    expect(renderStats(docs.fixed, plain)).toEqual([]);
    const coloured = renderStats(live, { color: true, width: 100 });
    expect(coloured).toContain('\u001b[33;1mWARNING: book: 46 sent, 0 ok: check its inputs or okIf\u001b[0m');
    expect(coloured.find((l) => l.includes('start-booking'))).not.toContain('\u001b[');
    expect(renderStats(live, plain).join('\n')).not.toContain('\u001b[');
  });

  it('comes after the notes and outcomes in renderNotes, right before the summary line', () => {
    const text = renderNotes(inconclusiveDocument(live));
    expect(text.indexOf('requests that did not all go well:')).toBeLessThan(text.indexOf('requests: 1,284'));
    expect(text.endsWith('WARNING: cancel: 12 sent, 0 ok, 12 failed with no usable answer: check that the target is up and answers within the timeout\n')).toBe(true);
  });

  it('puts the requests and a readable duration in the summary line', () => {
    expect(renderSummary(live, plain)).toMatch(/, [\d,]+ cases, [\d,]+ steps, 1,284 requests, seed 1, 1 min 01 s$/);
    expect(renderSummary(docs.fixed, plain)).not.toContain('requests');
  });

  it('says in each finding what it took to find it, and whether it is shrunk yet', () => {
    const [first] = live.findings;
    const last = live.findings.at(-1);
    const [model] = docs.vulnerable.findings;
    if (!first || !last || !model || first === last) throw new Error('the live document needs several findings');
    expect(renderFinding(first, plain).split('\n')[2]).toBe('  found after 12.4 s, 820 requests, 35 cases');
    expect(renderFinding(last, plain)).toMatch(/\n {2}found after \d+\.\d s, [\d,]+ requests, \d+ cases \(not shrunk yet\)\n/);
    // A finding without the measure (an older corpus file) just has no such line.
    const { found: _omitted, ...older } = model;
    expect(renderFinding(older, plain)).not.toContain('found after');
  });
});

describe('renderFinding on a long live observation', () => {
  it('keeps the differing end of each value in view, the field on a line of its own', () => {
    const [finding] = longObservationDocument(docs.vulnerable).findings;
    if (!finding) throw new Error('no finding');
    const narrow: ConsoleStyle = { color: false, width: 100 };
    const lines = renderFinding(finding, narrow).split('\n');
    const at = lines.indexOf(`≠   ${longDifferenceField}:`);
    expect(at).toBeGreaterThan(0);
    const values = lines[at + 1] ?? '';
    const [left, right] = values.split(' │ ');
    expect(left?.trim()).toMatch(/^….*\[value=vaccinated\]$/);
    expect(right?.trim()).toMatch(/^….*\[value=unvaccinated\]$/);
    expect(Array.from(values).length).toBeLessThanOrEqual(100);
    // The JSON answer's differing leaves and the page text show too, equal lines are counted.
    expect(lines.some((l) => l.startsWith('≠') && l.includes('responses[1].body.value.patient.vaccination.status'))).toBe(true);
    expect(lines.some((l) => /^ {4}\(\d+ equal fields not shown\)$/.test(l))).toBe(true);
  });

  it('cuts a differing path around the difference in a narrow terminal', () => {
    const [finding] = longObservationDocument(docs.vulnerable).findings;
    if (!finding) throw new Error('no finding');
    const at = finding.firstDifference.step - 1;
    const a = structuredClone(finding.observations.a[at] ?? {});
    const b = structuredClone(finding.observations.b[at] ?? {});
    const responses = b['responses'];
    if (!Array.isArray(responses) || typeof responses[0] !== 'object' || responses[0] === null || Array.isArray(responses[0])) throw new Error('no response');
    responses[0]['path'] = '/nhs-covid-booking/booking-reference';
    const lines = renderFinding({ ...finding, observations: { a: [...finding.observations.a.slice(0, at), a], b: [...finding.observations.b.slice(0, at), b] } }, { color: false, width: 60 }).split('\n');
    const row = lines[lines.indexOf('≠   responses[0].path:') + 1] ?? '';
    const [left, right] = cutAround('/nhs-covid-booking/screening', '/nhs-covid-booking/booking-reference', 26);
    expect(row).toBe(`    ${left?.padEnd(26)} │ ${right?.padEnd(26)}`);
    expect(row).toContain('screening');
    expect(row).toContain('booking-re');
  });
});

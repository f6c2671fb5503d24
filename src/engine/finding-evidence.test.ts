/** Findings carry what the oracle measured or matched as fields, not only in the message. */
import { describe, expect, it } from 'vitest';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { renderHtml } from '../report/html.js';
import { renderSarif } from '../report/sarif.js';
import { checkModel } from './check.js';

describe('finding evidence', () => {
  it('a leaked canary: whose value it is and which field', async () => {
    const model = await loadModel('household-booking');
    const run = await checkModel(model, oracles, { flaws: ['idor-view'], oracles: ['no-canary-leak'], runs: 200, seed: 3 });
    const finding = run.findings[0];
    expect(finding?.evidence).toEqual({ value: expect.any(String), owner: expect.any(String), canaryField: expect.any(String) });
    // The message names the same value and owner.
    expect(finding?.message).toContain(String(finding?.evidence?.['value']));
    expect(finding?.message).toContain(String(finding?.evidence?.['owner']));

    const sarif = JSON.parse(renderSarif([run], oracles, { cwd: process.cwd(), toolVersion: '0.0.0' })) as { runs: { results: { properties: Record<string, unknown> }[] }[] };
    expect(sarif.runs[0]?.results[0]?.properties['evidence']).toEqual(finding?.evidence);
    expect(renderHtml([run], oracles)).toContain(`<dt>owner</dt><dd>${String(finding?.evidence?.['owner'])}</dd>`);
  });

  it('a timing leak in model mode: the declared work on each side', async () => {
    const model = await loadModel('household-booking');
    const run = await checkModel(model, oracles, { flaws: ['dose-lookup-timing'], oracles: ['timing'], runs: 200, seed: 3 });
    const evidence = run.findings[0]?.evidence;
    // The model declares its work per step (dose records looked up); the two sides differ.
    expect(evidence).toEqual({ workA: expect.any(Object), workB: expect.any(Object) });
    expect(evidence?.['workA']).not.toEqual(evidence?.['workB']);
  });

  it('an oracle that reports nothing beyond its message adds no evidence', async () => {
    const model = await loadModel('household-booking');
    const run = await checkModel(model, oracles, { flaws: ['client-role'], oracles: ['authorized'], runs: 200, seed: 3 });
    expect(run.findings.length).toBeGreaterThan(0);
    expect(run.findings.every((f) => f.evidence === undefined)).toBe(true);
  });
});

/**
 * `conform` on the four shipped specs besides nhs-covid-booking (conform-run.test.ts has that one):
 * each follows the fixed staging site, and a flaw that changes what the site allows or shows is
 * a departure at the step it changes.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLiveSite } from '../http/create-live-site.js';
import { loadSpecModel } from '../flow-spec/load-spec-model.js';
import { builtinModelsDir } from '../model/load-model.js';
import { startStagingSite, type StagingSite } from '../staging/index.js';
import { conformRun, type ConformResult } from './conform-run.js';

const token = 'shipped-specs-conform-test';
const started: StagingSite[] = [];
afterAll(async () => {
  for (const site of started) await site.close();
});

/** Conform `name`'s spec (irreversible steps allowed: the site is the embedded staging site) against the staging site with `flaws`. */
async function conform(name: string, flaws: string[], runs = 60): Promise<ConformResult> {
  const model = await loadSpecModel(join(builtinModelsDir, name, 'spec.yaml'), { allowIrreversible: true });
  const site = await startStagingSite({ flaws, port: 0, seedToken: token });
  started.push(site);
  return conformRun(model, { openSite: () => createLiveSite({ baseUrl: site.url, seedToken: token }), runs, seed: 1 });
}

const kinds = (result: ConformResult) => [...new Set(result.departures.map((d) => `${d.kind} ${d.action}`))].sort();

describe('conform: the shipped specs against the staging site', () => {
  it('household-booking: the API follows the spec; idor-modify lets a registrant move someone else\'s appointment', async () => {
    const fixed = await conform('household-booking', []);
    expect(fixed.departures.map((d) => d.message)).toEqual([]);
    expect(Object.keys(fixed.screenPages).sort()).toEqual(['appointment', 'dose-recorded', 'registrant-details']);
    const flawed = await conform('household-booking', ['idor-modify']);
    expect(kinds(flawed)).toEqual(['allows move-appointment']);
    expect(flawed.departures[0]?.steps.map((s) => s.action)).toEqual(['move-appointment']);
  }, 30_000);

  it('referral-smartcard: a session ends at log-out; with logout-ignored the old cookie still opens pages', async () => {
    const fixed = await conform('referral-smartcard', []);
    expect(fixed.departures.map((d) => d.message)).toEqual([]);
    expect(fixed.screenPages['logged-out']).toBeDefined();
    const flawed = await conform('referral-smartcard', ['logout-ignored']);
    expect(flawed.departures.length).toBeGreaterThan(0);
    for (const departure of flawed.departures) {
      expect(departure.kind).toBe('allows');
      expect(departure.steps.map((s) => s.action)).toContain('log-out');
    }
  }, 30_000);

  it('record-access: the patient and the proxy see what the spec says; proxy-overreach opens the appointments to the proxy', async () => {
    const fixed = await conform('record-access', []);
    expect(fixed.departures.map((d) => d.message)).toEqual([]);
    expect(Object.keys(fixed.screenPages).sort()).toEqual(['appointments', 'gp-record', 'login-disabled']);
    const flawed = await conform('record-access', ['proxy-overreach']);
    expect(kinds(flawed)).toContain('allows view-appointments');
    expect(flawed.departures.find((d) => d.kind === 'allows')?.actor).toBe('proxy');
  }, 30_000);

  // The site names the record page after the patient it found by NHS number (/sealed-envelope/records/p2):
  // a path the clinician never typed, read as one page whichever patient it names.
  it('sealed-envelope: the fixed site follows the spec', async () => {
    const fixed = await conform('sealed-envelope', []);
    expect(fixed.departures.map((d) => d.message)).toEqual([]);
  }, 30_000);

  it('sealed-envelope: warning-only opens a sealed record the spec keeps sealed', async () => {
    const flawed = await conform('sealed-envelope', ['warning-only']);
    expect(kinds(flawed)).toContain('allows open-record');
    const allows = flawed.departures.find((d) => d.kind === 'allows');
    expect(allows?.steps.map((s) => s.action)).toEqual(['open-record']);
  }, 30_000);
});

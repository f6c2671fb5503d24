import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { loadSpecModel } from '../flow-spec/load-spec-model.js';
import { createLiveSite } from '../http/create-live-site.js';
import { builtinModelsDir } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import { startStagingSite, type StagingSite } from '../staging/index.js';
import { conformRun } from './conform-run.js';
import { departureDiagrams } from './departure-diagrams.js';
import { bufferIo } from '../harness/buffer-io.js';

const token = 'conform-test-token';
const nhsSpec = join(builtinModelsDir, 'nhs-covid-booking', 'spec.yaml');
const variants = ['fixed', 'status-dependent-screen', 'second-dose-unverified'] as const;
const sites = new Map<string, StagingSite>();
let model: Model;

beforeAll(async () => {
  model = await loadSpecModel(nhsSpec, { allowIrreversible: true });
  for (const variant of variants) sites.set(variant, await startStagingSite({ flaws: variant === 'fixed' ? [] : [variant], port: 0, seedToken: token }));
});
afterAll(async () => {
  for (const site of sites.values()) await site.close();
});

const conform = (variant: (typeof variants)[number], runs = 60) =>
  conformRun(model, { openSite: () => createLiveSite({ baseUrl: sites.get(variant)?.url ?? '', seedToken: token }), runs, seed: 1 });

describe('conform: the nhs-covid-booking spec against the staging site', () => {
  it('finds no departure on the fixed site, irreversible steps included, each screen shown as one page', async () => {
    const result = await conform('fixed');
    expect(result.departures.map((d) => d.message)).toEqual([]);
    expect(result.cases).toBe(60);
    expect(result.notSetUp).toBe(0);
    expect(Object.keys(result.screenPages).sort()).toEqual(['booking-confirmed', 'check-your-answers', 'enter-identity', 'verify-code', 'your-vaccinations']);
    for (const pages of Object.values(result.screenPages)) expect(Object.keys(pages)).toHaveLength(1);
    expect(Object.keys(result.screenPages['verify-code'] ?? {})).toEqual(['/nhs-covid-booking/verify']);
  }, 120_000);

  it('status-dependent-screen: the screen after the identity departs, shrunk to that one step, drawn both ways', async () => {
    const result = await conform('status-dependent-screen');
    expect(result.departures.length).toBeGreaterThan(0);
    for (const departure of result.departures) {
      expect(departure.kind).toBe('screen');
      expect(departure.action).toBe('submit-identity');
      expect(departure.steps.map((s) => s.action)).toEqual(['submit-identity']);
      expect(departure.trace[0]?.declared.screen).toBe('verify-code');
      expect(['/nhs-covid-booking/booking-reference', '/nhs-covid-booking/screening']).toContain(departure.trace[0]?.observed.page);
    }
    expect(Object.keys(result.screenPages['verify-code'] ?? {}).sort()).toEqual(['/nhs-covid-booking/booking-reference', '/nhs-covid-booking/screening']);
    const [first] = result.departures;
    if (!first) throw new Error('no departure');
    const { declared, observed } = departureDiagrams(result.model, first);
    expect(declared).toMatch(/^stateDiagram-v2$/m);
    expect(declared).toContain('state "verify-code"');
    expect(observed).toContain(`state "${first.trace[0]?.observed.page ?? ''}"`);
    expect(observed).not.toContain('verify-code');
  }, 120_000);

  it('second-dose-unverified: the site lets someone choose a slot unverified, which the spec refuses', async () => {
    const result = await conform('second-dose-unverified');
    expect(result.departures.map((d) => `${d.kind} ${d.action}`)).toEqual(['allows choose-slot']);
    const [departure] = result.departures;
    expect(departure?.steps.map((s) => s.action)).toEqual(['submit-identity', 'choose-slot']);
    expect(departure?.message).toMatch(/the site lets (visitor|patient) "choose-slot", which the spec refuses \(spec: stays on verify-code; site: \/nhs-covid-booking\/check\)/);
  }, 120_000);

  it('the same seed gives the same journeys and the same departures', async () => {
    const [a, b] = [await conform('status-dependent-screen', 20), await conform('status-dependent-screen', 20)];
    expect(b.departures.map((d) => [d.key, d.cases, d.steps])).toEqual(a.departures.map((d) => [d.key, d.cases, d.steps]));
  }, 120_000);
});

describe('bookfuzz conform', () => {
  it('exit 0 and the screens it saw on the fixed staging site; 1 with the departure on a flaw that changes a screen', async () => {
    const fixed = bufferIo();
    expect(await runCli(['conform', nhsSpec, '--staging', '--runs', '30'], fixed)).toBe(0);
    expect(fixed.out()).toMatch(/^conform nhs-covid-booking against the staging site \(fixed\), seed 1: 30 journeys/m);
    expect(fixed.out()).toMatch(/^ {2}verify-code +\/nhs-covid-booking\/verify \(\d+\)$/m);
    expect(fixed.out()).toContain('conform: the site follows the spec in 30 journeys (no departure)');
    const flawed = bufferIo();
    expect(await runCli(['conform', nhsSpec, '--staging', '--flaws', 'status-dependent-screen', '--runs', '30'], flawed)).toBe(1);
    expect(flawed.out()).toMatch(/✗ departure 1 of \d \(screen\), in \d+ journeys?: after (visitor|patient) "submit-identity" the spec shows verify-code; the site shows \/nhs-covid-booking\/(screening|booking-reference) here/);
    expect(flawed.out()).toContain('the journey as the spec has it (Mermaid):');
    expect(flawed.out()).toContain('the journey as the site did it (Mermaid):');
  }, 120_000);

  it('--json: the departures with their diagrams', async () => {
    const io = bufferIo();
    expect(await runCli(['conform', nhsSpec, '--staging', '--flaws', 'second-dose-unverified', '--runs', '30', '--json'], io)).toBe(1);
    const json = JSON.parse(io.out()) as { target: string; departures: { kind: string; steps: unknown[]; diagrams: { declared: string; observed: string } }[] };
    expect(json.target).toBe('the staging site (flaws:second-dose-unverified)');
    expect(json.departures.some((d) => d.kind === 'allows')).toBe(true);
    expect(json.departures[0]?.diagrams.observed).toMatch(/^stateDiagram-v2$/m);
  }, 120_000);

  it('exit 2 on a spec without screens: nothing to conform to', async () => {
    // The household-booking spec with its screens cut off (every shipped spec has screens).
    const text = readFileSync(join(builtinModelsDir, 'household-booking', 'spec.yaml'), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'bookfuzz-screenless-'));
    const file = join(dir, 'spec.yaml');
    writeFileSync(file, text.slice(0, text.indexOf('\nscreens:') + 1));
    const io = bufferIo();
    expect(await runCli(['conform', file, '--staging', '--runs', '5'], io)).toBe(2);
    expect(io.err()).toMatch(/BF_USAGE: nothing to conform to: model mode needs screens/);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['household-booking', 'nhs-covid-booking', 'record-access', 'referral-smartcard', 'sealed-envelope'])('exit 0 for the TypeScript model %s on the fixed staging site (its simulator as the reference)', async (name) => {
    const io = bufferIo();
    expect(await runCli(['conform', name, '--staging', '--runs', '20'], io)).toBe(0);
    expect(io.out()).toContain('conform: the site follows the spec in 20 journeys (no departure)');
  }, 120_000);

  it('exit 2 when it cannot run: no target, or a host not allowed', async () => {
    const none = bufferIo();
    expect(await runCli(['conform', nhsSpec], none)).toBe(2);
    expect(none.err()).toContain('give exactly one of --target URL or --staging');
    const far = bufferIo();
    expect(await runCli(['conform', nhsSpec, '--target', 'https://example.org'], far)).toBe(2);
    expect(far.err()).toMatch(/BF_HOST_NOT_ALLOWED/);
  });
});

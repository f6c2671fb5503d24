import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.js';
import { bufferIo } from '../harness/buffer-io.js';

const corpus = () => mkdtempSync(join(tmpdir(), 'bookfuzz-cli-'));

describe('bookfuzz CLI', () => {
  it('models lists the models with variants and flaws', async () => {
    const io = bufferIo();
    expect(await runCli(['models'], io)).toBe(0);
    expect(io.out()).toContain('nhs-covid-booking');
    expect(io.out()).toContain('status-dependent-screen');
    expect(io.out()).toContain('second-dose-unverified');
  });

  it('check prints a readable finding, saves it, and exits 1', async () => {
    const io = bufferIo();
    const dir = corpus();
    const code = await runCli(['check', 'nhs-covid-booking', '--variant', 'vulnerable', '--seed', '1', '--oracles', 'indistinguishable', '--corpus', dir], io);
    expect(code).toBe(1);
    expect(io.out()).toMatch(/✗ indistinguishable/);
    expect(io.out()).toMatch(/1\. visitor open-service/);
    expect(io.out()).toMatch(/≠ +screen: (booking-reference|screening-questions)/);
    const files = readdirSync(join(dir, 'nhs-covid-booking'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('check --json prints one document with the documented fields', async () => {
    const io = bufferIo();
    const code = await runCli(['check', 'nhs-covid-booking', '--seed', '2', '--json', '--oracles', 'indistinguishable', '--corpus', corpus()], io);
    expect(code).toBe(1);
    const doc = JSON.parse(io.out());
    expect(doc).toMatchObject({ version: 1, model: 'nhs-covid-booking', variant: 'vulnerable', seed: 2 });
    const f = doc.findings[0];
    for (const key of ['id', 'oracle', 'flaw', 'steps', 'observations', 'firstDifference', 'seed', 'path']) expect(f).toHaveProperty(key);
    expect(f.observations).toHaveProperty('a');
    expect(f.observations).toHaveProperty('b');
  });

  it('check on the fixed variant exits 0', async () => {
    const io = bufferIo();
    expect(await runCli(['check', 'nhs-covid-booking', '--variant', 'fixed', '--runs', '300', '--seed', '1', '--corpus', corpus()], io)).toBe(0);
    expect(io.out()).toMatch(/no findings/);
  });

  it('check says when --workers gives more lanes than the run has chunks', async () => {
    const io = bufferIo();
    const args = ['check', 'nhs-covid-booking', '--variant', 'fixed', '--oracles', 'indistinguishable', '--runs', '50', '--seed', '1', '--workers', '2', '--corpus', corpus()];
    expect(await runCli(args, io)).toBe(0);
    expect(io.out()).toContain('note: 2 lanes (--workers) but this run has 1 chunk (one per oracle per 100 runs), so only 1 searched');
    expect(io.out()).toContain('--runs 200 gives every lane a chunk');
  });

  it('check --shard runs only its slice of the chunks and says which it is', async () => {
    const run = async (extra: string[]) => {
      const io = bufferIo();
      const args = ['check', 'nhs-covid-booking', '--variant', 'fixed', '--runs', '200', '--seed', '3', '--json', '--corpus', corpus(), ...extra];
      expect(await runCli(args, io)).toBe(0);
      return JSON.parse(io.out()) as { shard?: string; stats: { cases: number } };
    };
    const whole = await run([]);
    const first = await run(['--shard', '1/2']);
    const second = await run(['--shard', '2/2']);
    expect(whole.shard).toBeUndefined();
    expect([first.shard, second.shard]).toEqual(['1/2', '2/2']);
    expect(first.stats.cases).toBeLessThan(whole.stats.cases);
    expect(first.stats.cases + second.stats.cases).toBe(whole.stats.cases);
  });

  it('replay exits 1 while the flaw is there and 0 against the fixed variant', async () => {
    const dir = corpus();
    await runCli(['check', 'nhs-covid-booking', '--seed', '4', '--oracles', 'indistinguishable', '--corpus', dir], bufferIo());
    const file = join(dir, 'nhs-covid-booking', readdirSync(join(dir, 'nhs-covid-booking'))[0] ?? '');
    const still = bufferIo();
    expect(await runCli(['replay', file], still)).toBe(1);
    expect(still.out()).toMatch(/STILL FAILING/);
    const fixed = bufferIo();
    expect(await runCli(['replay', file, '--variant', 'fixed'], fixed)).toBe(0);
    expect(fixed.out()).toMatch(/FIXED/);
  });

  it.each([
    [['check', './no/such/model'], /BF_MODEL_NOT_FOUND/],
    [['check', 'no-such-model'], /BF_MODEL_NOT_FOUND: no model named "no-such-model"/],
    [['check', 'nhs-covid-booking', '--variant', 'nope'], /BF_VARIANT_UNKNOWN: .*no variant "nope"/],
    [['check', 'nhs-covid-booking', '--flaws', 'status-dependent-screen,nope'], /BF_FLAW_UNKNOWN: .*no flaw "nope"/],
    [['check', 'nhs-covid-booking', '--oracles', 'nope'], /BF_ORACLE_UNKNOWN/],
    [['check', 'nhs-covid-booking', '--runs', '0'], /BF_USAGE: --runs must be at least 1/],
    [['frobnicate'], /BF_USAGE/],
  ])('%j exits 2 with one line naming the problem', async (args, message) => {
    const io = bufferIo();
    expect(await runCli(args, io)).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it('a malformed finding file exits 2 with one line naming file and field', async () => {
    const dir = corpus();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ id: 'x', model: 'nhs-covid-booking', oracle: 'indistinguishable', variant: 'vulnerable', flaws: [], seed: 1 }));
    const io = bufferIo();
    expect(await runCli(['replay', bad], io)).toBe(2);
    expect(io.err()).toMatch(/BF_FINDING_INVALID: .*bad\.json: field "counterexample" is missing/);
    const notJson = join(dir, 'garbage.json');
    writeFileSync(notJson, '{ not json');
    const io2 = bufferIo();
    expect(await runCli(['replay', notJson], io2)).toBe(2);
    expect(io2.err()).toMatch(/BF_FINDING_INVALID: .*garbage\.json: not JSON/);
  });

  it('a broken model file exits 2 naming the file', async () => {
    const dir = corpus();
    const file = join(dir, 'broken.ts');
    writeFileSync(file, 'export const model = { name: 42 };\n');
    const io = bufferIo();
    expect(await runCli(['check', file], io)).toBe(2);
    expect(io.err()).toMatch(/BF_MODEL_INVALID: .*broken\.ts: exports no model/);
    expect(readFileSync(file, 'utf8')).toContain('name: 42');
  });
});

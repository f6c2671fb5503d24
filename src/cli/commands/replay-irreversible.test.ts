import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseRunner } from '../../engine/check.js';
import type { Finding } from '../../engine/finding.js';
import { readFinding } from '../../engine/corpus.js';
import { replayFinding } from '../../engine/replay.js';
import { loadModel } from '../../model/load-model.js';
import { oracles } from '../../oracles/index.js';
import { runCli } from '../main.js';
import { bufferIo } from '../../harness/buffer-io.js';

const spec = fileURLToPath(new URL('../../../models/nhs-covid-booking/spec.yaml', import.meta.url));
const zooSpec = fileURLToPath(new URL('../../zoo/fixtures/idor-html.yaml', import.meta.url));

describe('replay of a finding whose case takes an irreversible step', () => {
  let dir = '';
  let file = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bookfuzz-irreversible-'));
    const io = bufferIo();
    // A second dose booked for someone else: found only when "confirm-booking" (irreversible) is sent.
    const args = ['fuzz', spec, '--staging', '--flaws', 'second-dose-unverified', '--allow-irreversible', '--oracles', 'authorized', '--seed', '1', '--runs', '40', '--corpus', dir];
    expect(await runCli(args, io)).toBe(1);
    const folder = join(dir, 'nhs-covid-booking');
    file = join(folder, readdirSync(folder).find((f) => f.startsWith('authorized-')) ?? '');
  }, 120_000);

  it('is SKIPPED against a site without --allow-irreversible (exit 2, never 0), and says which step', async () => {
    const finding = readFinding(file);
    const step = finding.steps.findIndex((s) => s.action === 'confirm-booking') + 1;
    expect(step).toBeGreaterThan(0);
    const io = bufferIo();
    expect(await runCli(['replay', file, '--staging'], io)).toBe(2);
    expect(io.out()).toContain(`SKIPPED       ${file}`);
    expect(io.out()).toContain(`needs --allow-irreversible: step ${step} 'confirm-booking' is irreversible`);
    expect(io.out()).toContain('1 skipped (not judged)');
    expect(io.out()).not.toMatch(/^FIXED/m);
  }, 60_000);

  it('is judged with --allow-irreversible: still failing on the flawed site, fixed on the fixed one', async () => {
    const still = bufferIo();
    expect(await runCli(['replay', file, '--staging', '--allow-irreversible'], still)).toBe(1);
    expect(still.out()).toMatch(/^STILL FAILING /m);
    const fixed = bufferIo();
    expect(await runCli(['replay', file, '--staging', '--allow-irreversible', '--variant', 'fixed'], fixed)).toBe(0);
    expect(fixed.out()).toMatch(/^FIXED /m);
  }, 60_000);

  it('a folder replay lists it as SKIPPED (JSON too) and exits 2', async () => {
    const io = bufferIo();
    expect(await runCli(['replay', dir, '--staging', '--json'], io)).toBe(2);
    const { results } = JSON.parse(io.out()) as { results: { status: string; reason?: string }[] };
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'SKIPPED', reason: expect.stringMatching(/^needs --allow-irreversible: step \d 'confirm-booking' is irreversible$/) });
  }, 60_000);

  it('a run whose steps were not sent (the side-effect guard stopped it) or could not be judged is never FIXED', async () => {
    const finding = readFinding(file);
    const model = await loadModel(spec);
    const stopped = { stopped: 'before an irreversible step (allow with --allow-irreversible)' };
    // A finding saved without the field, replayed without the model saying which steps are
    // irreversible: the runner's own stopped marker still keeps it from FIXED.
    const bare: Finding = { ...finding };
    delete bare.irreversible;
    const runner = (unjudged?: string): CaseRunner => ({
      mode: 'live',
      run: (kase) => {
        const trace = { world: kase.world, after: kase.world, steps: kase.steps.map((step, i) => ({ step, before: kase.world, result: { observation: i === kase.steps.length - 1 ? stopped : {}, outcome: 'refused' as const } })) };
        return { model, secret: { name: kase.secret, hiddenFrom: [], variation: kase.variation }, a: trace, b: trace, ...(unjudged ? { unjudged } : {}) };
      },
    });
    const last = bare.counterexample.steps.length;
    const result = await replayFinding(model, oracles, bare, {}, runner(), { allowIrreversible: true });
    expect(result.status).toBe('skipped');
    expect(result.reason).toBe(`step ${last} 'confirm-booking' was not sent: ${stopped.stopped}`);
    const unjudged = await replayFinding(model, oracles, bare, {}, runner('the site refused the set-up of side a'), { allowIrreversible: true });
    expect(unjudged).toMatchObject({ status: 'skipped', reason: 'could not be judged: the site refused the set-up of side a' });
  });
});

describe('check on a flow spec', () => {
  it('without screens: exit 2, model mode needs screens (or use fuzz), and no finding', async () => {
    const io = bufferIo();
    const corpus = mkdtempSync(join(tmpdir(), 'bookfuzz-noscreens-'));
    expect(await runCli(['check', zooSpec, '--runs', '20', '--seed', '1', '--corpus', corpus], io)).toBe(2);
    expect(io.err()).toBe(`bookfuzz: BF_USAGE: model mode needs screens (or use fuzz): ${zooSpec} has no screens\n`);
    expect(io.out()).toBe('');
    expect(readdirSync(corpus)).toEqual([]);
  });

  it('with screens: checked in model mode as before', async () => {
    const io = bufferIo();
    const corpus = mkdtempSync(join(tmpdir(), 'bookfuzz-screens-'));
    expect(await runCli(['check', spec, '--oracles', 'indistinguishable', '--seed', '1', '--corpus', corpus], io)).toBe(1);
    expect(io.out()).toMatch(/✗ indistinguishable/);
  });
});

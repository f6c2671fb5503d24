import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFinding } from '../engine/corpus.js';
import type { Finding } from '../engine/finding.js';
import { findingSink, shrunkLine } from './finding-sink.js';

const scratch = mkdtempSync(join(tmpdir(), 'bookfuzz-sink-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const corpus = join(scratch, 'corpus');
const saved = JSON.parse(readFileSync(new URL('../../corpora/nhs-covid-booking/second-dose-unverified.json', import.meta.url), 'utf8')) as Finding;

describe('findings saved as they are announced', () => {
  it('saves a finding when first confirmed, and over the same file once shrunk (the shrunk one has an id of its own)', () => {
    const save = findingSink(corpus, scratch);
    const steps = saved.counterexample.steps;
    const longer = [...steps, ...steps, ...steps];
    const first: Finding = { ...saved, id: 'aaaaaaaaaaaa', key: 'authorized/flaw:x', counterexample: { ...saved.counterexample, steps: longer }, found: { ms: 900, cases: 40, requests: 812, shrunk: false } };
    const shrunk: Finding = { ...saved, id: 'bbbbbbbbbbbb', key: 'authorized/flaw:x', found: { ms: 2400, cases: 40, requests: 1190, shrunk: true } };

    const one = save(first);
    expect(one.again).toBeUndefined();
    expect(one.shown).toBe(join('corpus', saved.model, `${saved.oracle}-aaaaaaaaaaaa.json`));
    expect(readFinding(one.path).found?.shrunk).toBe(false);

    const two = save(shrunk);
    expect(two.path).toBe(one.path);
    expect(two.again).toEqual({ id: 'aaaaaaaaaaaa', steps: longer.length });
    expect(readdirSync(join(corpus, saved.model))).toEqual([`${saved.oracle}-aaaaaaaaaaaa.json`]);
    const onDisk = readFinding(one.path);
    expect(onDisk.found?.shrunk).toBe(true);
    expect(onDisk.counterexample.steps).toHaveLength(steps.length);
    expect(shrunkLine(shrunk, two)).toBe(`  ${saved.oracle} [aaaaaaaaaaaa]: shrunk to ${steps.length} step${steps.length === 1 ? '' : 's'} (was ${longer.length}), saved again: ${one.shown}`);

    // Another finding (another key) gets a file of its own.
    const other = save({ ...saved, id: 'cccccccccccc', key: 'authorized/flaw:y' });
    expect(other.path).not.toBe(one.path);
    expect(other.again).toBeUndefined();
  });
});

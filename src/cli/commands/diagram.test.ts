import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseMermaid } from '../../diagram/parse-mermaid.js';
import { runCli } from '../main.js';
import { bufferIo } from '../../harness/buffer-io.js';

describe('bookfuzz diagram', () => {
  it('prints the Mermaid state diagram of a model on stdout and exits 0', async () => {
    const io = bufferIo();
    expect(await runCli(['diagram', 'nhs-covid-booking', '--cases', '100'], io)).toBe(0);
    const parsed = parseMermaid(io.out());
    expect(parsed.title).toBe('nhs-covid-booking: observed, not declared (variant vulnerable)');
    expect(parsed.states).toEqual(expect.arrayContaining(['enter-identity', 'verify-code', 'booking-reference', 'screening-questions']));
    expect(io.err()).toBe('');
  });

  it('draws a spec\'s declared screens, with the flaws of the variant asked for', async () => {
    const io = bufferIo();
    expect(await runCli(['diagram', 'models/nhs-covid-booking/spec.yaml', '--variant', 'fixed'], io)).toBe(0);
    const parsed = parseMermaid(io.out());
    expect(parsed.title).toBe('nhs-covid-booking: declared screens (variant fixed)');
    expect(parsed.transitions.filter((t) => t.flaws.length > 0)).toEqual([]);
    const flawed = bufferIo();
    expect(await runCli(['diagram', 'models/nhs-covid-booking/spec.yaml', '--flaws', 'status-dependent-screen'], flawed)).toBe(0);
    expect(parseMermaid(flawed.out()).transitions.some((t) => t.flaws.includes('status-dependent-screen'))).toBe(true);
  });

  it('writes a self-contained SVG with --format svg --out', async () => {
    const io = bufferIo();
    const out = join(mkdtempSync(join(tmpdir(), 'bookfuzz-diagram-')), 'flow.svg');
    expect(await runCli(['diagram', 'models/nhs-covid-booking/spec.yaml', '--format', 'svg', '--out', out], io)).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('verify&#45;code');
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^wrote .*flow\.svg: 9 states, \d+ transitions \(declared screens, variant vulnerable\)\n$/);
  });

  it('exits 2 with one line for an unknown model, variant, flaw or format', async () => {
    for (const argv of [
      ['diagram', 'no-such-model'],
      ['diagram', 'nhs-covid-booking', '--variant', 'nope'],
      ['diagram', 'nhs-covid-booking', '--flaws', 'nope'],
      ['diagram', 'nhs-covid-booking', '--format', 'png'],
    ]) {
      const io = bufferIo();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).toMatch(/^bookfuzz: BF_[A-Z_]+: .+\n$/);
      expect(io.out()).toBe('');
    }
  });
});

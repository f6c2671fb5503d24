import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { builtinModelsDir } from '../model/load-model.js';
import { lintSpec, warningLine } from './lint-spec.js';
import { lintRules } from './rules/index.js';
import { bufferIo } from '../harness/buffer-io.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const broken = readdirSync(fixtures).filter((f) => f.endsWith('.yaml') && f !== 'clean.yaml').sort();

/** The planted mistake of a fixture: the line that ends with `# lint: <rule>`. */
function planted(file: string): { rule: string; line: number } {
  const lines = readFileSync(join(fixtures, file), 'utf8').split('\n');
  const index = lines.findIndex((l) => /# lint: [a-z-]+\s*$/.test(l));
  return { rule: /# lint: ([a-z-]+)/.exec(lines[index] ?? '')?.[1] ?? '', line: index + 1 };
}

describe('lint', () => {
  it('has a broken fixture for every rule', () => {
    expect([...new Set(broken.map((f) => planted(f).rule))].sort()).toEqual(lintRules.map((r) => r.id).sort());
  });

  it.each(broken)('%s: finds the planted mistake, and only it, at its line and field', async (file) => {
    const { rule, line } = planted(file);
    const warnings = await lintSpec(join(fixtures, file));
    expect(warnings.map((w) => ({ rule: w.rule, line: warningLine(w) }))).toEqual([{ rule, line }]);
    expect(warnings[0]?.where).toMatch(new RegExp(`${file}:${line}:\\d+ [a-z]`));
  });

  it('gives no warning on the fixture the mistakes are planted in', async () => {
    expect(await lintSpec(join(fixtures, 'clean.yaml'))).toEqual([]);
  });

  const shipped = readdirSync(builtinModelsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
    .map((e) => join(builtinModelsDir, e.name, 'spec.yaml'));
  it.each(shipped)('gives no warning on the shipped spec %s', async (file) => {
    expect((await lintSpec(file)).map((w) => `${w.where}: ${w.message}`)).toEqual([]);
  });

  it('the warnings say what to do in the spec\'s own names', async () => {
    const [warning] = await lintSpec(join(fixtures, 'journey-ends-early.yaml'));
    expect(warning?.message).toContain("visitor's journey ends before any step whose screen depends on doses");
    expect(warning?.message).toContain('add one of verify');
  });

  it('bookfuzz lint: exit 0 with warnings, 1 with --strict, 2 when the spec does not load', async () => {
    const file = join(fixtures, 'policy-never-applies.yaml');
    const io = bufferIo();
    expect(await runCli(['lint', file], io)).toBe(0);
    expect(io.out()).toMatch(/^warning src\/lint\/fixtures\/policy-never-applies\.yaml:\d+:5 policy\.permits\.open: the rule for "open" never applies/m);
    expect(io.out()).toContain('lint: 1 warning');
    expect(await runCli(['lint', file, '--strict'], bufferIo())).toBe(1);
    expect(await runCli(['lint', join(fixtures, 'clean.yaml'), '--strict'], bufferIo())).toBe(0);
    const bad = bufferIo();
    expect(await runCli(['lint', join(fixtures, '..', 'lint-spec.ts.yaml')], bad)).toBe(2);
    expect(bad.err()).toMatch(/BF_MODEL_NOT_FOUND/);
  });

  it('check and fuzz print the warnings on stderr before they run, and run anyway', async () => {
    const file = join(fixtures, 'journey-ends-early.yaml');
    const corpus = mkdtempSync(join(tmpdir(), 'bookfuzz-lint-'));
    const check = bufferIo();
    expect(await runCli(['check', file, '--runs', '5', '--seed', '1', '--corpus', corpus], check)).toBe(0);
    expect(check.err()).toMatch(/^warning src\/lint\/fixtures\/journey-ends-early\.yaml:37:3 journeys\.visitor: /m);
    expect(check.out()).toMatch(/passed|no finding/i);
    const fuzz = bufferIo();
    await runCli(['fuzz', file, '--staging', '--runs', '1', '--seed', '1', '--progress-interval', '0', '--corpus', corpus], fuzz);
    expect(fuzz.err()).toMatch(/^warning src\/lint\/fixtures\/journey-ends-early\.yaml:37:3 journeys\.visitor: /m);
  }, 60_000);

  it('a spec that does not load is its load error, with file and line', async () => {
    await expect(lintSpec('broken.yaml', { text: 'name: x\ntitle: t\ndescription: d\nidentities: { count: 1 }\nactors: { a: {} }\nactions: { go: { actors: [b] } }\n' })).rejects.toMatchObject({
      code: 'BF_MODEL_INVALID',
      where: expect.stringMatching(/broken\.yaml:6:\d+ actions\.go\.actors\[0\]/),
    });
  });
});

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

/** Run the real CLI in a child process; `interruptAfterMs` sends SIGINT. */
function bookfuzz(args: string[], options: { cwd?: string; interruptAfterMs?: number } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/bookfuzz.js'), ...args], {
      cwd: options.cwd ?? root,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (options.interruptAfterMs !== undefined) {
      // Wait until the run has started (first output on stderr is none on a pipe), then interrupt.
      setTimeout(() => child.kill('SIGINT'), options.interruptAfterMs);
    }
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bookfuzz as a process', () => {
  it('Ctrl-C (SIGINT) stops the run, writes the report of what ran, and exits 130', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bookfuzz-sigint-'));
    const result = await bookfuzz(
      ['check', 'nhs-covid-booking', '--variant', 'fixed', '--runs', '1000000', '--seed', '1', '--corpus', out, '--report', 'json', '--out', out],
      { interruptAfterMs: 5000 },
    );
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted/);
    const report = JSON.parse(readFileSync(join(out, 'bookfuzz.json'), 'utf8'));
    expect(report.status).toBe('interrupted');
    expect(report.stats.cases).toBeGreaterThan(0);
  });

  it('Ctrl-C during a live run stops it, writes the findings and the report so far, and exits 130', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bookfuzz-sigint-live-'));
    const result = await bookfuzz(
      ['fuzz', 'household-booking', '--staging', '--flaws', 'idor-view', '--runs', '100000', '--seed', '1', '--corpus', out, '--report', 'json', '--out', out],
      { interruptAfterMs: 12000 },
    );
    expect(result.code).toBe(130);
    const report = JSON.parse(readFileSync(join(out, 'bookfuzz.json'), 'utf8'));
    expect(report.status).toBe('interrupted');
    expect(report.mode).toBe('live');
    // What was found before the interrupt is in the corpus, one file per finding in the report.
    const saved = existsSync(join(out, 'household-booking')) ? readdirSync(join(out, 'household-booking')) : [];
    expect(saved.length).toBeGreaterThanOrEqual(report.findings.length);
  }, 120_000);

  it('reads bookfuzz.config.json: models and reports from the file, flags override it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bookfuzz-config-'));
    writeFileSync(
      join(dir, 'bookfuzz.config.json'),
      JSON.stringify({ models: ['nhs-covid-booking'], variant: 'fixed', runs: 100, seed: 3, report: ['junit'], out: 'reports', corpus: 'found' }),
    );
    const clean = await bookfuzz(['check'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(existsSync(join(dir, 'reports', 'bookfuzz.junit.xml'))).toBe(true);
    const flagged = await bookfuzz(['check', '--variant', 'vulnerable', '--oracles', 'indistinguishable'], { cwd: dir });
    expect(flagged.code).toBe(1);
    expect(existsSync(join(dir, 'found', 'nhs-covid-booking'))).toBe(true);
  });

  it('an unknown configuration key exits 2 naming the key and the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bookfuzz-config-'));
    writeFileSync(join(dir, 'bookfuzz.config.json'), JSON.stringify({ models: ['nhs-covid-booking'], rpss: 3 }));
    const result = await bookfuzz(['check'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^bookfuzz: BF_CONFIG_INVALID: .*bookfuzz\.config\.json: unknown key "rpss"/);
  });
});

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

/**
 * Run the real CLI, and once its search is under way (its first progress line on stderr) and
 * `afterMs` more have passed, send it `signal`; returns the exit code and how long after the
 * signal the process ended.
 */
function bookfuzzStopped(args: string[], signal: 'SIGINT' | 'SIGTERM', afterMs: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; stoppedMs: number }>((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/bookfuzz.js'), ...args, '--progress-interval', '200ms'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let sentAt: number | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (sentAt === undefined && / cases, /.test(stderr)) {
        sentAt = Number.POSITIVE_INFINITY;
        setTimeout(() => {
          sentAt = performance.now();
          child.kill(signal);
        }, afterMs);
      }
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, stoppedMs: performance.now() - (sentAt ?? Number.NaN) }));
  });
}

describe('bookfuzz as a process', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal} stops a run of a hundred million runs within a second or so, writes its findings and reports, and exits ${code}`, async () => {
      const out = mkdtempSync(join(tmpdir(), `bookfuzz-${signal.toLowerCase()}-`));
      const result = await bookfuzzStopped(
        ['check', 'nhs-covid-booking', '--variant', 'vulnerable', '--runs', '100000000', '--seed', '1', '--corpus', out, '--report', 'json', '--out', out],
        signal,
        2000,
      );
      expect(result.code).toBe(code);
      expect(result.stoppedMs).toBeLessThan(1500);
      const report = JSON.parse(readFileSync(join(out, 'bookfuzz.json'), 'utf8'));
      expect(report.status).toBe('interrupted');
      expect(report.runs).toBe(100_000_000);
      expect(report.stats.cases).toBeGreaterThan(0);
      // Every finding in the report is in the corpus.
      expect(report.findings.length).toBeGreaterThan(0);
      expect(readdirSync(join(out, 'nhs-covid-booking')).length).toBeGreaterThanOrEqual(report.findings.length);
    }, 120_000);
  }

  it('--runs inf --duration 3s searches until the time is over, then reports (passed, not interrupted, exit 0)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bookfuzz-duration-'));
    const started = performance.now();
    const result = await bookfuzz(['check', 'nhs-covid-booking', '--variant', 'fixed', '--runs', 'inf', '--duration', '3s', '--seed', '1', '--corpus', out, '--json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.status).toBe('passed');
    expect(document.notes).toContain('stopped after 3s (--duration)');
    expect(document.stats.durationMs).toBeGreaterThan(1000);
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(document.runs).toBeGreaterThanOrEqual(1);
    // --json keeps stderr free of progress lines.
    expect(result.stderr).toBe('');
  }, 120_000);

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

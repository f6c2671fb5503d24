/**
 * The package as a user gets it: build dist/, `npm pack`, `npm install` of the tarball into an
 * empty project, and there run the CLI, a plain Node script, a vitest test with
 * `bookfuzz/vitest`, a TypeScript model of the user's own (the template, copied) and a flow spec.
 *
 * Time, on this project's 2-core machine: about 30 s in all when it is quiet (the build about
 * 6 s, the pack 2 s, the install about 10 s: the dependencies come from npm's cache when it has
 * them, else from the registry; the runs the rest), up to 85 s when four other agents share it. When the registry cannot be reached and the cache lacks a
 * dependency, the install fails and the tests that need it are skipped, saying so.
 *
 * The vitest that runs the user's test is this checkout's own (node_modules/vitest), started
 * in the user's project: vitest is not one of the package's dependencies.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { build, packageRoot } from './build.js';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of the user's shell: none of this test runner's own variables. */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'TSX_TSCONFIG_PATH' || key === 'FORCE_TTY') continue;
    env[key] = value;
  }
  return env;
}

/** Run a command to its end. */
function run(command: string, args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: userEnvironment() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** What an npm install that could not reach the registry says. */
const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|ENOTCACHED|network/i;

const work = mkdtempSync(join(tmpdir(), 'bookfuzz-pack-'));
const project = join(work, 'project');
const bookfuzz = join(project, 'node_modules', '.bin', 'bookfuzz');
const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
let packed: string[] = [];
/** Why the installed package cannot be tried, when it cannot. */
let notInstalled: string | undefined;

function needsInstall(context: TestContext): void {
  if (notInstalled !== undefined) context.skip(notInstalled);
}

beforeAll(async () => {
  build();
  const pack = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], packageRoot);
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [manifest] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  if (!manifest) throw new Error(`npm pack printed no manifest:\n${pack.stdout}`);
  packed = manifest.files.map((file) => file.path);

  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-booking-checks', private: true, type: 'module' }));
  const install = await run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, manifest.filename)], project);
  if (install.code !== 0) {
    if (!offline.test(install.stderr)) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
    notInstalled = `skipped: npm install of the tarball could not reach the registry (${install.stderr.split('\n').find((line) => offline.test(line))?.trim()})`;
  }
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the tarball', () => {
  it('holds the build, the bin, the models, corpora, README and licence', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/bookfuzz.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/index.js.map',
      'dist/vitest.js',
      'dist/vitest.d.ts',
      'dist/cli/main.js',
      'dist/staging/index.js',
      'dist/engine/chunk-worker-entry.mjs',
      'dist/report/run-document.schema.json',
      'models/README.md',
      'models/_template/index.ts',
      'models/nhs-covid-booking/index.ts',
      'models/nhs-covid-booking/spec.yaml',
    ]) {
      expect(packed, file).toContain(file);
    }
    expect(packed.some((file) => file.startsWith('corpora/'))).toBe(true);
  });

  it('holds no tests, no TypeScript sources of bookfuzz, no benchmarks and no test fixtures', () => {
    expect(packed.filter((file) => /\.test\.[cm]?[jt]s$|http-contract\.ts$/.test(file))).toEqual([]);
    expect(packed.filter((file) => file.startsWith('src/'))).toEqual([]);
    expect(packed.filter((file) => /^dist\/(bench|zoo|contract)\/|test-support|fixtures\//.test(file))).toEqual([]);
  });
});

describe('installed from the tarball', () => {
  it('runs the CLI: --version, models, check', async (context) => {
    needsInstall(context);
    const [shown, models, checked] = await Promise.all([
      run(bookfuzz, ['--version'], project),
      run(bookfuzz, ['models'], project),
      run(bookfuzz, ['check', 'nhs-covid-booking', '--runs', '20', '--seed', '1'], project),
    ]);
    expect(shown).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(models.stderr).toBe('');
    expect(models.code).toBe(0);
    for (const name of ['household-booking', 'nhs-covid-booking', 'record-access', 'referral-smartcard', 'sealed-envelope']) {
      expect(models.stdout).toContain(`${name} — `);
    }
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/\d+ findings? — nhs-covid-booking \(vulnerable\)/);
  });

  it('searches on two worker threads, from a bundle of the worker made from dist/ and the TypeScript model', async (context) => {
    needsInstall(context);
    // Six oracles make six chunks even of 20 runs: two lanes take them.
    const twoLanes = await run(bookfuzz, ['check', 'nhs-covid-booking', '--variant', 'fixed', '--runs', '20', '--seed', '1', '--workers', '2'], project);
    expect(twoLanes.stderr).toBe('');
    expect(twoLanes.code).toBe(0);
    expect(twoLanes.stdout).toMatch(/no findings — nhs-covid-booking \(fixed\)/);
    // The bundle (not the slower fallback through tsx) was made from this package's dist/.
    const bundles = join(tmpdir(), 'bookfuzz');
    const workerModule = join(project, 'node_modules', 'bookfuzz', 'dist', 'engine', 'chunk-worker.js');
    const manifests = readdirSync(bundles).filter((name) => /^chunk-worker-[0-9a-f]+\.json$/.test(name));
    expect(manifests.some((name) => readFileSync(join(bundles, name), 'utf8').includes(JSON.stringify(workerModule)))).toBe(true);
  });

  it('serves a plain Node script: import { check } from "bookfuzz", no TypeScript loader on the command line', async (context) => {
    needsInstall(context);
    writeFileSync(
      join(project, 'plain.mjs'),
      [
        "import { check, listModelNames } from 'bookfuzz';",
        "const run = await check('nhs-covid-booking', { variant: 'fixed', runs: 20, seed: 1 });",
        "console.log(JSON.stringify({ models: listModelNames().length, status: run.status, findings: run.findings.length }));",
      ].join('\n'),
    );
    const plain = await run(process.execPath, ['plain.mjs'], project);
    expect(plain.stderr).toBe('');
    expect(JSON.parse(plain.stdout)).toEqual({ models: 5, status: 'passed', findings: 0 });
  });

  it('keeps tsx out of what bookfuzz imports to start: it is loaded only for a TypeScript model', (context) => {
    needsInstall(context);
    const dist = join(project, 'node_modules', 'bookfuzz', 'dist');
    const staticImports = (file: string): string[] =>
      [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s(?:[^;]*?\sfrom\s)?['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
    const seen = new Set<string>();
    const external = new Set<string>();
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of staticImports(file)) {
        if (specifier.startsWith('.')) walk(join(file, '..', specifier));
        else external.add(specifier.split('/')[0] ?? specifier);
      }
    };
    walk(join(dist, 'index.js'));
    walk(join(dist, 'cli', 'main.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...external].filter((name) => name === 'tsx' || name === 'esbuild' || name === 'typescript')).toEqual([]);
  });

  it('runs a vitest test that uses bookfuzz/vitest', async (context) => {
    needsInstall(context);
    writeFileSync(
      join(project, 'booking.test.ts'),
      [
        "import { expect, test } from 'vitest';",
        "import { check } from 'bookfuzz';",
        "import { expectNoFindings, FindingsError } from 'bookfuzz/vitest';",
        '',
        "test('the fixed booking flow leaks nothing', () => expectNoFindings(check('nhs-covid-booking', { variant: 'fixed', runs: 20, seed: 1 })));",
        "test('the vulnerable one fails with its findings', async () => {",
        "  await expect(expectNoFindings(check('nhs-covid-booking', { runs: 20, seed: 1 }))).rejects.toBeInstanceOf(FindingsError);",
        '});',
      ].join('\n'),
    );
    const vitest = join(packageRoot, 'node_modules', 'vitest', 'vitest.mjs');
    const tested = await run(process.execPath, [vitest, 'run', '--root', project, 'booking.test.ts'], project);
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/Tests\s+2 passed/);
  });

  it("loads the user's own TypeScript model, made from the template, and type-checks it against the package's declarations", async (context) => {
    needsInstall(context);
    cpSync(join(project, 'node_modules', 'bookfuzz', 'models', '_template'), join(project, 'my-flow'), { recursive: true });
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2023',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(packageRoot, 'node_modules', '@types')],
        },
        include: ['my-flow'],
      }),
    );
    const tsc = join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const [checked, typed] = await Promise.all([
      run(bookfuzz, ['check', './my-flow', '--runs', '20', '--seed', '1'], project),
      run(process.execPath, [tsc, '-p', project], project),
    ]);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/1 finding — template \(vulnerable\)/);
    expect(typed.stdout + typed.stderr).toBe('');
    expect(typed.code).toBe(0);
  });

  it("checks the user's own flow spec (YAML with screens) in model mode", async (context) => {
    needsInstall(context);
    cpSync(join(project, 'node_modules', 'bookfuzz', 'models', 'nhs-covid-booking', 'spec.yaml'), join(project, 'my-site.yaml'));
    const checked = await run(bookfuzz, ['check', 'my-site.yaml', '--runs', '20', '--seed', '1'], project);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/\d+ findings? — nhs-covid-booking \(vulnerable\)/);
  });
});

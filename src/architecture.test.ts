/** The house rules on dependency direction, checked by reading import lines. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracles } from './oracles/index.js';

const root = resolve(new URL('..', import.meta.url).pathname);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
}

function resolved(file: string, specifier: string): string {
  return specifier.startsWith('.') ? relative(root, resolve(file, '..', specifier)) : specifier;
}

const sources = files(join(root, 'src')).filter((f) => !f.endsWith('.test.ts'));

describe('dependency direction', () => {
  it('src never imports models', () => {
    const offenders = sources.flatMap((f) => imports(f).filter((s) => resolved(f, s).startsWith('models/')).map((s) => `${relative(root, f)} → ${s}`));
    expect(offenders).toEqual([]);
  });

  /** `src/` files under `dir` whose imports resolve into a path matching `forbidden`, as `file → import`. */
  const offendersIn = (dir: string, forbidden: (path: string) => boolean): string[] =>
    sources
      .filter((f) => relative(root, f).startsWith(dir))
      .flatMap((f) =>
        imports(f)
          .map((s) => resolved(f, s))
          .filter(forbidden)
          .map((p) => `${relative(root, f)} → ${p}`),
      );

  it('the engine imports no reporter, no CLI, no live mode, no harness and no HTTP client', () => {
    // From the transport it may use pure helpers (redaction, the exchange types), never a client.
    const forbidden = (p: string) => /^src\/(report|cli|staging|live|harness|flow-spec)\//.test(p) || (/^src\/http\//.test(p) && !/^src\/http\/(redact|types)\.js$/.test(p)) || p === 'undici';
    expect(offendersIn('src/engine/', forbidden)).toEqual([]);
  });

  it('the HTTP transport sits below the engine: it imports nothing above it', () => {
    const forbidden = (p: string) => /^src\/(engine|oracles|live|harness|flow-spec|report|cli|staging|zoo)\//.test(p);
    expect(offendersIn('src/http/', forbidden)).toEqual([]);
  });

  it('live mode is called by the CLI and the API, never the other way round', () => {
    expect(offendersIn('src/live/', (p) => /^src\/(cli|harness)\//.test(p))).toEqual([]);
  });

  it('only tests, benchmarks and the contract suite use the test harnesses', () => {
    const users = /^src\/(harness|bench|contract)\//;
    const offenders = sources
      .filter((f) => !users.test(relative(root, f)) && !/test-support\.ts$/.test(f) && relative(root, f) !== 'src/index.ts')
      .flatMap((f) => imports(f).map((s) => resolved(f, s)).filter((p) => p.startsWith('src/harness/')).map((p) => `${relative(root, f)} → ${p}`));
    expect(offenders).toEqual([]);
  });

  it('oracles import only pure helpers and types below them (identity, observe, model, other oracles)', () => {
    // Types too: the trace an oracle reads is the model's (src/model/trace.ts), not the engine's.
    expect(offendersIn('src/oracles/', (p) => p.startsWith('src/') && !/^src\/(oracles|identity|observe|model)\//.test(p))).toEqual([]);
  });

  it('models import only the public API, by its name, as a model outside this repository does', () => {
    // 'bookfuzz' is the sources in this checkout (tsconfig.json "paths", and the vitest config)
    // and dist/ in an installed package (package.json "exports"); a path into src/ would not be
    // there in the package.
    const modelFiles = files(join(root, 'models')).filter((f) => !f.endsWith('.test.ts'));
    const offenders = modelFiles.flatMap((f) =>
      imports(f)
        .filter((s) => resolved(f, s).startsWith('src/') || (/^bookfuzz\//.test(s) && s !== 'bookfuzz/vitest'))
        .map((s) => `${relative(root, f)} → ${s}`),
    );
    expect(offenders).toEqual([]);
    expect(modelFiles.some((f) => imports(f).includes('bookfuzz'))).toBe(true);
  });
});

describe('the oracle list', () => {
  it('names every oracle file once, and each id is its file name', () => {
    const dir = join(root, 'src/oracles');
    const onDisk = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !['index.ts', 'oracle.ts', 'welch.ts'].includes(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(oracles.map((o) => o.id).sort()).toEqual(onDisk);
  });
});

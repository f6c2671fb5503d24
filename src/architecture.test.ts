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

  it('the engine imports no reporter, no CLI and no concrete target', () => {
    const engine = sources.filter((f) => relative(root, f).startsWith('src/engine/'));
    const offenders = engine.flatMap((f) =>
      imports(f)
        .map((s) => resolved(f, s))
        .filter((p) => /^src\/(report|cli|staging)\//.test(p) || /^src\/targets\/.*(create|client|interceptor)/.test(p) || p === 'undici')
        .map((p) => `${relative(root, f)} → ${p}`),
    );
    expect(offenders).toEqual([]);
  });

  it('oracles import only types and pure helpers (identity, observe, other oracles)', () => {
    const oracleFiles = sources.filter((f) => relative(root, f).startsWith('src/oracles/'));
    const allowed = /^src\/(oracles|identity|observe|model)\//;
    const offenders = oracleFiles.flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      return imports(f)
        .filter((s) => {
          const p = resolved(f, s);
          const typeOnly = new RegExp(`import type [^;]*from ['"]${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`).test(text);
          return !typeOnly && !allowed.test(p);
        })
        .map((s) => `${relative(root, f)} → ${s}`);
    });
    expect(offenders).toEqual([]);
  });

  it('models import only the public API', () => {
    const modelFiles = files(join(root, 'models')).filter((f) => !f.endsWith('.test.ts'));
    const offenders = modelFiles.flatMap((f) =>
      imports(f)
        .filter((s) => {
          const p = resolved(f, s);
          return p.startsWith('src/') && p !== 'src/index.js';
        })
        .map((s) => `${relative(root, f)} → ${s}`),
    );
    expect(offenders).toEqual([]);
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

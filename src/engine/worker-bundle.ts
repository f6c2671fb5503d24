/**
 * The chunk worker as one JavaScript file, made for the run with esbuild: a worker thread that
 * loads it starts in about 150 ms, against about 500 ms for loading the TypeScript sources
 * module by module through tsx's loader. The bundle includes the model module (or, for a flow
 * spec, the spec loader), so the worker needs no TypeScript loader at all.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = (file: string) => JSON.stringify(join(here, file));

/** The entry module for a model given by its source file (a `.ts`/`.js` module or a flow spec). */
export function workerEntrySource(modelSource: string): string {
  // A flow spec is read when the worker starts (the spec loader is bundled), as under tsx.
  if (/\.(ya?ml|json)$/i.test(modelSource)) return `import ${source('./chunk-worker-by-path.ts')};`;
  return [
    `import * as modelModule from ${JSON.stringify(modelSource)};`,
    `import { modelFromModule } from ${source('../model/load-model.ts')};`,
    `import { startChunkWorker } from ${source('./chunk-worker.ts')};`,
    `await startChunkWorker(async () => modelFromModule(modelModule, ${JSON.stringify(modelSource)}));`,
  ].join('\n');
}

/** What was bundled: every input file with its size and modification time, to tell whether a bundle is still current. */
interface BundleManifest {
  bundle: string;
  inputs: { path: string; size: number; mtimeMs: number }[];
}

/** The name esbuild gives the generated entry among the bundle's inputs. */
const entryName = '<bookfuzz chunk worker>';

const cacheDir = () => join(tmpdir(), 'bookfuzz');

/** A bundle made earlier from the same entry whose inputs have not changed since (a few stat calls), or undefined. */
function currentBundle(manifestFile: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BundleManifest;
    if (!existsSync(manifest.bundle)) return undefined;
    for (const input of manifest.inputs) {
      const stat = statSync(input.path);
      if (stat.size !== input.size || stat.mtimeMs !== input.mtimeMs) return undefined;
    }
    return manifest.bundle;
  } catch {
    return undefined;
  }
}

/** Bundles not written or used for this long are removed when a new one is made. */
const staleAfterMs = 24 * 60 * 60 * 1000;

/**
 * Remove old bundles. Not the one a new bundle replaces at once: a run that started a moment
 * ago may still be starting workers from it.
 */
function removeStaleBundles(dir: string, now: number): void {
  for (const name of readdirSync(dir)) {
    if (!/^chunk-worker-[0-9a-f]+\.mjs$/.test(name)) continue;
    const file = join(dir, name);
    try {
      if (now - statSync(file).mtimeMs > staleAfterMs) rmSync(file, { force: true });
    } catch {
      // removed by another run meanwhile
    }
  }
}

/** Touch a bundle, so that it is not taken for stale. */
function markUsed(file: string): void {
  const now = new Date();
  utimesSync(file, now, now);
}

/** Write whole under another name first, so a run starting beside this one never reads half a file. */
function writeWhole(file: string, contents: string | Uint8Array): void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, contents);
  renameSync(partial, file);
}

/**
 * Bundle the chunk worker for `modelSource` into a file under the temporary folder and return
 * its URL, or `undefined` when it cannot be bundled (esbuild missing, or a model that imports
 * something a bundle cannot hold): the caller then starts workers through tsx, which is slower
 * to start but runs the same code. A bundle is made again only when one of its input files
 * changed, so a run whose sources are as before starts its workers without esbuild; bundles
 * unused for a day are removed when a new one is made.
 */
export async function workerBundle(modelSource: string): Promise<URL | undefined> {
  try {
    const entry = workerEntrySource(modelSource);
    const { build, version } = await import('esbuild');
    const key = createHash('sha256').update(`${version}\u0000${process.version}\u0000${entry}`).digest('hex').slice(0, 16);
    const manifestFile = join(cacheDir(), `chunk-worker-${key}.json`);
    const cached = currentBundle(manifestFile);
    if (cached) {
      markUsed(cached);
      return pathToFileURL(cached);
    }

    const result = await build({
      stdin: { contents: entry, resolveDir: here, loader: 'ts', sourcefile: entryName },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      metafile: true,
      // The worker never bundles anything itself.
      external: ['esbuild'],
      logLevel: 'silent',
      // Bundled CommonJS packages call require(): give the ES module one.
      banner: { js: "import { createRequire as bookfuzzCreateRequire } from 'node:module'; const require = bookfuzzCreateRequire(import.meta.url);" },
    });
    const code = result.outputFiles[0]?.contents;
    if (!code) return undefined;
    mkdirSync(cacheDir(), { recursive: true });
    const bundle = join(cacheDir(), `chunk-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (existsSync(bundle)) markUsed(bundle);
    else writeWhole(bundle, code);
    const inputs = Object.keys(result.metafile.inputs)
      .filter((path) => !path.endsWith(entryName))
      .map((path) => {
        const absolute = resolve(process.cwd(), path);
        const stat = statSync(absolute);
        return { path: absolute, size: stat.size, mtimeMs: stat.mtimeMs };
      });
    writeWhole(manifestFile, JSON.stringify({ bundle, inputs } satisfies BundleManifest));
    removeStaleBundles(cacheDir(), Date.now());
    return pathToFileURL(bundle);
  } catch {
    return undefined;
  }
}

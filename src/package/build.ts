/**
 * `npm run build`: compile what bookfuzz runs (the CLI, the public API, `bookfuzz/vitest` and the
 * chunk worker) to `dist/` as ES modules with declarations and source maps, and copy the few
 * files it reads or starts by path. `npm pack` runs it first (`prepack`), so a package always
 * holds a fresh build; the checkout itself runs the sources and never needs one.
 *
 * Which files: tsc compiles the entry points of `tsconfig.build.json` and every module they
 * import, statically or with `import('...')`, and nothing else. Tests, benchmarks, test
 * harnesses and the leak zoo are not imported by any of them, so they stay out without a list
 * to keep up to date.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder (where package.json is). */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Files the built code reads or starts by path, copied beside their compiled neighbours. */
const assets = [
  // The worker thread's entry when no bundle can be made (src/engine/worker-executor.ts).
  'engine/chunk-worker-entry.mjs',
  // The shape of a run document, for users who validate `--json` output (`bookfuzz/run-document.schema.json`).
  'report/run-document.schema.json',
];

/**
 * Sibling modules that `src/engine/` names by their source file (`./chunk-worker.ts`) in a
 * string, to bundle or import at run time: in dist the file is `.js`. Rewritten in the built
 * copies only, and only these names.
 */
const namedBySource = ['chunk-worker-by-path', 'chunk-worker', 'model/load-model'];
const namingFiles = ['engine/worker-bundle.js', 'engine/chunk-worker-entry.mjs'];

/** Replace `'./chunk-worker.ts'`-style names of the listed modules with their `.js` names. */
export function renameSourceReferences(text: string): string {
  return namedBySource.reduce((out, name) => out.replaceAll(new RegExp(`(['"](?:\\./|\\.\\./)${name})\\.ts(['"])`, 'g'), '$1.js$2'), text);
}

/** Every `.js`/`.mjs` file under `dir`. */
function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scripts(path);
    return /\.m?js$/.test(entry.name) ? [path] : [];
  });
}

/** Places in built code that still name a `.ts` file in a string: each would fail in the package, where no sources are. */
export function sourceReferences(dir: string): string[] {
  return scripts(dir).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/['"`][^'"`\s]*\.ts['"`]/g)]
      .map((match) => match[0])
      // Comments and messages that speak of TypeScript files in general (`index.ts`, `*.test.ts`) are not paths to load.
      .filter((literal) => /^['"`]\.\.?\//.test(literal))
      .map((literal) => `${relative(packageRoot, file)}: ${literal}`),
  );
}

/** Build `dist/` from the sources; throws with tsc's output when the compile fails. */
export function build(root = packageRoot): void {
  const dist = join(root, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${compiled.stdout}${compiled.stderr}`);
  for (const asset of assets) copyFileSync(join(root, 'src', asset), join(dist, asset));
  for (const file of namingFiles.map((f) => join(dist, f)).filter((f) => existsSync(f))) {
    writeFileSync(file, renameSourceReferences(readFileSync(file, 'utf8')));
  }
  const left = sourceReferences(dist);
  if (left.length > 0) throw new Error(`built code still names TypeScript sources, which the package does not hold:\n${left.join('\n')}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  build();
  process.stdout.write(`dist/ built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

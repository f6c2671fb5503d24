import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BookfuzzError } from '../errors.js';
import type { Model } from './model.js';

/**
 * True when this module runs as its TypeScript source (the checkout, under tsx or vitest), which
 * imports `.ts` files already. The compiled package (dist/) registers tsx first, on the first
 * TypeScript model it loads.
 */
const runsFromSources = import.meta.url.endsWith('.ts');

/**
 * Make `.ts` files importable, once per process. The module is named by URL, not by a literal
 * import, so that esbuild leaves tsx out of the worker bundles that hold this module
 * (src/engine/worker-bundle.ts): a bundled worker has its model in the bundle and loads no
 * TypeScript.
 */
let typeScriptRegistered: Promise<unknown> | undefined;
function registerTypeScript(): Promise<unknown> {
  typeScriptRegistered ??= import(new URL('./register-typescript.js', import.meta.url).href);
  return typeScriptRegistered;
}

/** The folder of the models shipped with bookfuzz. */
export const builtinModelsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../models');

/** Names of the shipped models (folders under `models/` with an `index.ts`; `_`-prefixed folders such as the template are left out). */
export function listModelNames(dir = builtinModelsDir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && existsSync(join(dir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

export interface LoadModelOptions {
  /** Flow specs: generate and send steps marked irreversible (`--allow-irreversible`). */
  allowIrreversible?: boolean;
}

/**
 * Load a model by name (a folder under `models/`) or by path: a folder with `index.ts`, a
 * `.ts`/`.js` file exporting `model` (or a default export) made with `defineModel`, or a flow
 * spec (`.yaml`, `.yml`, `.json`; see docs/flow-spec.md).
 */
export async function loadModel(nameOrPath: string, cwd = process.cwd(), options: LoadModelOptions = {}): Promise<Model> {
  if (/\.(ya?ml|json)$/i.test(nameOrPath)) {
    const path = isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath);
    if (!existsSync(path)) throw new BookfuzzError('BF_MODEL_NOT_FOUND', 'no such flow spec file', { where: path });
    // Loaded only for specs: the YAML parser and the schemas stay out of other runs.
    const { loadSpecModel } = await import('../flow-spec/load-spec-model.js');
    return { ...(await loadSpecModel(path, { allowIrreversible: options.allowIrreversible === true })), source: path };
  }
  const file = locate(nameOrPath, cwd);
  let module: Record<string, unknown>;
  try {
    if (!runsFromSources && /\.[cm]?ts$/.test(file)) await registerTypeScript();
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof BookfuzzError) throw error;
    throw new BookfuzzError('BF_MODEL_INVALID', `could not be loaded: ${error instanceof Error ? error.message : String(error)}`, {
      where: file,
      cause: error,
    });
  }
  return modelFromModule(module, file);
}

/** The model a loaded model file exports (`model`, or the default export), marked with its source file. */
export function modelFromModule(module: Record<string, unknown>, file: string): Model {
  const candidate = module['model'] ?? module['default'];
  if (!isModel(candidate)) {
    throw new BookfuzzError('BF_MODEL_INVALID', 'exports no model: export `model` (or a default) made with defineModel()', {
      where: file,
    });
  }
  return { ...candidate, source: file };
}

function locate(nameOrPath: string, cwd: string): string {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.includes('\\') || /\.(ts|js|mjs)$/.test(nameOrPath);
  if (!looksLikePath) {
    const file = join(builtinModelsDir, nameOrPath, 'index.ts');
    if (existsSync(file)) return file;
    throw new BookfuzzError(
      'BF_MODEL_NOT_FOUND',
      `no model named "${nameOrPath}" (models: ${listModelNames().join(', ') || 'none'}); give a path to load your own`,
    );
  }
  const path = isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath);
  for (const file of [path, join(path, 'index.ts'), join(path, 'index.js')]) {
    if (existsSync(file) && !file.endsWith('/') && /\.(ts|js|mjs)$/.test(file)) return file;
  }
  throw new BookfuzzError('BF_MODEL_NOT_FOUND', 'no model file there (expected a .ts/.js file or a folder with index.ts)', {
    where: path,
  });
}

function isModel(value: unknown): value is Model {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['name'] === 'string' && typeof record['simulator'] === 'function' && typeof record['variants'] === 'object';
}

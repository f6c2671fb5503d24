import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BookfuzzError } from '../errors.js';

/** Defaults for CI jobs: `bookfuzz.config.json` (or `.ts`, default export) in the working folder. */
export interface BookfuzzConfig {
  /** Models `check` runs when none is named on the command line. */
  models?: string[];
  variant?: string;
  flaws?: string[];
  runs?: number;
  seed?: number;
  oracles?: string[];
  corpus?: string;
  /** Report formats: json, junit, sarif, html. */
  report?: string[];
  out?: string;
  /** Live mode: the site to fuzz, hosts allowed besides loopback, requests per second, request budget. */
  target?: string;
  allowHost?: string[];
  rps?: number;
  budget?: number;
}

type Kind = 'string' | 'strings' | 'integer';
const keys: Record<keyof BookfuzzConfig, Kind> = {
  models: 'strings',
  variant: 'string',
  flaws: 'strings',
  runs: 'integer',
  seed: 'integer',
  oracles: 'strings',
  corpus: 'string',
  report: 'strings',
  out: 'string',
  target: 'string',
  allowHost: 'strings',
  rps: 'integer',
  budget: 'integer',
};

export const configFileNames = ['bookfuzz.config.json', 'bookfuzz.config.ts'] as const;

/**
 * Read the configuration: the file given (`--config`), else the first of `configFileNames` in
 * `cwd`, else none. Unknown keys and wrong types are `BF_CONFIG_INVALID` errors naming the key.
 */
export async function loadConfig(cwd: string, explicit?: string): Promise<{ config: BookfuzzConfig; file?: string }> {
  const file = explicit
    ? isAbsolute(explicit)
      ? explicit
      : resolve(cwd, explicit)
    : configFileNames.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
  if (!file) return { config: {} };
  if (!existsSync(file)) throw new BookfuzzError('BF_CONFIG_INVALID', 'no such configuration file', { where: file });
  let raw: unknown;
  try {
    if (file.endsWith('.json')) raw = JSON.parse(readFileSync(file, 'utf8'));
    else raw = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  } catch (error) {
    throw new BookfuzzError('BF_CONFIG_INVALID', `could not be read: ${error instanceof Error ? error.message : String(error)}`, {
      where: file,
    });
  }
  return { config: validateConfig(raw, file), file };
}

/** Check a configuration value; exported for tests and for configs built in code. */
export function validateConfig(raw: unknown, where: string): BookfuzzConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BookfuzzError('BF_CONFIG_INVALID', 'the configuration must be an object', { where });
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const kind = (keys as Record<string, Kind | undefined>)[key];
    if (!kind) {
      throw new BookfuzzError('BF_CONFIG_INVALID', `unknown key "${key}" (keys: ${Object.keys(keys).join(', ')})`, { where });
    }
    const ok =
      kind === 'string'
        ? typeof value === 'string'
        : kind === 'integer'
          ? Number.isSafeInteger(value)
          : Array.isArray(value) && value.every((item) => typeof item === 'string');
    if (!ok) {
      const expected = kind === 'strings' ? 'a list of strings' : kind === 'integer' ? 'a whole number' : 'a string';
      throw new BookfuzzError('BF_CONFIG_INVALID', `key "${key}" must be ${expected}`, { where });
    }
    out[key] = value;
  }
  return out as BookfuzzConfig;
}

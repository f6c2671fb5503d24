import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BookfuzzError } from '../errors.js';
import { redactFinding } from './redact-finding.js';
import type { Finding } from './finding.js';

/**
 * Write a text file atomically: to a temporary name beside it, then renamed, so a reader (or
 * a crash, or Ctrl-C) never sees half a file.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    throw new BookfuzzError('BF_IO', `could not write: ${error instanceof Error ? error.message : String(error)}`, {
      where: path,
      cause: error,
    });
  }
}

/**
 * Save a finding as `<dir>/<model>/<oracle>-<id>.json` and return the path. Its credentials are
 * redacted (`redactFinding`; a finding built by the engine already is, one merged from older
 * documents may not be).
 */
export function saveFinding(dir: string, finding: Finding): string {
  const folder = join(dir, finding.model);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new BookfuzzError('BF_IO', `could not create the corpus folder: ${String(error)}`, { where: folder });
  }
  const path = join(folder, `${finding.oracle}-${finding.id}.json`);
  writeFileAtomic(path, `${JSON.stringify(redactFinding(finding), null, 2)}\n`);
  return path;
}

/** Finding files under a path: the file itself, or every `*.json` below a folder, sorted. */
export function findingFiles(path: string): string[] {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new BookfuzzError('BF_IO', 'no such file or folder', { where: path });
  }
  if (!stats.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...findingFiles(child));
    else if (entry.name.endsWith('.json')) out.push(child);
  }
  return out.sort();
}

/** Read and check a finding file; a malformed one is a `BF_FINDING_INVALID` naming what is wrong. */
export function readFinding(path: string): Finding {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BookfuzzError('BF_IO', `could not read: ${error instanceof Error ? error.message : String(error)}`, { where: path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BookfuzzError('BF_FINDING_INVALID', `not JSON (${error instanceof Error ? error.message : String(error)})`, {
      where: path,
    });
  }
  const problem = findingProblem(value);
  if (problem) throw new BookfuzzError('BF_FINDING_INVALID', problem, { where: path });
  return value as Finding;
}

function findingProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a finding must be a JSON object';
  const f = value as Record<string, unknown>;
  for (const key of ['id', 'model', 'oracle', 'variant'] as const) {
    if (typeof f[key] !== 'string') return `field "${key}" must be a string`;
  }
  if (!Array.isArray(f['flaws']) || !f['flaws'].every((x) => typeof x === 'string')) return 'field "flaws" must be a list of strings';
  if (typeof f['seed'] !== 'number') return 'field "seed" must be a number';
  const c = f['counterexample'];
  if (typeof c !== 'object' || c === null) return 'field "counterexample" is missing';
  const kase = c as Record<string, unknown>;
  if (typeof kase['world'] !== 'object' || kase['world'] === null) return 'field "counterexample.world" must be an object';
  if (typeof kase['secret'] !== 'string') return 'field "counterexample.secret" must be a string';
  if (!Array.isArray(kase['steps'])) return 'field "counterexample.steps" must be a list';
  for (const [i, step] of kase['steps'].entries()) {
    const s = step as Record<string, unknown> | null;
    if (!s || typeof s['actor'] !== 'string' || typeof s['action'] !== 'string' || typeof s['input'] !== 'object') {
      return `step ${i + 1} of "counterexample.steps" needs actor, action and input`;
    }
  }
  return null;
}

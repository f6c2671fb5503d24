import { relative } from 'node:path';
import { findingKey } from '../engine/chunks.js';
import { saveFinding, writeFileAtomic } from '../engine/corpus.js';
import type { Finding } from '../engine/finding.js';
import { redactFinding } from '../engine/redact-finding.js';

/** Where a finding was saved, and whether it was an update of one saved before. */
export interface SavedFinding {
  /** The corpus file. */
  path: string;
  /** The file as the user is shown it: relative to the working folder when inside it. */
  shown: string;
  /** Steps in the counterexample. */
  steps: number;
  /** The finding was saved before in this run (first confirmed, now shrunk): this file was overwritten. */
  again?: { id: string; steps: number };
}

/**
 * Saves each finding to the corpus as the engine announces it: when it is first confirmed (a long
 * shrink cannot lose it), and again when the same finding (`finding.key`) comes back shrunk, over
 * the same file. A shrunk finding has an id of its own (its steps changed), so the second save is
 * written to the file of the first, not to a name of its own: one file per finding.
 */
export function findingSink(corpus: string, cwd: string): (finding: Finding) => SavedFinding {
  const saved = new Map<string, { path: string; id: string; steps: number }>();
  return (finding) => {
    const key = findingKey(finding);
    const before = saved.get(key);
    const steps = finding.counterexample.steps.length;
    let path: string;
    if (before === undefined) {
      path = saveFinding(corpus, finding);
      saved.set(key, { path, id: finding.id, steps });
    } else {
      // As `saveFinding` writes it (atomically, redacted), at the first save's path.
      path = before.path;
      writeFileAtomic(path, `${JSON.stringify(redactFinding(finding), null, 2)}\n`);
    }
    const local = relative(cwd, path);
    const shown = local && !local.startsWith('..') ? local : path;
    return { path, shown, steps, ...(before !== undefined ? { again: { id: before.id, steps: before.steps } } : {}) };
  };
}

/** The console's line for a finding saved again once shrunk: `oracle [first id]: shrunk to N steps (was M), saved again: file`. */
export function shrunkLine(finding: Finding, saved: SavedFinding): string {
  const was = saved.again !== undefined && saved.again.steps !== saved.steps ? ` (was ${saved.again.steps})` : '';
  return `  ${finding.oracle} [${saved.again?.id ?? finding.id}]: shrunk to ${saved.steps} step${saved.steps === 1 ? '' : 's'}${was}, saved again: ${saved.shown}`;
}

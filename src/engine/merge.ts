import { BookfuzzError } from '../errors.js';
import { mergeFindings } from './chunks.js';
import type { RunDocument } from './run-document.js';

/**
 * Merge the documents of one run split by `--shard i/n` (and, in general, runs of the same
 * model, variant, seed and run count) into one: findings deduplicated by dedup key keeping the
 * earliest chunk, counts added up. The result equals the document of the unsharded run, but
 * for durations. Documents of different runs are merged separately, in the order first seen.
 */
export function mergeRunDocuments(documents: readonly RunDocument[]): RunDocument[] {
  const groups = new Map<string, RunDocument[]>();
  for (const document of documents) {
    const key = JSON.stringify([document.mode, document.model, document.variant, document.seed, document.runs, document.oracles]);
    groups.set(key, [...(groups.get(key) ?? []), document]);
  }
  return [...groups.values()].map(mergeGroup);
}

function mergeGroup(group: RunDocument[]): RunDocument {
  const [first] = group;
  if (!first) throw new BookfuzzError('BF_USAGE', 'nothing to merge');
  const findings = mergeFindings(group.flatMap((d) => d.findings));
  const notes = group.flatMap((d) => d.notes ?? []);
  const shards = group.map((d) => d.shard).filter((s): s is string => s !== undefined);
  const counts = new Set(shards.map((s) => s.split('/')[1]));
  if (shards.length > 0) {
    const count = Number([...counts][0]);
    const present = new Set(shards.map((s) => Number(s.split('/')[0])));
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !present.has(i));
    if (counts.size > 1) notes.push(`shards of different splits were merged: ${shards.join(', ')}`);
    else if (missing.length > 0) notes.push(`shards missing from the merge: ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  }
  const interrupted = group.some((d) => d.status === 'interrupted');
  const merged: RunDocument = {
    ...first,
    status: interrupted ? 'interrupted' : findings.length > 0 ? 'failed' : 'passed',
    stats: {
      cases: group.reduce((n, d) => n + d.stats.cases, 0),
      steps: group.reduce((n, d) => n + d.stats.steps, 0),
      durationMs: Math.max(...group.map((d) => d.stats.durationMs)),
    },
    findings,
  };
  delete merged.shard;
  if (notes.length > 0) merged.notes = [...new Set(notes)];
  else delete merged.notes;
  return merged;
}

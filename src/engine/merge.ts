import { BookfuzzError } from '../errors.js';
import { mergeFindings } from './chunks.js';
import { requestPhases, type ActionStats, type RequestOutcome, type RunDocument, type RunStats } from './run-document.js';

/**
 * Merge the documents of one run split by `--shard i/n` (and, in general, runs of the same
 * model, variant, seed and run count) into one: findings deduplicated by dedup key keeping the
 * earliest chunk, counts added up (live: requests in all and by phase, each action's steps by
 * action), request outcomes summed by what, phase and where. The result
 * equals the document of the unsharded run, but for durations. A merge is inconclusive when any
 * shard is (their reasons joined, each named by its shard), else interrupted when any shard is.
 * Documents of different runs are merged separately, in the order first seen.
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
  const interrupted = group.filter((d) => d.status === 'interrupted');
  const inconclusive = group.filter((d) => d.status === 'inconclusive');
  // Inconclusive says more than interrupted; an interruption it hides is still said.
  if (inconclusive.length > 0 && interrupted.length > 0) {
    notes.push(`interrupted, only the cases that ran were checked: ${interrupted.map((d) => d.shard ?? 'a run').join(', ')}`);
  }
  const status: RunDocument['status'] =
    inconclusive.length > 0 ? 'inconclusive' : interrupted.length > 0 ? 'interrupted' : findings.length > 0 ? 'failed' : 'passed';
  const outcomes = mergeOutcomes(group.flatMap((d) => d.outcomes ?? []));
  const merged: RunDocument = { ...first, status, stats: mergeStats(group.map((d) => d.stats)), findings };
  delete merged.shard;
  if (notes.length > 0) merged.notes = [...new Set(notes)];
  else delete merged.notes;
  if (status === 'inconclusive') merged.reason = joinReasons(inconclusive, group.length > 1);
  else delete merged.reason;
  if (group.some((d) => d.outcomes !== undefined)) merged.outcomes = outcomes;
  else delete merged.outcomes;
  return merged;
}

/**
 * The statistics of several shards as one run's: cases, steps, requests (in all and per phase)
 * and each action's counts added up, actions in the order first seen; the duration is the
 * longest shard's (shards run side by side). Request and action statistics are present when any
 * shard has them. A finding's `found` stays as its shard measured it (from that shard's start).
 */
export function mergeStats(stats: readonly RunStats[]): RunStats {
  const merged: RunStats = {
    cases: stats.reduce((n, s) => n + s.cases, 0),
    steps: stats.reduce((n, s) => n + s.steps, 0),
    durationMs: Math.max(0, ...stats.map((s) => s.durationMs)),
  };
  const requests = stats.flatMap((s) => (s.requests ? [s.requests] : []));
  if (requests.length > 0) {
    const byPhase: NonNullable<RunStats['requests']>['byPhase'] = {};
    for (const phase of requestPhases) {
      const counted = requests.filter((r) => r.byPhase[phase] !== undefined);
      if (counted.length > 0) byPhase[phase] = counted.reduce((n, r) => n + (r.byPhase[phase] ?? 0), 0);
    }
    merged.requests = { total: requests.reduce((n, r) => n + r.total, 0), byPhase };
  }
  if (stats.some((s) => s.actions !== undefined)) merged.actions = mergeActions(stats.flatMap((s) => s.actions ?? []));
  return merged;
}

/** Each action's counts added up, in the order actions were first seen. */
function mergeActions(actions: readonly ActionStats[]): ActionStats[] {
  const byAction = new Map<string, ActionStats>();
  for (const a of actions) {
    const seen = byAction.get(a.action);
    if (!seen) {
      byAction.set(a.action, { ...a });
      continue;
    }
    seen.sent += a.sent;
    seen.ok += a.ok;
    seen.refused += a.refused;
    seen.failed += a.failed;
  }
  return [...byAction.values()];
}

/** The reasons of the inconclusive documents, each named by its shard when several were merged; the same words once. */
function joinReasons(inconclusive: readonly RunDocument[], several: boolean): string {
  const reasons = inconclusive.map((d) => {
    const reason = d.reason ?? 'no reason recorded';
    return several && d.shard !== undefined ? `shard ${d.shard}: ${reason}` : reason;
  });
  return [...new Set(reasons)].join('; ');
}

/** Outcomes of the same request (what, phase, where) added up, in the order first seen; the last problem is the last shard's that had one. */
function mergeOutcomes(outcomes: readonly RequestOutcome[]): RequestOutcome[] {
  const byKey = new Map<string, RequestOutcome>();
  for (const outcome of outcomes) {
    const key = JSON.stringify([outcome.what, outcome.phase, outcome.where ?? null]);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...outcome });
      continue;
    }
    seen.sent += outcome.sent;
    seen.ok += outcome.ok;
    seen.refused += outcome.refused;
    seen.failed += outcome.failed;
    if (outcome.last !== undefined) seen.last = outcome.last;
  }
  return [...byKey.values()];
}

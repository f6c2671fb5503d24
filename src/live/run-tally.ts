import type { ActionStats, RequestPhase } from '../engine/run-document.js';

/** Requests of a live run by phase (set-up, the engine's phases, cleanup, timing samples). */
export interface RequestMeter {
  add(phase: RequestPhase, requests: number): void;
  total(): number;
  byPhase(): Partial<Record<RequestPhase, number>>;
}

export function requestMeter(): RequestMeter {
  const counts = new Map<RequestPhase, number>();
  let total = 0;
  return {
    add(phase, requests) {
      if (requests <= 0) return;
      counts.set(phase, (counts.get(phase) ?? 0) + requests);
      total += requests;
    },
    total: () => total,
    byPhase: () => Object.fromEntries(counts),
  };
}

/** Totals of a live run's steps, for telling a run that tested something from one that did not. */
export interface StepTotals {
  /** Steps performed. */
  steps: number;
  /** Steps past a case's first whose outcome was ok: the flow was entered. */
  okPastFirst: number;
  /** Steps past a case's first that were performed. */
  pastFirst: number;
  /** Steps that ended in a transport error or a spent budget. */
  failed: number;
}

/** How the steps of each action went over a live run. */
export interface StepTally {
  step(action: string, index: number, outcome: 'ok' | 'refused' | 'failed'): void;
  actions(): ActionStats[];
  totals(): StepTotals;
}

export function stepTally(): StepTally {
  const actions = new Map<string, ActionStats>();
  const totals: StepTotals = { steps: 0, okPastFirst: 0, pastFirst: 0, failed: 0 };
  return {
    step(action, index, outcome) {
      let stats = actions.get(action);
      if (!stats) {
        stats = { action, sent: 0, ok: 0, refused: 0, failed: 0 };
        actions.set(action, stats);
      }
      stats.sent++;
      stats[outcome]++;
      totals.steps++;
      if (index > 0) totals.pastFirst++;
      if (index > 0 && outcome === 'ok') totals.okPastFirst++;
      if (outcome === 'failed') totals.failed++;
    },
    actions: () => [...actions.values()].map((a) => ({ ...a })),
    totals: () => ({ ...totals }),
  };
}

/** Add up what several lanes counted. */
export function sumActionStats(lists: readonly (readonly ActionStats[])[]): ActionStats[] {
  const out = new Map<string, ActionStats>();
  for (const list of lists) {
    for (const a of list) {
      const known = out.get(a.action);
      if (known) {
        known.sent += a.sent;
        known.ok += a.ok;
        known.refused += a.refused;
        known.failed += a.failed;
      } else out.set(a.action, { ...a });
    }
  }
  return [...out.values()];
}

/** What one lane of a live run counted (a `LiveRunner` has these). */
export interface LaneCounts {
  requestsSent(): number;
  requestsByPhase(): Partial<Record<RequestPhase, number>>;
  actionStats(): ActionStats[];
  stepTotals(): StepTotals;
}

/** What all lanes of a live run counted, added up. */
export interface LaneTotals {
  requests: { total: number; byPhase: Partial<Record<RequestPhase, number>> };
  actions: ActionStats[];
  steps: StepTotals;
}

export function laneTotals(lanes: readonly LaneCounts[]): LaneTotals {
  const byPhase: Partial<Record<RequestPhase, number>> = {};
  const steps: StepTotals = { steps: 0, okPastFirst: 0, pastFirst: 0, failed: 0 };
  let total = 0;
  for (const lane of lanes) {
    total += lane.requestsSent();
    for (const [phase, n] of Object.entries(lane.requestsByPhase()) as [RequestPhase, number][]) byPhase[phase] = (byPhase[phase] ?? 0) + n;
    const t = lane.stepTotals();
    steps.steps += t.steps;
    steps.okPastFirst += t.okPastFirst;
    steps.pastFirst += t.pastFirst;
    steps.failed += t.failed;
  }
  return { requests: { total, byPhase }, actions: sumActionStats(lanes.map((lane) => lane.actionStats())), steps };
}

/**
 * Why a live run tested nothing worth its name, from its steps, or undefined: no step past a
 * case's first was ever accepted (the flow was never entered), or most steps ended in transport
 * errors (redirect loops, cut or endless bodies, timeouts).
 */
export function stepsInconclusive(totals: StepTotals): string | undefined {
  if (totals.steps === 0) return undefined;
  if (2 * totals.failed > totals.steps) return `most steps ended in transport errors (${totals.failed} of ${totals.steps}): see the notes`;
  if (totals.pastFirst > 0 && totals.okPastFirst === 0) {
    return `no step past the first of a case was ever accepted (${totals.pastFirst} tried): the flow was never entered; check the actions' inputs, log-in and okIf`;
  }
  return undefined;
}

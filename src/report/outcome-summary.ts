import type { RequestOutcome, RunDocument } from '../engine/run-document.js';

/** Each phase as a person names it. */
export const phaseLabel: Readonly<Record<RequestOutcome['phase'], string>> = {
  setup: 'set-up',
  login: 'log-in',
  extract: 'extractors',
  cleanup: 'cleanup',
};

/** An outcome with at least one refusal or failure: it is listed on its own, never summed away. */
export const hasProblem = (outcome: RequestOutcome): boolean => outcome.refused > 0 || outcome.failed > 0;

/** Outcomes with a refusal or a failure, in the document's order. */
export const problemOutcomes = (outcomes: readonly RequestOutcome[]): RequestOutcome[] => outcomes.filter(hasProblem);

/**
 * The outcomes that all went well, summed into one line per phase (in the order phases first
 * appear): `set-up: 120 requests, all ok`. A phase that also has outcomes with problems says
 * `other`, so the line is not read as the whole phase.
 *
 * @example
 * okOutcomeLines([{ what: 'log-in of patient', phase: 'login', sent: 80, ok: 80, refused: 0, failed: 0 }])
 * // → ['log-in: 80 requests, all ok']
 */
export function okOutcomeLines(outcomes: readonly RequestOutcome[]): string[] {
  const phases = [...new Set(outcomes.map((o) => o.phase))];
  return phases.flatMap((phase) => {
    const inPhase = outcomes.filter((o) => o.phase === phase);
    const ok = inPhase.filter((o) => !hasProblem(o));
    if (ok.length === 0) return [];
    const sent = ok.reduce((n, o) => n + o.sent, 0);
    const noun = phase === 'extract' ? 'page' : 'request';
    const other = ok.length < inPhase.length ? 'other ' : '';
    if (sent === 0) return [`${phaseLabel[phase]}: no ${other}${noun}s sent`];
    const counted = `${sent} ${other}${noun}${sent === 1 ? '' : 's'}`;
    // "all ok" only when every one sent was judged ok (sent can exceed the judged when a run stops mid-request).
    const judged = ok.reduce((n, o) => n + o.ok, 0);
    return [`${phaseLabel[phase]}: ${counted}, ${judged === sent ? 'all ok' : `${judged} ok`}`];
  });
}

/** One outcome as one line of plain text: `set-up of each patient: POST /signup: sent 40, ok 2, refused 38, failed 0; last: answered 409 at /signup (at spec.yaml:12:5 setup.flows...)`. */
export function outcomeLine(outcome: RequestOutcome): string {
  const last = outcome.last !== undefined ? `; last: ${outcome.last}` : '';
  const where = outcome.where !== undefined ? ` (at ${outcome.where})` : '';
  return `${outcome.what}: sent ${outcome.sent}, ok ${outcome.ok}, refused ${outcome.refused}, failed ${outcome.failed}${last}${where}`;
}

/** What an inconclusive run's reports say when the run document gives no reason. */
export const noReason = 'the run could not test what it was asked (no reason recorded)';

/** The reason of an inconclusive run, or `undefined` for any other status. */
export function inconclusiveReason(document: RunDocument): string | undefined {
  if (document.status !== 'inconclusive') return undefined;
  return document.reason !== undefined && document.reason.trim() !== '' ? document.reason : noReason;
}

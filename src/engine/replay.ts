import { BookfuzzError } from '../errors.js';
import type { Model } from '../model/model.js';
import { resolveFlaws, type FlawChoice } from '../model/resolve-flaws.js';
import type { Oracle, TwinRun, Violation } from '../oracles/oracle.js';
import { firstIrreversibleStep, type Finding } from './finding.js';
import type { CaseRunner } from './check.js';
import { runTwin } from './twin-run.js';

export interface ReplayResult {
  /** `skipped`: the case was not run through, so it cannot be judged (see `reason`); never read as fixed. */
  status: 'fixed' | 'still-failing' | 'skipped';
  variant: string;
  flaws: string[];
  violations: Violation[];
  /** Why it was skipped: `needs --allow-irreversible: step 3 'confirm' is irreversible`. */
  reason?: string;
}

export interface ReplayOptions {
  /** Send steps the model marks irreversible (`--allow-irreversible`); the model must be loaded so too. */
  allowIrreversible?: boolean;
  /** Actions the model marks irreversible, for findings saved before they recorded `irreversible`. */
  irreversibleActions?: readonly string[];
}

/**
 * Rerun a finding's exact counterexample (twin worlds and steps) and ask its oracle again.
 * By default against the flaws the finding was recorded with; `choice` points it at another
 * variant or flaw set. With a `runner` (a live site) the case runs there instead of in the
 * model's simulator — a model-mode finding can be replayed against a live site too.
 *
 * Against a site, a case with an irreversible step is `skipped` unless `allowIrreversible`; and
 * a run in which a step was not sent (the side-effect guard's `stopped` marker) or that could not
 * be judged (its set-up failed) is `skipped` with the reason, never `fixed`.
 */
export async function replayFinding(
  model: Model,
  availableOracles: readonly Oracle[],
  finding: Finding,
  choice: FlawChoice = {},
  runner?: CaseRunner,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  if (finding.model !== model.name) {
    throw new BookfuzzError('BF_FINDING_INVALID', `the finding is for model "${finding.model}", not "${model.name}"`);
  }
  const oracle = availableOracles.find((o) => o.id === finding.oracle);
  if (!oracle) throw new BookfuzzError('BF_FINDING_INVALID', `the finding names unknown oracle "${finding.oracle}"`);
  const override = choice.variant !== undefined || choice.flaws !== undefined;
  const { variant, flaws } = override ? resolveFlaws(model, choice) : { variant: finding.variant, flaws: [...finding.flaws] };
  for (const step of finding.counterexample.steps) {
    if (!(step.action in model.actions)) {
      throw new BookfuzzError('BF_FINDING_INVALID', `the finding uses action "${step.action}", which model "${model.name}" lacks`);
    }
  }
  const skipped = (reason: string): ReplayResult => ({ status: 'skipped', variant, flaws, violations: [], reason });
  const irreversible = finding.irreversible ?? firstIrreversibleStep(finding.counterexample.steps, options.irreversibleActions);
  if (runner && irreversible && options.allowIrreversible !== true) {
    return skipped(`needs --allow-irreversible: step ${irreversible.step} '${irreversible.action}' is irreversible`);
  }
  const run = runner ? await runner.run(finding.counterexample) : runTwin(model, finding.counterexample, new Set(flaws));
  const unsent = notSent(run);
  if (unsent !== undefined) return skipped(unsent);
  const violations = oracle.check(run);
  return { status: violations.length > 0 ? 'still-failing' : 'fixed', variant, flaws, violations };
}

/**
 * Why a run cannot say whether the finding is fixed: a side whose set-up the site refused, or
 * a step a side did not send (an observation with the side-effect guard's `stopped` marker).
 */
function notSent(run: TwinRun): string | undefined {
  if (run.unjudged !== undefined) return `could not be judged: ${run.unjudged}`;
  for (const trace of [run.a, run.b]) {
    const index = trace.steps.findIndex((s) => typeof s.result.observation['stopped'] === 'string');
    const at = trace.steps[index];
    if (at) return `step ${index + 1} '${at.step.action}' was not sent: ${String(at.result.observation['stopped'])}`;
  }
  return undefined;
}

import { BookfuzzError } from '../errors.js';
import type { Model } from '../model/model.js';
import { resolveFlaws, type FlawChoice } from '../model/resolve-flaws.js';
import type { Oracle, Violation } from '../oracles/oracle.js';
import type { Finding } from './finding.js';
import type { CaseRunner } from './check.js';
import { runTwin } from './twin-run.js';

export interface ReplayResult {
  status: 'fixed' | 'still-failing';
  variant: string;
  flaws: string[];
  violations: Violation[];
}

/**
 * Rerun a finding's exact counterexample (twin worlds and steps) and ask its oracle again.
 * By default against the flaws the finding was recorded with; `choice` points it at another
 * variant or flaw set. With a `runner` (a live site) the case runs there instead of in the
 * model's simulator — a model-mode finding can be replayed against a live site too.
 */
export async function replayFinding(
  model: Model,
  availableOracles: readonly Oracle[],
  finding: Finding,
  choice: FlawChoice = {},
  runner?: CaseRunner,
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
  const run = runner ? await runner.run(finding.counterexample) : runTwin(model, finding.counterexample, new Set(flaws));
  const violations = oracle.check(run);
  return { status: violations.length > 0 ? 'still-failing' : 'fixed', variant, flaws, violations };
}

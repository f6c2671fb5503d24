/** What a run of one world produced, step by step: what oracles judge. */
import type { Step, StepResult } from './model.js';

/** One step as it ran: the step, the world before it, and the system's answer. */
export interface TraceStep<W extends object = object> {
  step: Step;
  /**
   * Server-side world before the step (policies are judged on it). Runs for oracles that do not
   * read it (`usesWorld: false`) skip the snapshots: then it is the run's initial world.
   */
  before: W;
  result: StepResult;
}

/** A whole run of one world through the simulator. */
export interface Trace<W extends object = object> {
  world: W;
  steps: TraceStep<W>[];
  after: W;
}

import type { HttpBinding } from '../http/binding.js';
import type { LiveSite } from '../http/types.js';
import type { Model, Step, StepResult } from '../model/model.js';
import { cloneWorld } from '../world/clone-world.js';

/** One case run through a model's simulator and through its binding on a site, step by step. */
export interface BothWays<W extends object> {
  steps: Step[];
  /** The reference world (no flaw) before each step: what the binding is given, and what verdicts judge against. */
  befores: W[];
  simulated: StepResult[];
  live: StepResult[];
}

/**
 * Run one case (a world and its steps) through the simulator with `flaws` switched on and through
 * the binding on `site` (a fresh live site, closed here): the world is set up on the site, then
 * each step is performed on both, the binding given the flaw-free reference world as it stands
 * before the step.
 */
export async function runBothWays<W extends object>(
  model: Model<W>,
  binding: HttpBinding<W>,
  site: LiveSite & { close(): Promise<void> },
  kase: { world: W; steps: readonly Step[] },
  flaws: ReadonlySet<string>,
): Promise<BothWays<W>> {
  const simulation = model.simulator(cloneWorld(kase.world), flaws);
  const reference = model.simulator(cloneWorld(kase.world), new Set());
  const out: BothWays<W> = { steps: [...kase.steps], befores: [], simulated: [], live: [] };
  try {
    await binding.setup(cloneWorld(kase.world), site);
    for (const step of kase.steps) {
      const before = cloneWorld(reference.world());
      out.befores.push(before);
      out.live.push(await binding.perform(step, site, cloneWorld(before)));
      out.simulated.push(simulation.step(step));
      reference.step(step);
    }
  } finally {
    await site.close();
  }
  return out;
}

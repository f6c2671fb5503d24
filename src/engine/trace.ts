import { BookfuzzError } from '../errors.js';
import type { JsonObject } from '../model/json.js';
import type { Model, Step, StepResult } from '../model/model.js';
import type { Trace, TraceStep } from '../model/trace.js';
import { maskTyped } from '../observe/mask-typed.js';
import { cloneWorld } from '../world/clone-world.js';

/**
 * Run `steps` against a fresh simulation of `world` with `flaws` switched on. Observations are
 * returned with the actor's own typed values masked. The world given is never mutated.
 */
export function runTrace<W extends object>(
  model: Model<W>,
  world: W,
  steps: readonly Step[],
  flaws: ReadonlySet<string>,
  snapshots = true,
): Trace<W> {
  const simulation = model.simulator(cloneWorld(world), flaws);
  const out: TraceStep<W>[] = [];
  steps.forEach((step, index) => {
    const before = snapshots ? cloneWorld(simulation.world()) : world;
    let result: StepResult;
    try {
      result = simulation.step(step);
    } catch (error) {
      throw new BookfuzzError(
        'BF_SIMULATOR_FAILED',
        `action "${step.action}" by "${step.actor}" threw: ${error instanceof Error ? error.message : String(error)}`,
        { where: `model ${model.name}, step ${index + 1}`, cause: error },
      );
    }
    out.push({ step, before, result: { ...result, observation: maskTyped(result.observation, result.typed) } });
  });
  // The simulation is discarded after this, so its world needs no copy.
  return { world, steps: out, after: simulation.world() };
}

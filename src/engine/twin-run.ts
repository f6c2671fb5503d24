import type { JsonObject } from '../model/json.js';
import type { Model } from '../model/model.js';
import type { TwinRun } from '../oracles/oracle.js';
import { twinOf, type TwinCase } from '../world/twin-case.js';
import { runTrace } from './trace.js';

/** Run a case's world and its twin through the simulator with the same steps. */
export function runTwin<W extends object>(model: Model<W>, kase: TwinCase<W>, flaws: ReadonlySet<string>, snapshots = true): TwinRun {
  const hiddenFrom = model.secrets[kase.secret]?.hiddenFrom ?? [];
  const a = runTrace(model, kase.world, kase.steps, flaws, snapshots);
  const b = runTrace(model, twinOf(model, kase), kase.steps, flaws, snapshots);
  return { model: model as unknown as Model, secret: { name: kase.secret, hiddenFrom, variation: kase.variation }, a, b };
}

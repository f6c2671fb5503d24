import type { Model } from '../model/model.js';
import { loadModel } from '../model/load-model.js';
import { resolveFlaws, type FlawChoice } from '../model/resolve-flaws.js';
import { declaredGraph } from './declared-graph.js';
import type { FlowGraph } from './flow-graph.js';
import { observedGraph } from './observed-graph.js';

export interface FlowGraphOptions extends FlawChoice {
  cwd?: string;
  /** Observed diagrams: generated cases and their seed (defaults 300 and 1). */
  cases?: number;
  seed?: number;
}

/**
 * The diagram of a model or a flow spec (by name or path, as `check` loads it): a spec with
 * `screens` is drawn from them as declared; any other model (TypeScript, or a spec without
 * screens) from an exploration of its simulator, said in its title to be observed. The variant
 * (default `vulnerable`) or the flaw list decides which flaws are drawn.
 */
export async function flowGraphOf(nameOrPath: string, options: FlowGraphOptions = {}): Promise<FlowGraph> {
  const model = await loadModel(nameOrPath, options.cwd);
  return flowGraphOfModel(model, options);
}

/** The diagram of a model already loaded (see `flowGraphOf`). */
export async function flowGraphOfModel(model: Model, options: FlowGraphOptions = {}): Promise<FlowGraph> {
  const { variant, flaws } = resolveFlaws(model, options);
  if (model.source !== undefined && /\.(ya?ml|json)$/i.test(model.source)) {
    const { readFlowSpec } = await import('./read-flow-spec.js');
    const declared = declaredGraph(readFlowSpec(model.source), { variant, flaws });
    if (declared) return declared;
  }
  const observed = observedGraph(model, { variant, flaws, ...(options.cases !== undefined ? { cases: options.cases } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  if (model.liveOnly !== undefined) {
    return { ...observed, note: `${observed.note}; the spec declares no screens, so its simulator shows no place and the diagram has little to show` };
  }
  return observed;
}

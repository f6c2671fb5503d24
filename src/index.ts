/**
 * bookfuzz — the public API. Models (shipped and out-of-tree), the vitest entry and users'
 * scripts import from here and nowhere else.
 */
import * as fc from 'fast-check';
import { checkModel, type CheckOptions } from './engine/check.js';
import type { RunDocument } from './engine/run-document.js';
import type { Model } from './model/model.js';
import { oracles } from './oracles/index.js';
import { loadModel } from './model/load-model.js';

export { fc };
export { BookfuzzError, isBookfuzzError, type ErrorCode } from './errors.js';
export type { Json, JsonObject } from './model/json.js';
export type {
  ActionSpec,
  ActorSpec,
  AuditEntry,
  Change,
  FlawSpec,
  Model,
  ModelSpec,
  Observation,
  Policy,
  RecordView,
  SecretSpec,
  SessionEndReason,
  Simulation,
  Step,
  StepResult,
} from './model/model.js';
export { defineModel } from './model/define-model.js';
export { journeySteps, type JourneyOptions } from './world/journey-steps.js';
export { cloneWorld } from './world/clone-world.js';
export { loadModel, listModelNames } from './model/load-model.js';
export * from './identity/index.js';
export type { Oracle, Violation, TwinRun } from './oracles/oracle.js';
export { oracles } from './oracles/index.js';
export type { Finding } from './engine/finding.js';
export type { RunDocument } from './engine/run-document.js';
export type { EngineEvent, EngineListener } from './engine/events.js';
export type { CheckOptions } from './engine/check.js';
export type { FuzzOptions } from './live/fuzz-live.js';
import type { FuzzOptions } from './live/fuzz-live.js';

// Live mode: what HTTP bindings (models/<name>/http.ts) use.
export type { HttpBinding } from './http/binding.js';
export type { ActorClient, Exchange, HttpRequest, HttpResponse, LiveSite, RedirectHop } from './http/types.js';
export { observeResponses } from './observe/observe-responses.js';
export { inputValue, pageForms, pageLinks, type PageForm } from './http/extract.js';
export { seedWorld, seedingActor } from './http/seed-world.js';
export { sessionId } from './http/session-id.js';
export { siteMemory } from './http/site-memory.js';
export type { BindingContract, ContractComparison } from './harness/binding-contract.js';

/**
 * Check a model in process (model mode, no network) with every oracle that applies to it, and
 * resolve to the run document — the same one `bookfuzz check --json` prints. The model is a
 * loaded model, a shipped model's name, or a path to a model file or folder.
 *
 * @example
 * import { check } from 'bookfuzz';
 * const run = await check('nhs-covid-booking', { variant: 'fixed', runs: 500, seed: 1 });
 * if (run.findings.length > 0) console.log(run.findings[0].message);
 */
export async function check(model: Model | string, options: CheckOptions = {}): Promise<RunDocument> {
  const loaded = typeof model === 'string' ? await loadModel(model) : model;
  return checkModel(loaded, oracles, options);
}

/**
 * Fuzz a live site over HTTP with a model's HTTP binding (live mode), and resolve to the run
 * document — the same one `bookfuzz fuzz --json` prints. Give `target` (loopback unless
 * `allowHosts` names the host) or `staging: true` for the embedded staging site.
 *
 * @example
 * import { fuzz } from 'bookfuzz';
 * const run = await fuzz('household-booking', { staging: true, flaws: ['idor-view'], runs: 100, seed: 1 });
 * console.log(run.findings.map((f) => f.oracle));
 */
export async function fuzz(model: Model | string, options: FuzzOptions): Promise<RunDocument> {
  const loaded = typeof model === 'string' ? await loadModel(model) : model;
  const { fuzzLive } = await import('./live/fuzz-live.js');
  const { document, gaveUp } = await fuzzLive(loaded, oracles, options);
  if (gaveUp) throw gaveUp;
  return document;
}

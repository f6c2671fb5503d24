import type * as fc from 'fast-check';
import type { Canary } from '../identity/canary.js';
import type { HttpBinding } from '../http/binding.js';
import type { RecordedExchange } from '../http/types.js';
import type { Json, JsonObject } from './json.js';

/**
 * The model format: a flow spec with an executable reference semantics.
 *
 * A model never talks to the engine and the engine never names a model: the engine draws a
 * world, a variation of one secret and a list of steps from the arbitraries declared here,
 * runs both twin worlds through `simulator`, and hands the traces to the oracles, which judge
 * them against `policy`.
 */
export interface ModelSpec<W extends object = object> {
  /** Folder name, kebab-case; the id used on the command line and in findings. */
  name: string;
  title: string;
  /** The incident in a few sentences. */
  description: string;
  /** Who acts. Keys are actor ids used in steps (`visitor`, `patient`, `gp`, ...). */
  actors: Record<string, ActorSpec>;
  /** What actors do. Keys are action ids used in steps. */
  actions: Record<string, ActionSpec>;
  /** Planted flaws, each switchable alone. */
  flaws: Record<string, FlawSpec>;
  /** Named sets of flaws. Defaults: `vulnerable` = every flaw, `fixed` = none. */
  variants?: Record<string, readonly string[]>;
  /** The whole state of the system: patients, staff, slots, audit log. Must be plain JSON. */
  world: fc.Arbitrary<W>;
  /** Secrets, each hidden from some actors, each varied on its own to make twin worlds. */
  secrets: Record<string, SecretSpec<W>>;
  /** Every generated value in the world that must only reach those allowed to see it. */
  canaries(world: W): Canary[];
  /** What is allowed: the specification the simulator (with its flaws) is judged against. */
  policy: Policy<W>;
  /** The reference semantics: a fresh simulation of the system with the given flaws switched on. */
  simulator(world: W, flaws: ReadonlySet<string>): Simulation<W>;
  /** Longest generated step list. Default 8. */
  maxSteps?: number;
  /** Replace the default step generator (any action by any of its actors, any order). */
  steps?: fc.Arbitrary<Step[]>;
  /** How the flow runs against a live site (`bookfuzz fuzz`); usually `models/<name>/http.ts`. */
  http?: HttpBinding<W>;
  /**
   * Set when the model cannot be checked in model mode, with why (a flow spec without `screens`:
   * its simulator only keeps the world's effects, so it would judge nothing). Live mode only.
   */
  liveOnly?: string;
  /**
   * What the model's steps can report, when it knows (a flow spec does): `false` means never, and
   * the oracles that judge it do not apply (no cases are spent on them). Absent: unknown, they apply.
   */
  shows?: { recordViews: boolean; endedSessions: boolean };
}

export interface ActorSpec {
  description: string;
}

export interface ActionSpec {
  description: string;
  /** Actor ids that may be drawn to take this action (the policy decides if it is allowed). */
  actors: readonly string[];
  /** Inputs the actor may send; references into the world (patient indexes) resolve in the simulator. */
  input?: fc.Arbitrary<JsonObject>;
  /** True when the action asks the system to change something (book, cancel, record a dose). */
  mutates?: boolean;
  /** True when it cannot be undone on a live site: never generated or sent unless allowed (`--allow-irreversible`). */
  irreversible?: boolean;
}

export interface FlawSpec {
  description: string;
  /** Oracle ids expected to find this flaw; used by precision tests and in docs. */
  oracles: readonly string[];
}

/**
 * A secret and how to vary it. Twin worlds are made by variation: draw a world, draw a
 * variation independently, and apply it. Both parts shrink on their own and the pair stays a
 * pair.
 */
export interface SecretSpec<W extends object = object> {
  description: string;
  /** Actors that must not learn this secret: their observations must not depend on it. */
  hiddenFrom: readonly string[];
  /** A change to the secret, independent of the world (for example a patient index and a dose count). */
  variation: fc.Arbitrary<Json>;
  /** The twin: a copy of `world` in which only this secret changed. Must not mutate `world`. */
  apply(world: W, variation: Json): W;
  /** The world with this secret set to a fixed value: two worlds that agree here agree on everything else. */
  erase(world: W): W;
}

/** One thing an actor does. `input` holds what the actor chose; `typed` (in results) what it sent. */
export interface Step {
  actor: string;
  action: string;
  input: JsonObject;
}

/** What the acting actor saw after one step, already normalized. */
export type Observation = JsonObject;

/** A change of server-side state caused by a step. */
export interface Change {
  /** What changed, e.g. `booking`, `dose`, `appointment`. */
  object: string;
  /** Whose it is (a patient id), when it belongs to someone. */
  owner?: string;
  description: string;
}

export type SessionEndReason = 'logout' | 'card-removed' | 'idle-timeout' | 'login-disabled';

/** An entry the system wrote to its audit log. */
export interface AuditEntry {
  actor: string;
  patient: string;
  event: 'record-view' | 'break-glass';
  time: string;
  reason?: string;
}

/** A record the actor was shown, which the audit log must account for. */
export interface RecordView {
  actor: string;
  patient: string;
  breakGlass: boolean;
  reason?: string;
}

/** The system's answer to one step, as the simulator (or an HTTP binding) reports it. */
export interface StepResult {
  observation: Observation;
  /** Whether the answer presents the action as done (`ok`) or turned down (`refused`). */
  outcome: 'ok' | 'refused';
  /** Values the actor typed or sent in this step; masked in observations to placeholders. */
  typed?: Record<string, string>;
  /** Session the step used, if any (model-level id). */
  session?: string;
  /** Server-side changes this step made. */
  changes?: Change[];
  /** Sessions this step ended. */
  endedSessions?: { session: string; reason: SessionEndReason }[];
  /** Records shown to the actor in this step. */
  recordViews?: RecordView[];
  /** Audit entries written during this step. */
  audit?: AuditEntry[];
  /**
   * Model mode: the work the server did for this step, by kind (`{ historyLookups: 1 }`). The
   * `timing` oracle checks it does not depend on a secret hidden from the actor: work that does
   * shows in the response time.
   */
  work?: Record<string, number>;
  /** Model mode only: planted flaws whose code path this step took (for attribution). */
  flaws?: string[];
  /**
   * Live mode: the same requests sent again from a fresh anonymous client (no cookies, the
   * session's extracted value empty), twice. Live bindings set it for steps presenting a session
   * that ended earlier in the run side, so `session-dies` decides "served as that session" from
   * evidence: the answer differs from the anonymous one where the two anonymous answers agree, or
   * it carries the data of `owner` (the patient the acting actor is). Absent (model mode, bindings
   * that do not send it): a step that is not refused counts as served.
   */
  anonymous?: { observations: [Observation, Observation]; owner?: string };
  /** Live mode: the HTTP exchanges of this step as recorded; a finding takes them redacted, for reports and curl scripts. */
  exchanges?: readonly RecordedExchange[];
}

export interface Simulation<W extends object = object> {
  step(step: Step): StepResult;
  /** The current server-side world. */
  world(): W;
}

/** Who may do and see what, decided on the server-side world, never on what the client sent. */
export interface Policy<W extends object = object> {
  /** May `step` be carried out at all, judged on the world before it ran? Asked for mutating actions. */
  permits?(context: { world: W; step: Step }): boolean;
  /** May the actor of `step` see this canary (judged on the world before the step)? */
  maySee?(context: { world: W; step: Step; canary: Canary }): boolean;
  /** Must this record view be in the audit log? Default: every view must. */
  mustAudit?(context: { world: W; view: RecordView }): boolean;
}

/** A validated, loaded model: the spec with its variants resolved. */
export interface Model<W extends object = object> extends ModelSpec<W> {
  variants: Record<string, readonly string[]>;
  maxSteps: number;
  /** Where it was loaded from, for messages and SARIF locations. */
  source?: string;
}

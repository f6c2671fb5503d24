import type { Step, StepResult } from '../model/model.js';
import type { RequestOutcome } from '../model/request-outcome.js';
import type { LiveSite } from './types.js';

/**
 * How a model runs against a live site: `models/<name>/http.ts` exports one. The engine never
 * reads a site's pages itself; the binding turns each action into requests, extracts what the
 * next requests need (CSRF tokens, booking references), and builds the step's result from the
 * responses (with `observeResponses` from the public API, so every hop is observed).
 */
export interface HttpBinding<W extends object = object> {
  /** How worlds get onto the site, for the README and messages. */
  setupMethod: 'seeding-endpoint' | 'public-flows' | 'identity-pool';
  /**
   * Put `world` on the site before a run (through a seeding endpoint, the site's own sign-up and
   * booking flows, or a pool). It may return the world as the site now holds it (values the site
   * assigned, such as customer ids, kept on their patients): the run side is then judged on that
   * world. A set-up the site did not accept throws `BF_SETUP_FAILED` (the case is not judged, and
   * counted) or `BF_TRANSPORT`.
   */
  setup(world: W, site: LiveSite): Promise<W | void>;
  /**
   * Perform one step as its actor and report what happened. `world` is the server-side world
   * before the step as the model's reference semantics sees it (for ids and names to type).
   */
  perform(step: Step, site: LiveSite, world: W): Promise<StepResult>;
  /**
   * What the run's document should say about this binding's work (optional), read when the run
   * ends: what it could not do, so nothing passes silently (a declared session never seen).
   */
  notes?(): string[];
  /** How each kind of set-up, log-in, extractor and cleanup request went so far (optional), for the run's document. */
  outcomes?(): RequestOutcome[];
  /** Remove what the run created (optional; runs after every run, even after a failure). */
  cleanup?(world: W, site: LiveSite): Promise<void>;
}

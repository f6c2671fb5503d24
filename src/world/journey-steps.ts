import * as fc from 'fast-check';
import type { JsonObject } from '../model/json.js';
import type { ActionSpec, Step } from '../model/model.js';

export interface JourneyOptions {
  /** Longest step list (default 8). */
  maxSteps?: number;
  /** Most segments (journey prefixes or single steps) per case (default 3). */
  maxSegments?: number;
}

/**
 * A step generator that knows a flow's usual order. Each case is a few segments; a segment is
 * either the start of one actor's journey (its first k actions, in order) or one random step.
 * Deep flaws that need four steps in the right order then turn up in tens of cases instead of
 * thousands, while random steps still explore the odd orders. Every action's inputs are drawn
 * from its own `input` arbitrary. Shrinking shortens journeys and drops segments.
 *
 * An actor may have several usual journeys: give a list of them (`{ gp: [[…], […]] }`).
 *
 * @example
 * steps: journeySteps(actions, { visitor: ['open-service', 'submit-identity', 'choose-slot', 'confirm-booking'] })
 */
export function journeySteps(
  actions: Readonly<Record<string, ActionSpec>>,
  journeys: Readonly<Record<string, readonly string[] | readonly (readonly string[])[]>>,
  options: JourneyOptions = {},
): fc.Arbitrary<Step[]> {
  const maxSteps = options.maxSteps ?? 8;
  const stepOf = (actor: string, action: string): fc.Arbitrary<Step> => {
    const spec = actions[action];
    if (!spec) throw new Error(`journey names unknown action "${action}"`);
    const input: fc.Arbitrary<JsonObject> = spec.input ?? fc.constant({});
    return input.map((value) => ({ actor, action, input: value }));
  };
  // An actor may have several usual journeys (a list of lists): each is a segment of its own.
  const paths = Object.entries(journeys).flatMap(([actor, given]) =>
    (given.length > 0 && Array.isArray(given[0]) ? (given as readonly (readonly string[])[]) : [given as readonly string[]]).map((path) => ({ actor, path })),
  );
  const journeySegments = paths.map(({ actor, path }) =>
    fc.integer({ min: 1, max: path.length }).chain((length) => fc.tuple(...path.slice(0, length).map((action) => stepOf(actor, action)))),
  );
  const single = Object.entries(actions).flatMap(([action, spec]) => spec.actors.map((actor) => stepOf(actor, action).map((step) => [step])));
  const segment = fc.oneof(...journeySegments, fc.oneof(...single));
  return fc
    .array(segment, { minLength: 1, maxLength: options.maxSegments ?? 3 })
    .map((segments) => segments.flat().slice(0, maxSteps));
}

import { observationPlace } from '../diagram/observation-place.js';
import type { Observation } from '../model/model.js';

/**
 * The page a live step ended on, as the diagrams name places (`observationPlace`: the path of the
 * last observed answer, with its status when not 2xx; `HTTP 404 not-found` for a JSON API), the
 * query left out (`?error=wrong-code` is the same page), a path segment that is the id of one of
 * the world's people (`ids`: `/records/p2`) read `{id}`, and runs of three digits or more in the
 * path read `{n}` (a booking reference in the path is the same page for every booking).
 * Undefined when the step observed no answer.
 *
 * @example
 * sitePage({ responses: [{ path: '/bookings/BK1000?x=1', status: 200 }] }) // → '/bookings/BK{n}'
 * sitePage({ responses: [{ path: '/records/p2', status: 200 }] }, ['p1', 'p2']) // → '/records/{id}'
 */
export function sitePage(observation: Observation, ids: readonly string[] = []): string | undefined {
  const place = observationPlace(observation);
  if (place === undefined || !/^(\/|https?:)/.test(place)) return place;
  const space = place.indexOf(' ');
  const path = space < 0 ? place : place.slice(0, space);
  const status = space < 0 ? '' : place.slice(space);
  const known = new Set(ids);
  const segments = (path.split('?')[0] ?? path).split('/').map((segment) => (known.has(safeDecode(segment)) ? '{id}' : segment));
  return `${segments.join('/').replace(/\d{3,}/g, '{n}')}${status}`;
}

/** A path segment decoded, or as it is when it is not valid percent-encoding. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The screen a simulated step ends on (`screen` of its observation), when the model has screens. */
export function declaredScreen(observation: Observation): string | undefined {
  const screen = observation['screen'];
  return typeof screen === 'string' ? screen : undefined;
}

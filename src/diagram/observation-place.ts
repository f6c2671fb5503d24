import type { Json, JsonObject } from '../model/json.js';

/**
 * Where an observation shows the actor to be, or undefined when it shows no place (the actor is
 * then where it was). Read, in this order, from:
 *
 * - `screen` or `page` (a model's or a spec's simulator: `{ screen: 'verify-code' }`);
 * - live mode, `responses`: the path of the last response (where the redirects ended), with its
 *   status when that is not 2xx (`/nhs-covid-booking/verify`, `/login 403`);
 * - `status` (a JSON API model: `{ status: 404, body: { error: 'not-found' } }`): `HTTP 404`, with
 *   the body's `error` when it has one (`HTTP 404 not-found`).
 *
 * @example
 * observationPlace({ screen: 'verify-code', heading: 'We have sent a code' }) // → 'verify-code'
 */
export function observationPlace(observation: JsonObject | undefined): string | undefined {
  if (observation === undefined) return undefined;
  for (const key of ['screen', 'page']) {
    const value = observation[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  const responses = observation['responses'];
  if (Array.isArray(responses) && responses.length > 0) return responsePlace(responses.at(-1));
  const status = observation['status'];
  if (typeof status === 'number') {
    const error = objectOf(observation['body'])?.['error'];
    return typeof error === 'string' ? `HTTP ${status} ${error}` : `HTTP ${status}`;
  }
  return undefined;
}

function responsePlace(response: Json | undefined): string | undefined {
  const observed = objectOf(response);
  if (!observed) return undefined;
  const path = observed['path'];
  const status = observed['status'];
  if (typeof path !== 'string') return typeof status === 'number' ? `HTTP ${status}` : undefined;
  return typeof status === 'number' && (status < 200 || status > 299) ? `${path} ${status}` : path;
}

function objectOf(value: Json | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

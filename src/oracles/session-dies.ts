import { findCanaries, type Canary } from '../identity/canary.js';
import type { Json } from '../model/json.js';
import type { Observation, SessionEndReason, StepResult } from '../model/model.js';
import { NOISE } from '../observe/noise.js';
import { stringLeaves } from '../observe/string-leaves.js';
import type { Oracle, TraceSide, Violation } from './oracle.js';

/**
 * After logout, smartcard removal, idle timeout or a disabled login, every further request with
 * that session is refused and reveals nothing (no canary at all). "Served with that session" is
 * decided from evidence when the binding sent the step again anonymously (`StepResult.anonymous`,
 * live spec bindings): see `servedEvidence`. Without it (model mode, TypeScript bindings) a step
 * that is not refused counts as served.
 */
export const sessionDies: Oracle = {
  id: 'session-dies',
  title: 'A session dies with logout, card removal, idle timeout or a disabled login',
  severity: 'high',
  scope: 'run',
  usesWorld: true,
  help:
    'A request made with a session that should have ended (the user logged out, pulled the smartcard, ' +
    'stayed idle past the limit, or had the login disabled) was served: the answer carried the session ' +
    "owner's data, or differed from what a client with no session gets. End the session on the server " +
    '(delete it from the session store or revoke the token, not only the cookie in the browser) and check its state on every request.',
  // A model that says no step ends a session gives this oracle nothing to judge.
  appliesTo: (model) => model.shows?.endedSessions !== false,
  needs: "steps that end a session (a spec action's `ends`)",
  check(run) {
    const out: Violation[] = [];
    for (const side of ['a', 'b'] as const satisfies readonly TraceSide[]) {
      const ended = new Map<string, { reason: SessionEndReason; step: number }>();
      run[side].steps.forEach(({ step, before, result }, index) => {
        const end = result.session === undefined ? undefined : ended.get(result.session);
        if (end) {
          const flaws = result.flaws && result.flaws.length > 0 ? { flaws: [...result.flaws].sort() } : {};
          const base = { oracle: 'session-dies', key: end.reason, side, step: index, ...flaws };
          const served = `"${step.action}" by ${step.actor} was served with a session that ended at step ${end.step + 1} (${end.reason})`;
          if (result.outcome !== 'refused') {
            const evidence = servedEvidence(result, ownerCanaries(result, () => run.model.canaries(before)));
            if (evidence !== undefined) out.push({ ...base, field: evidence.field, message: `${served}: ${evidenceText(evidence)}` });
          } else {
            const canaries = run.model.canaries(before);
            const leak = stringLeaves(result.observation)
              .map((leaf) => ({ leaf, hit: findCanaries(leaf.text, canaries)[0] }))
              .find((x) => x.hit !== undefined);
            if (leak?.hit) {
              out.push({
                ...base,
                field: leak.leaf.path,
                message:
                  `"${step.action}" was refused after the session ended (${end.reason}), yet the answer shows ` +
                  `${leak.hit.canary.field} of ${leak.hit.canary.owner}`,
              });
            }
          }
        }
        for (const e of result.endedSessions ?? []) {
          // Ended by a step that presented an ended session (a cookie the site rotated): the same session, ended where it was.
          if (!ended.has(e.session)) ended.set(e.session, end?.reason === e.reason ? end : { reason: e.reason, step: index });
        }
      });
    }
    return out;
  },
};

/** Why a step that was not refused counts as served with its (ended) session. */
export type SessionEvidence =
  /** No anonymous answers to compare with (model mode, TypeScript bindings): not refused is served. */
  | { kind: 'not-refused'; field: 'outcome' }
  /** The answer shows data of the session's owner that no anonymous answer shows. */
  | { kind: 'owner-data'; field: string; canary: Canary }
  /** The answer differs from the anonymous one at a field where the two anonymous answers agree. */
  | { kind: 'differs'; field: string };

/**
 * The evidence that a step which was not refused was served as its session, or `undefined` when
 * there is none. With `result.anonymous` (the step sent again twice from a client with no session):
 * the answer shows one of `ownerCanaries` that neither anonymous answer shows, or it differs from
 * the first anonymous answer at a field where both anonymous answers agree (fields masked as noise
 * are left out). A 2xx alone is never evidence. Without `anonymous`: the outcome is.
 *
 * @example
 * servedEvidence({ observation: { text: 'Welcome' }, outcome: 'ok', anonymous: { observations: [{ text: 'Sign in' }, { text: 'Sign in' }] } }, [])
 * // → { kind: 'differs', field: 'text' }
 */
export function servedEvidence(result: Pick<StepResult, 'observation' | 'anonymous'>, ownerCanaries: readonly Canary[]): SessionEvidence | undefined {
  const anonymous = result.anonymous;
  if (anonymous === undefined) return { kind: 'not-refused', field: 'outcome' };
  const [first, second] = anonymous.observations;
  if (ownerCanaries.length > 0) {
    const shownToAnyone = new Set([...canariesIn(first, ownerCanaries), ...canariesIn(second, ownerCanaries)]);
    for (const leaf of stringLeaves(result.observation)) {
      const hit = findCanaries(leaf.text, ownerCanaries).find((h) => !shownToAnyone.has(h.canary.value));
      if (hit) return { kind: 'owner-data', field: leaf.path, canary: hit.canary };
    }
  }
  const field = stableDifference(result.observation, first, second);
  return field === undefined ? undefined : { kind: 'differs', field };
}

/** The canaries of the patient the acting actor is, when the binding named one (`anonymous.owner`). */
function ownerCanaries(result: StepResult, canaries: () => Canary[]): Canary[] {
  const owner = result.anonymous?.owner;
  return owner === undefined ? [] : canaries().filter((c) => c.owner === owner);
}

function canariesIn(observation: Observation, canaries: readonly Canary[]): string[] {
  return stringLeaves(observation).flatMap((leaf) => findCanaries(leaf.text, canaries).map((h) => h.canary.value));
}

function evidenceText(evidence: SessionEvidence): string {
  switch (evidence.kind) {
    case 'not-refused':
      return 'the answer was not refused';
    case 'owner-data':
      return `the answer shows ${evidence.canary.field} of ${evidence.canary.owner}`;
    case 'differs':
      return `the answer differs from an anonymous one at ${evidence.field}`;
  }
}

/**
 * Cookies a site sets are no evidence of being served as a session: it clears a stale session
 * cookie, replaces an unknown one, hands a client id to a browser without one, whether or not it
 * served the session. What it served shows in status, location, headers and body.
 */
const cookieChannel = /(?:^|\.)cookies(?:[.[]|$)/;

/**
 * The first field (in the answer's order, then the anonymous one's) where `answer` differs from
 * `first` while `first` and `second` agree there; noise-masked fields and cookies set never count.
 */
export function stableDifference(answer: Observation, first: Observation, second: Observation): string | undefined {
  const seen = leaves(answer);
  const one = leaves(first);
  const two = leaves(second);
  for (const path of new Set([...seen.keys(), ...one.keys()])) {
    const value = seen.get(path);
    const anonymous = one.get(path);
    if (value === anonymous || anonymous !== two.get(path)) continue;
    if (isNoise(value) || isNoise(anonymous) || cookieChannel.test(path)) continue;
    return path;
  }
  return undefined;
}

/** Every leaf of a JSON value by path (`responses[0].body.text[2]`); an empty array or object is a leaf of its own. */
function leaves(value: Json): Map<string, string | number | boolean | null> {
  const out = new Map<string, string | number | boolean | null>();
  const walk = (node: Json, path: string): void => {
    if (Array.isArray(node)) {
      if (node.length === 0) out.set(path, '[]');
      node.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (node !== null && typeof node === 'object') {
      const keys = Object.keys(node);
      if (keys.length === 0) out.set(path, '{}');
      for (const key of keys) walk(node[key] as Json, path ? `${path}.${key}` : key);
    } else out.set(path || '(root)', node);
  };
  walk(value, '');
  return out;
}

function isNoise(value: string | number | boolean | null | undefined): boolean {
  return typeof value === 'string' && value.includes(NOISE);
}

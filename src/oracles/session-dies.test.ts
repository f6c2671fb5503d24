import { describe, expect, it } from 'vitest';
import type { Canary } from '../identity/canary.js';
import type { Model, Observation, Step, StepResult } from '../model/model.js';
import { NOISE } from '../observe/noise.js';
import type { TwinRun } from './oracle.js';
import { servedEvidence, sessionDies, stableDifference } from './session-dies.js';

const page = (text: string[], cookies: string[] = []): Observation => ({ responses: [{ status: 200, path: '/start', cookies, body: { type: 'html', text } }] });
const signedOut = (csrf: string) => page(['Welcome', 'You are signed out', csrf], ['sid']);
const smith: Canary = { value: 'Okonkwo-Smith', owner: 'p1', field: 'familyName' };

describe('servedEvidence: a 2xx alone is never evidence', () => {
  it('without anonymous answers (model mode) the outcome is the evidence, as before', () => {
    expect(servedEvidence({ observation: page(['anything']) }, [])).toEqual({ kind: 'not-refused', field: 'outcome' });
  });

  it('an answer like the anonymous ones is not served, even where the anonymous ones disagree (a CSRF token)', () => {
    const result = { observation: signedOut('tok-a'), anonymous: { observations: [signedOut('tok-b'), signedOut('tok-c')] as [Observation, Observation] } };
    expect(servedEvidence(result, [smith])).toBeUndefined();
  });

  it('an answer that differs where both anonymous answers agree is served, located at that field', () => {
    const result = { observation: page(['Welcome back', 'Signed in', 'tok-a'], ['sid']), anonymous: { observations: [signedOut('tok-b'), signedOut('tok-c')] as [Observation, Observation] } };
    expect(servedEvidence(result, [])).toEqual({ kind: 'differs', field: 'responses[0].body.text[0]' });
  });

  it('a field the anonymous answers disagree on, or masked as noise, is never evidence', () => {
    const one = page(['Welcome', 'n1']);
    const two = page(['Welcome', 'n2']);
    expect(stableDifference(page(['Welcome', 'n3']), one, two)).toBeUndefined();
    expect(stableDifference(page(['Welcome', `at ${NOISE}`]), page(['Welcome', 'at 10:02']), page(['Welcome', 'at 10:02']))).toBeUndefined();
  });

  it('extra or missing parts count: a longer list, a missing response, a different status', () => {
    const anonymous = page(['Welcome']);
    expect(stableDifference(page(['Welcome', 'Your bookings']), anonymous, anonymous)).toBe('responses[0].body.text[1]');
    expect(stableDifference({ responses: [] }, anonymous, anonymous)).toBe('responses');
    expect(stableDifference({ responses: [{ status: 302 }] }, { responses: [{ status: 200 }] }, { responses: [{ status: 200 }] })).toBe('responses[0].status');
  });

  it('cookies the site sets are no evidence: clearing a stale session cookie, a client id for a browser without one', () => {
    const cleared: Observation = { responses: [{ status: 200, redirects: [{ status: 303, cookies: { sid: '; max-age=0' } }], cookies: {}, body: { text: ['Signed out'] } }] };
    const anonymous: Observation = { responses: [{ status: 200, redirects: [{ status: 303, cookies: {} }], cookies: { client: '‹hex{24}›' }, body: { text: ['Signed out'] } }] };
    expect(stableDifference(cleared, anonymous, anonymous)).toBeUndefined();
  });

  it("the owner's data that no anonymous answer shows is evidence, and named", () => {
    const anonymous = [page(['Welcome']), page(['Welcome'])] as [Observation, Observation];
    const result = { observation: page(['Welcome', 'Signed in as Okonkwo-Smith']), anonymous: { observations: anonymous } };
    expect(servedEvidence(result, [smith])).toEqual({ kind: 'owner-data', field: 'responses[0].body.text[1]', canary: smith });
  });

  it("the owner's data that anonymous answers show too is no evidence of the session", () => {
    const everyone = page(['Okonkwo-Smith won the raffle']);
    expect(servedEvidence({ observation: everyone, anonymous: { observations: [everyone, everyone] } }, [smith])).toBeUndefined();
  });
});

describe('session-dies judges steps after the session ended', () => {
  /** A twin run whose side a (and b) is `results`, with the step names given. */
  const runOf = (results: StepResult[], actions: string[]): TwinRun => {
    const steps = results.map((result, i) => ({ step: { actor: 'patient', action: actions[i] ?? 'open', input: {} } satisfies Step, before: {}, result }));
    // Only what the oracle reads of a model: its canaries.
    const model = { canaries: () => [smith] } as unknown as Model;
    return { model, secret: { name: 's', hiddenFrom: [], variation: null }, a: { world: {}, steps, after: {} }, b: { world: {}, steps: [], after: {} } };
  };
  const logIn: StepResult = { observation: page(['Signed in']), outcome: 'ok', session: 'sid:1' };
  const logOut: StepResult = { observation: page(['Signed out']), outcome: 'ok', session: 'sid:1', endedSessions: [{ session: 'sid:1', reason: 'logout' }] };
  const actions = ['open-start', 'log-out', 'open-start'];

  it('a public page served alike to anyone after log-out is no finding', () => {
    const after: StepResult = { observation: signedOut('t1'), outcome: 'ok', session: 'sid:1', anonymous: { observations: [signedOut('t2'), signedOut('t3')], owner: 'p1' } };
    expect(sessionDies.check(runOf([logIn, logOut, after], actions))).toEqual([]);
  });

  it("a page showing the owner's name after log-out is, with the evidence in the message", () => {
    const after: StepResult = { observation: page(['Signed in as Okonkwo-Smith']), outcome: 'ok', session: 'sid:1', anonymous: { observations: [signedOut('t2'), signedOut('t3')], owner: 'p1' } };
    const [violation, ...rest] = sessionDies.check(runOf([logIn, logOut, after], actions));
    expect(rest).toEqual([]);
    expect(violation).toMatchObject({ step: 2, side: 'a', key: 'logout', field: 'responses[0].body.text[0]' });
    expect(violation?.message).toBe('"open-start" by patient was served with a session that ended at step 2 (logout): the answer shows familyName of p1');
  });

  it('an answer that differs from the anonymous one is, located there', () => {
    const after: StepResult = { observation: page(['Your bookings'], ['sid']), outcome: 'ok', session: 'sid:1', anonymous: { observations: [signedOut('t2'), signedOut('t3')] } };
    const [violation] = sessionDies.check(runOf([logIn, logOut, after], actions));
    expect(violation?.message).toBe('"open-start" by patient was served with a session that ended at step 2 (logout): the answer differs from an anonymous one at responses[0].body.text[0]');
  });

  it('model mode keeps the rule: not refused after the end is served', () => {
    const after: StepResult = { observation: page(['whatever']), outcome: 'ok', session: 'sid:1' };
    const [violation] = sessionDies.check(runOf([logIn, logOut, after], actions));
    expect(violation).toMatchObject({ step: 2, field: 'outcome' });
    expect(violation?.message).toMatch(/ended at step 2 \(logout\): the answer was not refused$/);
  });

  it('a refused step is judged on canaries, and a new session is not judged at all', () => {
    const refusedLeak: StepResult = { observation: page(['Sign in', 'Okonkwo-Smith']), outcome: 'refused', session: 'sid:1' };
    expect(sessionDies.check(runOf([logIn, logOut, refusedLeak], actions))[0]?.message).toMatch(/was refused after the session ended \(logout\), yet the answer shows familyName of p1/);
    const fresh: StepResult = { observation: page(['Signed in as Okonkwo-Smith']), outcome: 'ok', session: 'sid:2' };
    expect(sessionDies.check(runOf([logIn, logOut, fresh], actions))).toEqual([]);
  });
});

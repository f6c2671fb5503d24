import { describe, expect, it } from 'vitest';
import type { Model, Observation, Step } from '../model/model.js';
import type { TwinRun } from './oracle.js';
import { indistinguishable } from './indistinguishable.js';

const step = (actor: string, action: string): Step => ({ actor, action, target: 0, input: {} }) as unknown as Step;
const side = (observations: [string, string, Observation][]) => ({
  world: {},
  after: {},
  steps: observations.map(([actor, action, observation]) => ({ step: step(actor, action), before: {}, result: { observation, outcome: 'ok' as const } })),
});
/** A patient (who may know the secret) opens the start page, then a visitor asks about them. */
function twins(patientA: string, patientB: string, visitorA: string, visitorB: string): TwinRun {
  return {
    model: {} as Model,
    secret: { name: 'status', hiddenFrom: ['visitor'], variation: null },
    a: side([['patient', 'open-start', { banner: patientA }], ['visitor', 'ask', { message: visitorA }]]),
    b: side([['patient', 'open-start', { banner: patientB }], ['visitor', 'ask', { message: visitorB }]]),
  };
}

describe('indistinguishable: how far the comparison reaches', () => {
  it('reports the visitor\'s difference when the patient saw the same before it', () => {
    const run = twins('Welcome', 'Welcome', 'No account', 'Wrong details');
    expect(indistinguishable.check(run).map((v) => `${v.step}:${v.field}`)).toEqual(['1:message']);
    expect(indistinguishable.reaches?.(run, 1)).toBe(true);
  });

  it('stops where an actor who may know the secret saw a difference, and says the later step was not reached', () => {
    const run = twins('Welcome', 'Welcome back', 'No account', 'Wrong details');
    expect(indistinguishable.check(run)).toEqual([]);
    expect(indistinguishable.reaches?.(run, 1)).toBe(false);
    // The step where they parted itself was reached.
    expect(indistinguishable.reaches?.(run, 0)).toBe(true);
  });
});

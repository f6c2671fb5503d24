import type { BindingContract } from 'bookfuzz';
import type { NhsWorld } from './world.js';

/** What the binding contract suite (src/contract/binding-contract-suite.ts) needs to know of this binding. */
export const contract: BindingContract<NhsWorld> = {
  seed: 11,
  conformance: {
    cases: 60,
    /**
     * The site's start page always opens an anonymous session (any refused step lands there),
     * where the simulator opens one only on `open-service`: compare cases in which each actor
     * starts there.
     */
    comparable: (kase) =>
      ['visitor', 'patient'].every((actor) => {
        const first = kase.steps.find((s) => s.actor === actor);
        return first === undefined || first.action === 'open-service';
      }),
    minimum: 21,
  },
  findings: (flaw, findings) => {
    if (flaw !== 'status-dependent-screen') return [];
    const minimal = findings.find((f) => f.oracle === 'indistinguishable')?.steps.map((s) => `${s.actor}:${s.action}`).join(' → ');
    const expected = 'visitor:open-service → visitor:submit-identity';
    return minimal === expected ? [] : [`the indistinguishable finding should be ${expected}, is ${minimal ?? 'missing'}`];
  },
};

/** What the binding contract suite needs to know of the flow spec, spec.yaml (loaded with irreversible steps allowed). */
export const specContract: BindingContract = {
  unfound: {
    'second-dose-unverified': {
      oracles: ['authorized'],
      why: 'in 100 live cases with every oracle judging, the indistinguishable finding comes first each time (src/flow-spec/spec-flaws.test.ts finds it with authorized alone)',
    },
  },
};

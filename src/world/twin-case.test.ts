import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFinding } from '../engine/finding.js';
import { isBookfuzzError } from '../errors.js';
import { loadModel } from '../model/load-model.js';
import type { Json } from '../model/json.js';
import type { Model } from '../model/model.js';
import { differences } from '../observe/first-difference.js';
import { loadSpecModel } from '../flow-spec/load-spec-model.js';
import type { SpecWorld } from '../flow-spec/spec-world.js';
import { twinCaseArbitrary, twinOf, type TwinCase } from './twin-case.js';

const folder = mkdtempSync(join(tmpdir(), 'bookfuzz-twins-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function spec(extra: string): string {
  return `name: twins
title: Twins
description: A flow to draw twins from.
identities: ${extra}
actors:
  visitor: { description: someone }
actions:
  open:
    actors: [visitor]
    target: patient
    requests: [{ path: "/status/{{victim.nhsNumber}}" }]
`;
}

/** The paths where a case's twin worlds differ. */
function changed(model: Model, kase: TwinCase): string[] {
  return differences(kase.world as unknown as Json, twinOf(model, kase) as unknown as Json).map((d) => d.path);
}

describe('twin worlds always differ in the secret', () => {
  it('a model whose variation may set the value the world has (doses 0 → 0) never yields equal twins, shrunk cases included', async () => {
    const model = await loadModel('nhs-covid-booking');
    const arbitrary = twinCaseArbitrary(model);
    for (const kase of fc.sample(arbitrary, { seed: 4, numRuns: 300 })) expect(changed(model, kase)).not.toEqual([]);
    // Shrinking keeps to cases whose twins differ: the smallest case of a property that always fails.
    const details = fc.check(fc.property(arbitrary, () => false), { seed: 4 });
    const shrunk = details.counterexample?.[0] as TwinCase | undefined;
    expect(shrunk).toBeDefined();
    if (shrunk) expect(changed(model, shrunk)).toEqual([expect.stringMatching(/^patients\[\d+\]\.doses$/)]);
  });

  it('a spec secret changes one patient’s secret field to another of its values, and nothing else', async () => {
    const model = await loadSpecModel(join(folder, 'values.yaml'), {
      text: `${spec('{ count: { min: 1, max: 4 } }')}secrets:\n  status: { field: status, values: [none, one, two], hiddenFrom: [visitor] }\n`,
    });
    for (const kase of fc.sample(twinCaseArbitrary(model), { seed: 9, numRuns: 300 })) {
      const paths = changed(model, kase);
      expect(paths).toHaveLength(1);
      expect(paths[0]).toMatch(/^patients\[\d+\]\.status$/);
    }
  });

  it('a pool swap takes a person who is not in the world and whose secret differs', async () => {
    const rows = ['nhsNumber,givenName,familyName,dateOfBirth,postcode,registered'];
    const numbers = ['9990000018', '9990000026', '9990000034', '9990000042', '9990000050', '9990000069'];
    numbers.forEach((n, i) => rows.push(`${n},Ann${i},Lee,1980-01-0${i + 1},AB1 2CD,${i % 3 === 0 ? 'yes' : 'no'}`));
    writeFileSync(join(folder, 'pool.csv'), `${rows.join('\n')}\n`);
    const model = await loadSpecModel(join(folder, 'pool.yaml'), {
      text: `${spec('{ count: { min: 2, max: 4 }, pool: pool.csv }')}secrets:\n  registration: { field: registered, values: [yes, no], hiddenFrom: [visitor] }\n`,
    });
    const arbitrary = twinCaseArbitrary(model) as fc.Arbitrary<TwinCase<SpecWorld>>;
    for (const kase of fc.sample(arbitrary, { seed: 2, numRuns: 300 })) {
      const twin = twinOf(model as unknown as Model<SpecWorld>, kase);
      const numbersInTwin = twin.patients.map((p) => p.identity['nhsNumber']);
      expect(new Set(numbersInTwin).size).toBe(numbersInTwin.length);
      const swapped = twin.patients.findIndex((p, i) => p.identity['nhsNumber'] !== kase.world.patients[i]?.identity['nhsNumber']);
      expect(swapped).toBeGreaterThanOrEqual(0);
      expect(twin.patients[swapped]?.['registered']).not.toBe(kase.world.patients[swapped]?.['registered']);
    }
  });
});

describe('a finding with no world difference cannot be built', () => {
  it('is an internal error naming the oracle and the secret', async () => {
    const model = await loadModel('nhs-covid-booking');
    const [kase] = fc.sample(twinCaseArbitrary(model), { seed: 1, numRuns: 1 });
    if (!kase) throw new Error('no case');
    const trace = { world: kase.world, steps: [], after: kase.world };
    const build = () =>
      buildFinding({
        model: model.name,
        variant: 'target',
        flaws: [],
        severity: 'high',
        kase,
        a: trace,
        b: trace,
        violation: { oracle: 'indistinguishable', key: 'k', message: 'm', side: 'a', step: 0, field: 'status' },
        seed: 1,
        path: '0',
        excluded: [],
      });
    let error: unknown;
    try {
      build();
    } catch (caught) {
      error = caught;
    }
    expect(isBookfuzzError(error) && error.code === 'BF_INTERNAL').toBe(true);
    expect(String((error as Error).message)).toMatch(/indistinguishable.*do not differ in the secret "vaccination-status"/);
  });
});

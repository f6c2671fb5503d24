import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import { oracles } from '../oracles/index.js';
import type { TwinRun } from '../oracles/oracle.js';
import type { Trace } from '../model/trace.js';
import { checkModel, simulatorRunner, type CaseRunner } from './check.js';

let model: Model;
beforeAll(async () => {
  model = await loadModel('nhs-covid-booking');
});

/**
 * A "live" runner over the model's simulator whose every observation carries noise that no
 * calibration learned: a counter of side runs (it differs between A and B every time, and
 * between A and A too) and one of three banners drawn from a fixed sequence. Like a live site's,
 * its step results name no planted flaw (so findings are keyed by action and field).
 */
function noisyRunner(flaws: readonly string[]): CaseRunner & { sideRuns: () => number } {
  const runSync = simulatorRunner(model, new Set(flaws)).runSync;
  if (!runSync) throw new Error('the simulator runner runs synchronously');
  let sides = 0;
  let draw = 7;
  const banners = ['Stay safe', 'Book a flu jab', 'Wash your hands'];
  const noisy = (trace: Trace): Trace => {
    const side = ++sides;
    return {
      ...trace,
      steps: trace.steps.map((s) => {
        draw = (draw * 1103515245 + 12345) % 2147483648;
        const banner = banners[draw % 3] ?? '';
        const { flaws: _flaws, ...result } = s.result;
        return { ...s, result: { ...result, observation: { ...result.observation, visit: side, banner } } };
      }),
    };
  };
  return {
    mode: 'live',
    run(kase, options): TwinRun {
      const run = runSync(kase, options);
      return { ...run, a: noisy(run.a), b: noisy(run.b) };
    },
    sideRuns: () => sides,
  };
}

describe('confirmation judges candidates against noise (A, B and A again)', () => {
  it('reports nothing on the fixed variant, though A and B differ on every re-run in a counter and a banner', async () => {
    const runner = noisyRunner([]);
    const document = await checkModel(model, oracles, { runner, runs: 60, seed: 3, oracles: ['indistinguishable'], confirmations: 3 });
    expect(document.findings).toEqual([]);
    // The candidates were seen and rejected, and the run says so.
    expect(document.notes?.some((n) => /did not reproduce|between two runs of one world/.test(n))).toBe(true);
  });

  it('still finds the real leak behind the noise, located at the field the secret explains', async () => {
    const runner = noisyRunner(['status-dependent-screen']);
    const announced: number[] = [];
    const order: string[] = [];
    const document = await checkModel(model, oracles, {
      runner,
      runs: 100,
      seed: 3,
      oracles: ['indistinguishable'],
      confirmations: 3,
      onEvent: (event) => {
        if (event.type !== 'finding') return;
        order.push(`${event.finding.key ?? ''} ${event.finding.found?.shrunk === true ? 'shrunk' : 'confirmed'}`);
        if (event.finding.found?.shrunk === false) announced.push(event.cases ?? -1);
      },
    });
    // Each finding is announced the moment it is confirmed, with the cases run so far, while the
    // search goes on (not when the chunk ends).
    expect(announced).toHaveLength(document.findings.length);
    // Confirmed before it is shrunk, announced then, and again once shrunk (same key).
    expect(order).toEqual(document.findings.flatMap((f) => [`${f.key ?? ''} confirmed`, `${f.key ?? ''} shrunk`]));
    for (const finding of document.findings) expect(finding.found).toMatchObject({ shrunk: true, cases: expect.any(Number) as number });
    expect(announced[0]).toBeGreaterThan(0);
    expect(announced[0]).toBeLessThan(document.stats.cases);
    const fields = document.findings.map((f) => f.firstDifference.field);
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.some((f) => f === 'visit' || f === 'banner')).toBe(false);
    expect(document.findings.some((f) => f.message.includes('submit-identity'))).toBe(true);
    // Every finding's twins differ in the secret.
    for (const finding of document.findings) expect(finding.worlds.differences.length).toBeGreaterThan(0);
  });
});

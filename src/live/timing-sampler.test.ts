/**
 * The timing oracle live, on the embedded staging site (127.0.0.1): each planted timing flaw is
 * found for 2 seeds, the fixed site gives no `leak` over 5 repetitions, and the false-positive
 * rate under the null (world A in both classes) over 20 repetitions is within what the
 * threshold promises (the sweeps over many more: `npx tsx src/bench/timing.ts`). On Harbour Health (sign-up set-up): each class's world is set up once per
 * case, runs that end otherwise than the first are discarded and counted, and a binding that
 * resumes its set-ups keeps both classes on one world. Small sample caps keep this within a few
 * minutes.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../model/load-model.js';
import type { Step, StepResult } from '../model/model.js';
import { judgeTiming } from '../oracles/timing.js';
import { defaultTimingThreshold, falsePositiveBound } from '../oracles/welch.js';
import { patientAt, type SpecPatient, type SpecWorld } from '../flow-spec/spec-world.js';
import type { HttpBinding } from '../http/binding.js';
import { createLiveSite } from '../http/create-live-site.js';
import { inputValue } from '../http/extract.js';
import { siteMemory } from '../http/site-memory.js';
import { leakingTimingCase, signupTimingBench, timingBench } from '../harness/timing-harness.js';
import { harbourSpec } from '../harness/timing-signup-site.js';
import { defaultMinTimingSamples, discardsBeforeSetupPerSample, timingLooks, timingSampler, type ResumingBinding } from './timing-sampler.js';
import type { LiveSite } from '../http/types.js';

const flaws = [
  ['nhs-covid-booking', 'history-lookup-timing'],
  ['household-booking', 'dose-lookup-timing'],
] as const;

describe.each(flaws)('timing oracle live: %s', (name, flaw) => {
  it(`finds ${flaw} for 2 seeds`, async () => {
    const model = await loadModel(name);
    const bench = await timingBench(model, [flaw]);
    try {
      for (let seed = 1; seed <= 2; seed++) {
        const { kase, step } = leakingTimingCase(model, new Set([flaw]), seed);
        const sample = await bench.sampler({ maxSamples: 400, seed }).sampleStep(kase, step, bench.worlds(kase));
        const judgement = judgeTiming(sample);
        expect(judgement.verdict, `seed ${seed}: t = ${judgement.test.t}, null t = ${judgement.nullTest?.t}`).toBe('leak');
      }
    } finally {
      await bench.close();
    }
  }, 300_000);

  it('gives no leak verdict on the fixed site over 5 repetitions', async () => {
    const model = await loadModel(name);
    const bench = await timingBench(model, []);
    try {
      const { kase, step } = leakingTimingCase(model, new Set([flaw]), 1);
      const verdicts: string[] = [];
      for (let rep = 0; rep < 5; rep++) {
        const sample = await bench.sampler({ maxSamples: 40, seed: rep }).sampleStep(kase, step, bench.worlds(kase));
        verdicts.push(judgeTiming(sample).verdict);
      }
      expect(verdicts).not.toContain('leak');
    } finally {
      await bench.close();
    }
  }, 300_000);
});

describe('timing oracle live: the null hypothesis', () => {
  it('has a false-positive rate over 20 repetitions within what the threshold promises', async () => {
    const model = await loadModel('household-booking');
    const flaw = 'dose-lookup-timing';
    const bench = await timingBench(model, [flaw]);
    const maxSamples = 40;
    try {
      const { kase, step } = leakingTimingCase(model, new Set([flaw]), 1);
      let leaks = 0;
      for (let rep = 0; rep < 20; rep++) {
        const sample = await bench.sampler({ maxSamples, seed: 1000 + rep }).sampleStep(kase, step, bench.worlds(kase, 'null'));
        if (judgeTiming(sample).verdict === 'leak') leaks++;
      }
      const promised = falsePositiveBound(defaultTimingThreshold, timingLooks(defaultMinTimingSamples, maxSamples));
      console.log(`null false positives: ${leaks}/20 (promised rate ≤ ${promised.toExponential(1)})`);
      // Expected count under the bound is far below one: any false positive exceeds the promise.
      expect(leaks / 20).toBeLessThanOrEqual(Math.max(promised, 0));
    } finally {
      await bench.close();
    }
  }, 300_000);
});

/**
 * A binding for Harbour Health written by hand that keeps its set-up in its own memory, as the
 * spec binding does with `{{run.id}}`: each set-up signs its people up under an e-mail of its own
 * (`<side id>.<e-mail>`), so two set-ups live side by side on the site's one world, and a fresh
 * handle can log in only once `resume` has given it the side id of the handle the set-up ran on.
 * It asks after people by that e-mail: twins share NHS numbers, and on one world a look-up by NHS
 * number would find either side's person.
 */
function sideIdBinding(): HttpBinding<SpecWorld> & ResumingBinding & { resumed: number } {
  const memoryOf = siteMemory(() => ({ sideId: randomBytes(4).toString('hex'), loggedIn: false }));
  const emailOf = (site: LiveSite, patient: SpecPatient | undefined) => `${memoryOf(site).sideId}.${String(patient?.identity['email'])}`;
  const postForm = async (site: LiveSite, actor: string, path: string, form: Record<string, string>) => {
    const client = site.actor(actor);
    const page = await client.request({ method: 'GET', path });
    return client.request({ method: 'POST', path, form: { _csrf: inputValue(page.body, '_csrf') ?? '', ...form } });
  };
  const binding = {
    setupMethod: 'public-flows' as const,
    resumed: 0,
    async setup(world: SpecWorld, site: LiveSite) {
      for (const p of world.patients) {
        const answer = await postForm(site, `__setup:${p.id}`, '/signup', {
          email: emailOf(site, p),
          password: String(p['password']),
          nhsNumber: String(p.identity['nhsNumber']),
          doses: String(p['doses']),
        });
        if (answer.path !== '/welcome') throw new Error(`sign-up of ${p.id} refused: ${answer.status} at ${answer.path}`);
      }
    },
    async perform(step: Step, site: LiveSite, world: SpecWorld): Promise<StepResult> {
      const memory = memoryOf(site);
      const self = world.patients[0];
      if (!memory.loggedIn) {
        memory.loggedIn = true;
        await postForm(site, step.actor, '/login', { email: emailOf(site, self), password: String(self?.['password']) });
      }
      const client = site.actor(step.actor);
      const answer =
        step.action === 'check-eligibility'
          ? await postForm(site, step.actor, '/eligibility', { email: emailOf(site, patientAt(world, step.input['patient'])) })
          : await client.request({ method: 'GET', path: '/account' });
      return { observation: { status: answer.status, path: answer.path }, outcome: answer.status === 200 && answer.path !== '/login' ? 'ok' : 'refused' };
    },
    resume(setUp: LiveSite, fresh: LiveSite) {
      binding.resumed++;
      memoryOf(fresh).sideId = memoryOf(setUp).sideId;
    },
  };
  return binding;
}

describe('timing samples on a world set up once per class (Harbour Health: sign-up through the site, then log-in)', () => {
  it('sets each class up once per case (A, B, and A again for the null test) and finds the leak, at a fraction of the requests of a set-up per sample', async () => {
    const bench = await signupTimingBench('eligibility-timing');
    try {
      const { kase, step } = bench.leakingCase(1);
      const patients = (kase.world as SpecWorld).patients.length;
      const signups = bench.siteSignups();
      const after = bench.sampler({ maxSamples: 100, seed: 1 });
      const sample = await after.sampleStep(kase, step, bench.worlds(kase));
      const judgement = judgeTiming(sample);
      expect(judgement.verdict, `t = ${judgement.test.t}, null t = ${judgement.nullTest?.t}`).toBe('leak');
      const cost = after.cost();
      expect(cost.setups).toBe(3);
      expect(bench.siteSignups() - signups).toBe(3 * patients);
      expect(sample.discarded).toBe(0);
      expect(cost.runs).toBeGreaterThanOrEqual(2 * (sample.a.length + sample.nullA.length));

      const before = bench.sampler({ maxSamples: 100, seed: 1, setupPerSample: true, parallelWorlds: false });
      await before.sampleStep(kase, step, bench.worlds(kase));
      const old = before.cost();
      expect(old.setups).toBe(old.runs);
      // On the site's one world, with a binding that cannot resume a set-up, the classes cannot both keep theirs: the old way.
      const oneWorld = bench.sampler({ maxSamples: 20, seed: 1, parallelWorlds: false });
      await oneWorld.sampleStep(kase, step, bench.worlds(kase));
      expect(oneWorld.cost().setups).toBe(oneWorld.cost().runs);
      // Each run of the old way also signs every person up: 2 requests each, on top of the steps.
      expect(old.requests / old.runs - cost.requests / cost.runs).toBeGreaterThanOrEqual(2 * patients - 0.5);
    } finally {
      await bench.close();
    }
  }, 300_000);

  it('discards and counts a run whose steps end otherwise than the first run on that world, and sets the world up anew for every sample after 3 in a row', async () => {
    const bench = await signupTimingBench('eligibility-timing');
    try {
      // One reminder per account (a change the spec does not declare): on a world set up once, the second run's set-reminder is refused.
      const { kase, step } = bench.leakingCase(1, 'set-reminder');
      const sampler = bench.sampler({ maxSamples: 40, seed: 1 });
      const sample = await sampler.sampleStep(kase, step, bench.worlds(kase));
      const cost = sampler.cost();
      // Class A and class B miss 3 times each before they set up per sample (the null test's own class 3 more).
      expect(sample.discarded).toBeGreaterThanOrEqual(2 * discardsBeforeSetupPerSample);
      expect(sample.discarded).toBe(cost.discarded);
      expect(sample.a.length).toBeGreaterThanOrEqual(20);
      expect(sample.b.length).toBe(sample.a.length);
      // Every sample kept came from a world set up for it.
      expect(cost.setups).toBeGreaterThanOrEqual(2 * sample.a.length);
    } finally {
      await bench.close();
    }
  }, 300_000);

  it('sets the world up for every sample when a step it runs is declared to change the world', async () => {
    const spec = harbourSpec.replace('    actors: [patient]\n    requests:\n      - path: /reminder', '    actors: [patient]\n    mutates: true\n    requests:\n      - path: /reminder');
    expect(spec).toContain('mutates: true');
    const bench = await signupTimingBench('eligibility-timing', { spec });
    try {
      const { kase, step } = bench.leakingCase(1, 'set-reminder');
      const sampler = bench.sampler({ maxSamples: 20, seed: 1 });
      const sample = await sampler.sampleStep(kase, step, bench.worlds(kase));
      const cost = sampler.cost();
      expect(cost.setups).toBe(cost.runs);
      expect(sample.discarded).toBe(0);
    } finally {
      await bench.close();
    }
  }, 300_000);

  it('times the steps of a run together, and the null test of an earlier step runs only the steps it needs (nothing discarded)', async () => {
    const bench = await signupTimingBench('eligibility-timing');
    try {
      const { kase: leaking, step } = bench.leakingCase(3);
      // One more step of the same actor after the leaking one: all three are timed, the null test runs the first two only.
      const kase = { ...leaking, steps: [...leaking.steps, { actor: 'patient', action: 'view-my-account', input: {} }] };
      const side = (world: object) => ({ world, after: world, steps: kase.steps.map((step) => ({ step, before: world, result: { observation: {}, outcome: 'ok' as const } })) });
      const worlds = bench.worlds(kase);
      const run = { model: bench.model, secret: { name: kase.secret, hiddenFrom: ['patient'], variation: kase.variation }, a: side(worlds.a), b: side(worlds.b) };
      const sampler = bench.sampler({ maxSamples: 100, seed: 3 });
      const sample = await sampler.sampleRun(kase, run);
      if (!sample) throw new Error('nothing was timed');
      const judgement = judgeTiming(sample);
      expect(sample.step).toBe(step);
      expect(judgement.verdict, `t = ${judgement.test.t}, null t = ${judgement.nullTest?.t}`).toBe('leak');
      expect(sample.nullA.length).toBe(sample.a.length);
      expect(sample.discarded).toBe(0);
      expect(sampler.cost().setups).toBe(3);
    } finally {
      await bench.close();
    }
  }, 300_000);

  it('keeps both classes side by side on the site\'s one world when the binding resumes its set-ups', async () => {
    const bench = await signupTimingBench('eligibility-timing');
    try {
      const { kase, step } = bench.leakingCase(2);
      const binding = sideIdBinding();
      const sampler = timingSampler({
        model: bench.model,
        binding: binding as HttpBinding,
        openSite: () => createLiveSite({ baseUrl: bench.url, pool: bench.pool }),
        maxSamples: 100,
        seed: 2,
      });
      const sample = await sampler.sampleStep(kase, step, bench.worlds(kase));
      const judgement = judgeTiming(sample);
      expect(judgement.verdict, `t = ${judgement.test.t}, null t = ${judgement.nullTest?.t}`).toBe('leak');
      const cost = sampler.cost();
      expect(cost.setups).toBe(3);
      expect(cost.discarded).toBe(0);
      expect(binding.resumed).toBe(cost.runs - cost.setups);
    } finally {
      await bench.close();
    }
  }, 300_000);
});

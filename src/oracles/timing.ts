import type { JsonObject } from '../model/json.js';
import type { Oracle, TimingSample, TwinRun, Violation } from './oracle.js';
import { compareTimes, falsePositiveBound, type Comparison } from './welch.js';

export type TimingVerdict = 'leak' | 'no evidence' | 'inconclusive';

export interface TimingJudgement {
  verdict: TimingVerdict;
  /** World A against world B. */
  test: Comparison;
  /** World A against itself (the noise floor), when it was run. */
  nullTest?: Comparison;
}

/**
 * The verdict on live timing samples: `leak` only when A and B differ (|t| > threshold) and the
 * null test (two classes from the same world, same number of samples) does not; when the null
 * test fires or is missing the machine is too noisy to judge: `inconclusive`, never `leak`.
 */
export function judgeTiming(sample: TimingSample): TimingJudgement {
  const options = { threshold: sample.threshold, cropQuantile: sample.cropQuantile, minEffectMs: sample.minEffectMs };
  const test = compareTimes(sample.a, sample.b, options);
  if (test.decision !== 'differ') return { verdict: 'no evidence', test };
  if (sample.nullA.length < 3 || sample.nullB.length < 3) return { verdict: 'inconclusive', test };
  const nullTest = compareTimes(sample.nullA, sample.nullB, options);
  return { verdict: nullTest.decision === 'differ' ? 'inconclusive' : 'leak', test, nullTest };
}

const round = (x: number, digits = 3): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : 0);

function liveViolations(run: TwinRun, sample: TimingSample): Violation[] {
  const judgement = judgeTiming(sample);
  if (judgement.verdict !== 'leak') return [];
  const step = run.a.steps[sample.step]?.step;
  const action = step?.action ?? `step ${sample.step}`;
  const actor = step?.actor ?? 'the actor';
  const { test, nullTest } = judgement;
  const details: JsonObject = {
    verdict: judgement.verdict,
    medianDifferenceMs: round(test.effect.difference),
    ci95Ms: [round(test.effect.low), round(test.effect.high)],
    samplesPerClass: { a: sample.a.length, b: sample.b.length },
    keptAfterCrop: { a: test.n.a, b: test.n.b },
    t: round(test.t, 2),
    df: round(test.df, 1),
    threshold: sample.threshold,
    nullT: round(nullTest?.t ?? 0, 2),
    falsePositiveBoundPerLook: falsePositiveBound(sample.threshold, 1),
  };
  // Runs the live sampler left out because their steps ended otherwise than the first run on that world.
  if ('discarded' in sample && typeof sample.discarded === 'number') details['discardedSamples'] = sample.discarded;
  return [
    {
      oracle: 'timing',
      key: `${run.secret.name}:${action}:time`,
      message:
        `${actor} can tell the worlds apart by the response time of "${action}": the median differs by ` +
        `${round(test.effect.difference, 2)} ms (95% CI ${round(test.effect.low, 2)}–${round(test.effect.high, 2)} ms, ` +
        `t = ${round(test.t, 1)}, ${sample.a.length}+${sample.b.length} samples) while only the secret "${run.secret.name}" differs`,
      side: 'b',
      step: sample.step,
      field: 'timeMs',
      details,
    },
  ];
}

/** Model mode: the first step, in lock-step, where the declared work of a hidden-from actor's step differs. */
function workViolations(run: TwinRun): Violation[] {
  const steps = Math.min(run.a.steps.length, run.b.steps.length);
  for (let i = 0; i < steps; i++) {
    const a = run.a.steps[i];
    const b = run.b.steps[i];
    if (!a || !b) break;
    const hidden = run.secret.hiddenFrom.includes(a.step.actor);
    if (hidden) {
      const workA = a.result.work ?? {};
      const workB = b.result.work ?? {};
      const kind = [...new Set([...Object.keys(workA), ...Object.keys(workB)])].sort().find((k) => (workA[k] ?? 0) !== (workB[k] ?? 0));
      if (kind !== undefined) {
        const flaws = [...new Set([...(a.result.flaws ?? []), ...(b.result.flaws ?? [])])].sort();
        const violation: Violation = {
          oracle: 'timing',
          key: `${run.secret.name}:${a.step.action}:work.${kind}`,
          message:
            `${a.step.actor} can tell the worlds apart by the time "${a.step.action}" takes: the server does ` +
            `${workA[kind] ?? 0} "${kind}" in world A and ${workB[kind] ?? 0} in world B while only the secret "${run.secret.name}" differs`,
          side: 'b',
          step: i,
          field: `work.${kind}`,
          details: { workA, workB },
        };
        if (flaws.length > 0) violation.flaws = flaws;
        return [violation];
      }
    }
    // From the first visible difference on, the runs may part ways (see `indistinguishable`).
    const left = JSON.stringify({ outcome: a.result.outcome, ...a.result.observation });
    const right = JSON.stringify({ outcome: b.result.outcome, ...b.result.observation });
    if (left !== right) return [];
  }
  return [];
}

/**
 * Response time must not depend on a secret hidden from the actor. Model mode: the work each
 * step declares (`StepResult.work`) is equal in both twins for every step of a hidden-from
 * actor. Live mode: Welch's t-test on interleaved, cropped response times of one step
 * (`TwinRun.timing`, measured by the live runner), with a null test as noise floor.
 */
export const timing: Oracle = {
  id: 'timing',
  title: 'Response time does not depend on secrets the actor may not know',
  severity: 'medium',
  scope: 'step',
  usesWorld: false,
  usesTiming: true,
  // Every shrink candidate is timed anew (about 90 requests): 20 candidates keep a live finding under a minute.
  liveShrinkBudget: 20,
  liveOptIn: true,
  help:
    'The server does more (or less) work for some values of a secret the actor may not know — for ' +
    'example it looks up an immunisation history only for vaccinated people, or hashes a password only ' +
    'for existing accounts — so anyone with a stopwatch can learn the secret even when the pages are ' +
    'identical. Do the same work whatever the secret (look up, or hash against a dummy, for everyone), ' +
    'or do the secret-dependent work only after the person has proved who they are.',
  needs: 'a secret (`secrets`)',
  appliesTo: (model) => Object.keys(model.secrets).length > 0,
  check(run) {
    return run.timing ? liveViolations(run, run.timing) : workViolations(run);
  },
};

/**
 * One live lane with its twin sides at once (two parallel worlds, one in-flight slot) against
 * the sides in turn (one world), on the staging site in its own process: requests per second,
 * rounds taken in turn with the order swapped each round, fixed variant, every oracle.
 * Usage: node --import tsx src/bench/live-sides.ts <model> <runs> <rounds>
 */
import { checkModel } from '../engine/check.js';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { createRequestBudget } from '../targets/http/interceptors/budget.js';
import { openLiveLanes } from '../targets/http/live-lanes.js';
import { startStagingProcess } from './live.js';

const [name = 'nhs-covid-booking', runs = '50', rounds = '4'] = process.argv.slice(2);
const model = await loadModel(name);
const binding = model.http;
if (!binding) throw new Error(`${name} has no HTTP binding`);
const { url, child } = await startStagingProcess('fixed');

/** Requests per second of one lane: `worlds` set runs the sides at once, undefined in turn. */
const rate = async (worlds: string | undefined): Promise<number> => {
  const budget = createRequestBudget(Number.MAX_SAFE_INTEGER);
  const lanes = openLiveLanes({ model, binding, lanes: 1, worlds, site: { baseUrl: url, seedToken: 'bench-token', budget } });
  const started = performance.now();
  try {
    await checkModel(model, oracles, { variant: 'fixed', runs: Number(runs), seed: 1, runners: lanes.runners, describe: { variant: 'fixed', flaws: [] } });
    return budget.used() / ((performance.now() - started) / 1000);
  } finally {
    await lanes.close();
  }
};

try {
  // Warm up the site and this process's code once each way, untimed.
  await rate('sides');
  await rate(undefined);
  const atOnce: number[] = [];
  const inTurn: number[] = [];
  for (let round = 0; round < Number(rounds); round++) {
    if (round % 2 === 0) {
      atOnce.push(await rate('sides'));
      inTurn.push(await rate(undefined));
    } else {
      inTurn.push(await rate(undefined));
      atOnce.push(await rate('sides'));
    }
  }
  const show = (values: number[]) => values.map((v) => Math.round(v)).join(' ');
  console.log(`${name}: req/s sides at once ${show(atOnce)} | in turn ${show(inTurn)} | ratios ${atOnce.map((a, i) => (a / (inTurn[i] ?? a)).toFixed(2)).join(' ')}`);
} finally {
  child.kill();
}

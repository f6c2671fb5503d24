/**
 * One live lane with its twin sides at once (two parallel worlds, one in-flight slot) against
 * the sides in turn (one world), on the staging site in its own process: requests per second,
 * rounds taken in turn with the order swapped each round, fixed variant, every oracle.
 * Usage: node --import tsx src/bench/live-sides.ts <model> <runs> <rounds>
 */
import { loadModel } from '../model/load-model.js';
import { startStagingProcess, timeLiveLanes } from './live.js';

const [name = 'nhs-covid-booking', runs = '50', rounds = '4'] = process.argv.slice(2);
const model = await loadModel(name);
const binding = model.http;
if (!binding) throw new Error(`${name} has no HTTP binding`);
const { url, child } = await startStagingProcess('fixed');

/** Requests per second of one lane: `worlds` set runs the sides at once, undefined in turn. */
const rate = async (worlds: string | undefined): Promise<number> => (await timeLiveLanes(model, binding, url, { lanes: 1, worlds, runs: Number(runs) })).rps;

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

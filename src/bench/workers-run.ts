/**
 * One timed model-mode run in a fresh process, for the workers bench: both `--workers 1` and
 * `--workers N` then start as cold as a CLI run does (the bench's own process has been warmed
 * up by its other tables, which would favour the run that stays in it).
 * Usage: tsx src/bench/workers-run.ts <model> <runs> <workers>; prints one JSON line: wall
 * seconds, CPU seconds of the whole process over the same span (every thread: lanes, V8's
 * compiler and garbage-collector threads), and the findings' ids.
 */
import { checkModel } from '../engine/check.js';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';

const [name = 'household-booking', runs = '3000', workers = '1'] = process.argv.slice(2);
const model = await loadModel(name);
const started = performance.now();
const cpu = process.cpuUsage();
const run = await checkModel(model, oracles, { variant: 'vulnerable', runs: Number(runs), seed: 1, workers: Number(workers) });
const used = process.cpuUsage(cpu);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, ids: run.findings.map((f) => f.id).join(',') })}\n`);

/**
 * One timed model-mode run in a fresh process, for the workers bench: both `--workers 1` and
 * `--workers N` then start as cold as a CLI run does (the bench's own process has been warmed
 * up by its other tables, which would favour the run that stays in it).
 * Usage: tsx src/bench/workers-run.ts <model> <runs> <workers>; prints one JSON line.
 */
import { checkModel } from '../engine/check.js';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';

const [name = 'household-booking', runs = '3000', workers = '1'] = process.argv.slice(2);
const model = await loadModel(name);
const started = performance.now();
const run = await checkModel(model, oracles, { variant: 'vulnerable', runs: Number(runs), seed: 1, workers: Number(workers) });
process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - started) / 1000, ids: run.findings.map((f) => f.id).join(',') })}\n`);

/**
 * `npm run demo`: the main job on embedded defaults. Checks the vaccine-booking model's vulnerable
 * variant in process, then fuzzes the same flow live on the embedded staging site, with reports
 * in `.bookfuzz-demo/`. Exits 0 when both found the planted flaws (as they should), 1 otherwise.
 */
import { runCli } from './main.js';

const out = '.bookfuzz-demo';
process.stdout.write('== model mode: bookfuzz check nhs-covid-booking --variant vulnerable\n\n');
const model = await runCli(['check', 'nhs-covid-booking', '--variant', 'vulnerable', '--seed', '42', '--corpus', `${out}/corpus`, '--report', 'html,json,sarif,junit', '--out', `${out}/model`]);
process.stdout.write('\n== live mode: bookfuzz fuzz nhs-covid-booking --staging --variant vulnerable (the embedded staging site on 127.0.0.1)\n\n');
const live = await runCli(['fuzz', 'nhs-covid-booking', '--staging', '--variant', 'vulnerable', '--seed', '42', '--runs', '60', '--corpus', `${out}/corpus`, '--report', 'html,json,sarif,junit', '--out', `${out}/live`]);
const found = model === 1 && live === 1;
process.stdout.write(
  found
    ? `\ndemo: the planted flaws were found in model mode and live; reports in ${out}/model and ${out}/live\n`
    : `\ndemo: expected findings in both modes, got exit codes ${model} (model) and ${live} (live)\n`,
);
process.exitCode = found ? 0 : 1;

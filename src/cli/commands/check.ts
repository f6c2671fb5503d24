import { relative } from 'node:path';
import { checkModel } from '../../engine/check.js';
import { saveFinding } from '../../engine/corpus.js';
import { loadModel } from '../../model/load-model.js';
import { oracles } from '../../oracles/index.js';
import { consoleStyle, renderFinding, renderSummary } from '../../report/console.js';
import { writeReports, type ReportFormat } from '../../report/write-reports.js';
import { toolVersion } from '../version.js';
import { exitCode, type Io } from '../io.js';

export interface CheckArgs {
  model: string;
  variant?: string | undefined;
  flaws?: string[] | undefined;
  runs?: number | undefined;
  seed?: number | undefined;
  oracles?: string[] | undefined;
  json: boolean;
  corpus: string;
  reports?: ReportFormat[] | undefined;
  out?: string | undefined;
}

/** `bookfuzz check <model>`: model mode, in process, no network. */
export async function checkCommand(io: Io, args: CheckArgs): Promise<number> {
  const model = await loadModel(args.model, io.cwd);
  const style = consoleStyle(io.stdout, io.env);
  const document = await checkModel(model, oracles, {
    variant: args.variant,
    flaws: args.flaws,
    runs: args.runs,
    seed: args.seed,
    oracles: args.oracles,
    onEvent: (event) => {
      if (event.type !== 'finding') return;
      // Saved the moment it is confirmed: nothing found is lost.
      const path = saveFinding(args.corpus, event.finding);
      const local = relative(io.cwd, path);
      const shown = local && !local.startsWith('..') ? local : path;
      event.finding.replay = `bookfuzz replay ${shown.includes(' ') ? JSON.stringify(shown) : shown}`;
      if (!args.json) io.stdout.write(`${renderFinding(event.finding, style)}\n\n`);
    },
  });
  if (args.json) io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else io.stdout.write(`${renderSummary(document, style)}\n`);
  if (args.reports && args.reports.length > 0) {
    const paths = writeReports([document], args.reports, args.out ?? 'bookfuzz-report', { cwd: io.cwd, toolVersion });
    if (!args.json) io.stdout.write(`reports: ${paths.map((p) => relative(io.cwd, p) || p).join(', ')}\n`);
  }
  return document.findings.length > 0 ? exitCode.findings : exitCode.clean;
}

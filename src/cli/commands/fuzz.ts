import { randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import { relative } from 'node:path';
import type { Shard } from '../../engine/chunks.js';
import { checkModel } from '../../engine/check.js';
import { saveFinding } from '../../engine/corpus.js';
import type { RunDocument } from '../../engine/run-document.js';
import { BookfuzzError } from '../../errors.js';
import { loadModel } from '../../model/load-model.js';
import { oracles } from '../../oracles/index.js';
import { consoleStyle, renderFinding, renderSummary } from '../../report/console.js';
import { renderCurl } from '../../report/curl.js';
import { writeReports, type ReportFormat } from '../../report/write-reports.js';
import type { StagingSite } from '../../staging/index.js';
import { createLiveSite } from '../../targets/http/create-live-site.js';
import { createRequestBudget } from '../../targets/http/interceptors/budget.js';
import { createRateLimiter } from '../../targets/http/interceptors/rate-limit.js';
import { liveRunner } from '../../targets/http/live-runner.js';
import { exitCode, type Io } from '../io.js';
import { progressListener } from '../progress.js';
import { toolVersion } from '../version.js';
import { stagingFlawChoice } from './staging.js';

export interface FuzzArgs {
  model: string;
  target?: string | undefined;
  staging: boolean;
  variant?: string | undefined;
  flaws?: string[] | undefined;
  allowHosts: string[];
  rps?: number | undefined;
  budget?: number | undefined;
  runs?: number | undefined;
  seed?: number | undefined;
  seedToken?: string | undefined;
  oracles?: string[] | undefined;
  confirmations: number;
  allowIrreversible?: boolean | undefined;
  /** Per-request timeout in milliseconds (default 10 000). */
  timeoutMs?: number | undefined;
  json: boolean;
  corpus: string;
  reports?: ReportFormat[] | undefined;
  out: string;
  signal?: AbortSignal | undefined;
  workers?: number | undefined;
  shard?: Shard | undefined;
}

export const defaultLiveRuns = 100;

/** `bookfuzz fuzz <model> --target URL | --staging`: live mode over HTTP. */
export async function fuzzCommand(io: Io, args: FuzzArgs): Promise<number> {
  if ((args.target === undefined) === !args.staging) {
    throw new BookfuzzError('BF_USAGE', 'give exactly one of --target URL or --staging');
  }
  if (!args.staging && (args.variant !== undefined || args.flaws !== undefined)) {
    throw new BookfuzzError('BF_USAGE', '--variant and --flaws choose the flaws of the embedded staging site: use them with --staging');
  }
  // Refuse a host outside the allowlist first, before anything is loaded, generated or sent.
  if (args.target !== undefined) await createLiveSite({ baseUrl: args.target, allowHosts: args.allowHosts }).close();
  const model = await loadModel(args.model, io.cwd, { allowIrreversible: args.allowIrreversible === true });
  const binding = model.http;
  if (!binding) throw new BookfuzzError('BF_MODEL_INVALID', 'has no HTTP binding (`http` in defineModel): it can only be checked in model mode', { where: `model ${model.name}` });

  const workers = args.workers ?? 1;
  if (workers > 1 && !args.staging) {
    throw new BookfuzzError('BF_USAGE', 'live workers each need a site of their own (each world is seeded onto the site): use --workers with --staging');
  }
  const choice = args.staging ? stagingFlawChoice(args.variant, args.flaws) : { variant: 'target', flaws: [] };
  const seedToken = args.seedToken ?? (args.staging ? randomBytes(12).toString('hex') : undefined);
  // With --staging, one site per worker: each worker seeds its own worlds.
  const { startStagingSite } = args.staging ? await import('../../staging/index.js') : { startStagingSite: undefined };
  const stagingSites = startStagingSite
    ? await Promise.all(Array.from({ length: workers }, () => startStagingSite({ flaws: choice.flaws, port: 0, ...(seedToken ? { seedToken } : {}) })))
    : [];
  const targets = stagingSites.length > 0 ? stagingSites.map((site) => site.url) : [args.target ?? ''];
  const target = targets[0] ?? '';
  const style = consoleStyle(io.stdout, io.env);
  const progress = progressListener(io.stderr, !args.json);
  // Ends the search early without calling the run interrupted: budget spent, or the target is down.
  const budgetSpent = new AbortController();
  let gaveUp: BookfuzzError | undefined;
  const rateLimiter = createRateLimiter(args.rps);
  const budget = args.budget === undefined ? undefined : createRequestBudget(args.budget);
  // One warm connection pool per worker, shared by all the cases it runs.
  const pools = targets.map(() => new Agent({ connect: { timeout: args.timeoutMs ?? 10_000 }, headersTimeout: args.timeoutMs ?? 10_000, bodyTimeout: args.timeoutMs ?? 10_000 }));
  const runners = targets.map((baseUrl, lane) =>
    liveRunner({
      model,
      binding,
      // The rate limiter and the budget are shared by every worker: one global rate, one budget.
      openSite: () =>
        createLiveSite({
          baseUrl,
          allowHosts: args.allowHosts,
          rateLimiter,
          ...(pools[lane] ? { pool: pools[lane] } : {}),
          ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
          ...(budget ? { budget } : {}),
          ...(seedToken ? { seedToken } : {}),
        }),
      onBudgetSpent: () => budgetSpent.abort(),
      onGiveUp: (error) => {
        gaveUp = error;
        budgetSpent.abort();
      },
    }),
  );
  const modelFlaws = choice.flaws.filter((flaw) => flaw in model.flaws);
  let document: RunDocument;
  try {
    document = await checkModel(model, oracles, {
      describe: { variant: args.staging ? choice.variant : 'target', flaws: modelFlaws },
      runs: args.runs ?? defaultLiveRuns,
      seed: args.seed,
      oracles: args.oracles,
      signal: args.signal,
      shard: args.shard,
      until: budgetSpent.signal,
      runners,
      confirmations: args.confirmations,
      notes: () => [
        ...runners.flatMap((r) => r.problems()).map((p) => `transport error at ${p.where}: ${p.message} (${p.count}×)`),
        ...(budgetSpent.signal.aborted && gaveUp === undefined ? [`the request budget of ${args.budget} requests was spent; the run stopped there`] : []),
      ],
      onEvent: (event) => {
        progress.listener(event);
        if (event.type !== 'finding') return;
        const curl = renderCurl(event.finding, target);
        if (curl !== undefined) event.finding.curl = curl;
        const path = saveFinding(args.corpus, event.finding);
        const local = relative(io.cwd, path);
        const shown = local && !local.startsWith('..') ? local : path;
        event.finding.replay = `bookfuzz replay ${shown}${args.staging ? ' --staging' : ` --target ${target}`}`;
        if (!args.json) io.stdout.write(`${renderFinding(event.finding, style)}\n\n`);
      },
    });
  } finally {
    progress.stop();
    await Promise.all(pools.map((pool) => pool.close()));
    await Promise.all(stagingSites.map((site) => site.close()));
  }
  document.target = args.staging ? 'staging' : target;
  if (args.json) io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else {
    for (const note of document.notes ?? []) io.stdout.write(`note: ${note}\n`);
    io.stdout.write(`${renderSummary(document, style)}\n`);
  }
  if (args.reports && args.reports.length > 0) {
    const paths = writeReports([document], args.reports, args.out, { cwd: io.cwd, toolVersion });
    if (!args.json) io.stdout.write(`reports: ${paths.map((p) => relative(io.cwd, p) || p).join(', ')}\n`);
  }
  if (document.status === 'interrupted') return exitCode.interrupted;
  // The report above says what ran; the run itself could not go on.
  if (gaveUp) throw gaveUp;
  return document.findings.length > 0 ? exitCode.findings : exitCode.clean;
}


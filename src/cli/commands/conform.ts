import { randomBytes } from 'node:crypto';
import { conformRun } from '../../conform/conform-run.js';
import { conformJson, renderConform } from '../../conform/render-conform.js';
import { BookfuzzError } from '../../errors.js';
import { createLiveSite } from '../../http/create-live-site.js';
import { stagingFlawChoice } from '../../live/fuzz-live.js';
import { loadModel } from '../../model/load-model.js';
import { exitCode, type Io } from '../io.js';
import { printLintWarnings } from './lint.js';

export interface ConformArgs {
  model: string;
  target?: string | undefined;
  staging: boolean;
  variant?: string | undefined;
  flaws?: string[] | undefined;
  allowHosts: string[];
  seedToken?: string | undefined;
  runs?: number | undefined;
  seed?: number | undefined;
  allowIrreversible?: boolean | undefined;
  timeoutMs?: number | undefined;
  json: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * `bookfuzz conform <spec|model> --target URL | --staging`: the same generated journeys through
 * the spec's screens (the model's simulator, no flaw) and through the site; each way the site
 * departs, shrunk. Exit 1 with departures, 0 without, 2 when it cannot run.
 */
export async function conformCommand(io: Io, args: ConformArgs): Promise<number> {
  if ((args.target === undefined) === !args.staging) throw new BookfuzzError('BF_USAGE', 'give exactly one of --target URL or --staging');
  if (!args.staging && (args.variant !== undefined || args.flaws !== undefined)) {
    throw new BookfuzzError('BF_USAGE', '--variant and --flaws choose the flaws of the embedded staging site: use them with --staging');
  }
  // Refuse a host outside the allowlist first, before the model is even loaded.
  if (args.target !== undefined) await createLiveSite({ baseUrl: args.target, allowHosts: args.allowHosts }).close();
  const model = await loadModel(args.model, io.cwd, { allowIrreversible: args.allowIrreversible === true });
  await printLintWarnings(io, model.source);
  // The staging site as built right unless a variant or flaws say otherwise.
  const choice = args.staging ? stagingFlawChoice(args.variant ?? (args.flaws === undefined ? 'fixed' : undefined), args.flaws) : undefined;
  const seedToken = args.seedToken ?? (args.staging ? randomBytes(12).toString('hex') : undefined);
  const { startStagingSite } = args.staging ? await import('../../staging/index.js') : { startStagingSite: undefined };
  const site = startStagingSite && choice ? await startStagingSite({ flaws: choice.flaws, port: 0, ...(seedToken ? { seedToken } : {}) }) : undefined;
  const baseUrl = site?.url ?? args.target ?? '';
  const target = choice ? `the staging site (${choice.variant})` : baseUrl;
  try {
    const result = await conformRun(model, {
      openSite: () =>
        createLiveSite({
          baseUrl,
          allowHosts: args.allowHosts,
          ...(seedToken !== undefined ? { seedToken } : {}),
          ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
        }),
      ...(args.runs !== undefined ? { runs: args.runs } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      ...(args.signal ? { signal: args.signal } : {}),
    });
    io.stdout.write(args.json ? `${JSON.stringify(conformJson(result, target), null, 2)}\n` : renderConform(result, target));
    if (result.interrupted) return exitCode.interrupted;
    return result.departures.length > 0 ? exitCode.findings : exitCode.clean;
  } finally {
    await site?.close();
  }
}

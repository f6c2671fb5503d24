import { findingFiles, readFinding } from '../../engine/corpus.js';
import { replayFinding } from '../../engine/replay.js';
import { randomBytes } from 'node:crypto';
import type { CaseRunner } from '../../engine/check.js';
import type { Finding } from '../../engine/finding.js';
import { BookfuzzError, isBookfuzzError } from '../../errors.js';
import type { StagingSite } from '../../staging/index.js';
import { createLiveSite } from '../../http/create-live-site.js';
import { liveRunner } from '../../live/live-runner.js';
import { stagingFlawChoice } from '../../live/fuzz-live.js';
import { listModelNames, loadModel } from '../../model/load-model.js';
import type { ActionSpec, Model } from '../../model/model.js';
import { oracles } from '../../oracles/index.js';
import { exitCode, type Io } from '../io.js';

/** A shipped model by name; else the file the finding was recorded from (a flow spec with its irreversible steps when allowed). */
async function loadFindingModel(name: string, file: string | undefined, cwd: string, allowIrreversible: boolean): Promise<Model> {
  const spec = file !== undefined && /\.(ya?ml|json)$/i.test(file);
  if (file === undefined || (!spec && listModelNames().includes(name))) return loadModel(name, cwd, { allowIrreversible });
  return loadModel(file, cwd, { allowIrreversible });
}

/**
 * Actions the model marks irreversible: an action's own `irreversible: true`, else, for a flow
 * spec, its actions with `irreversible: true` as the file says (a compiled spec does not carry it).
 */
async function irreversibleActionsOf(model: Model): Promise<string[]> {
  const declared = Object.entries(model.actions)
    .filter(([, action]) => (action as ActionSpec & { irreversible?: unknown }).irreversible === true)
    .map(([name]) => name);
  if (declared.length > 0 || model.source === undefined || !/\.(ya?ml|json)$/i.test(model.source)) return declared;
  const { readSpecSource } = await import('../../flow-spec/spec-source.js');
  const actions = (readSpecSource(model.source).value as { actions?: unknown } | null)?.actions;
  if (actions === null || typeof actions !== 'object') return [];
  return Object.entries(actions as Record<string, unknown>)
    .filter(([, action]) => action !== null && typeof action === 'object' && (action as { irreversible?: unknown }).irreversible === true)
    .map(([name]) => name);
}

export interface ReplayArgs {
  path: string;
  variant?: string | undefined;
  flaws?: string[] | undefined;
  json: boolean;
  /** Replay against a live site instead of the model's simulator. */
  target?: string | undefined;
  /** Replay against the embedded staging site (with --variant/--flaws, else each finding's flaws). */
  staging?: boolean | undefined;
  allowHosts?: string[] | undefined;
  seedToken?: string | undefined;
  /** Send steps marked irreversible (`--allow-irreversible`); without it a finding that needs them is SKIPPED against a site. */
  allowIrreversible?: boolean | undefined;
}

/** Live sites for replay, opened on demand and closed at the end. */
class LiveTargets {
  private readonly sites = new Map<string, Promise<StagingSite>>();
  private readonly token = randomBytes(12).toString('hex');
  constructor(private readonly args: ReplayArgs) {}

  async runner(model: Model, finding: Finding): Promise<CaseRunner | undefined> {
    if (!this.args.staging && this.args.target === undefined) return undefined;
    const binding = model.http;
    if (!binding) throw new BookfuzzError('BF_MODEL_INVALID', 'has no HTTP binding, so it cannot be replayed against a site', { where: `model ${model.name}` });
    let baseUrl = this.args.target ?? '';
    let seedToken = this.args.seedToken;
    if (this.args.staging) {
      const flaws =
        this.args.variant !== undefined || this.args.flaws !== undefined
          ? stagingFlawChoice(this.args.variant, this.args.flaws).flaws
          : finding.flaws;
      const key = [...flaws].sort().join(',');
      let site = this.sites.get(key);
      if (!site) {
        site = (await import('../../staging/index.js')).startStagingSite({ flaws, port: 0, seedToken: this.token });
        this.sites.set(key, site);
      }
      baseUrl = (await site).url;
      seedToken = this.token;
    }
    const allowHosts = this.args.allowHosts ?? [];
    return liveRunner({
      model,
      binding,
      openSite: () => createLiveSite({ baseUrl, allowHosts, ...(seedToken ? { seedToken } : {}) }),
    });
  }

  async close(): Promise<void> {
    for (const site of this.sites.values()) await (await site).close();
  }
}

interface ReplayLine {
  file: string;
  id?: string;
  oracle?: string;
  model?: string;
  variant?: string;
  status: 'FIXED' | 'STILL FAILING' | 'SKIPPED' | 'ERROR';
  /** SKIPPED: why the case could not be judged. */
  reason?: string;
  error?: string;
}

/**
 * `bookfuzz replay <file|dir>`: rerun saved findings. One file: exit 1 if it still fails, 0 if
 * fixed, 2 if it cannot be replayed or was SKIPPED (not judged: a step it needs was not sent).
 * A folder: one line per finding, exit 1 if any still fails, else 2 if any was skipped or broken.
 */
export async function replayCommand(io: Io, args: ReplayArgs): Promise<number> {
  const files = findingFiles(args.path);
  const single = files.length === 1 && files[0] === args.path;
  if (args.target !== undefined) await createLiveSite({ baseUrl: args.target, allowHosts: args.allowHosts ?? [] }).close();
  const allowIrreversible = args.allowIrreversible === true;
  const models = new Map<string, Model>();
  const lines: ReplayLine[] = [];
  const live = new LiveTargets(args);
  try {
    for (const file of files) {
      try {
        const finding = readFinding(file);
        const key = finding.modelFile ?? finding.model;
        const model = models.get(key) ?? (await loadFindingModel(finding.model, finding.modelFile, io.cwd, allowIrreversible));
        models.set(key, model);
        const runner = await live.runner(model, finding);
        // Against the staging site --variant/--flaws choose the site's flaws, not the simulator's.
        const choice = runner ? {} : { variant: args.variant, flaws: args.flaws };
        const irreversibleActions = runner ? await irreversibleActionsOf(model) : [];
        const result = await replayFinding(model, oracles, finding, choice, runner, { allowIrreversible, irreversibleActions });
        const line: ReplayLine = {
          file,
          id: finding.id,
          oracle: finding.oracle,
          model: finding.model,
          variant: runner ? (args.staging ? `staging ${args.variant ?? (args.flaws ? `flaws:${args.flaws.join(',')}` : finding.variant)}` : (args.target ?? '')) : result.variant,
          status: result.status === 'fixed' ? 'FIXED' : result.status === 'skipped' ? 'SKIPPED' : 'STILL FAILING',
        };
        if (result.reason !== undefined) line.reason = result.reason;
        lines.push(line);
      } catch (error) {
        if (single || !isBookfuzzError(error)) throw error;
        lines.push({ file, status: 'ERROR', error: error.toLine() });
      }
    }
  } finally {
    await live.close();
  }
  if (args.json) io.stdout.write(`${JSON.stringify({ version: 1, results: lines }, null, 2)}\n`);
  else {
    for (const line of lines) {
      const what = line.status === 'ERROR' ? line.error : `${line.model} ${line.oracle} [${line.id}] on ${line.variant}${line.reason !== undefined ? `: ${line.reason}` : ''}`;
      io.stdout.write(`${line.status.padEnd(13)} ${line.file}  ${what}\n`);
    }
    const count = (s: ReplayLine['status']) => lines.filter((l) => l.status === s).length;
    const skipped = count('SKIPPED') > 0 ? `, ${count('SKIPPED')} skipped (not judged)` : '';
    io.stdout.write(`replayed ${lines.length}: ${count('FIXED')} fixed, ${count('STILL FAILING')} still failing${skipped}, ${count('ERROR')} errors\n`);
  }
  if (lines.some((l) => l.status === 'STILL FAILING')) return exitCode.findings;
  // A finding that was not judged is not fixed: never exit 0 for it.
  if (lines.some((l) => l.status === 'ERROR' || l.status === 'SKIPPED')) return exitCode.error;
  return exitCode.clean;
}

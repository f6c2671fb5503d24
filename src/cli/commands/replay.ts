import { findingFiles, readFinding } from '../../engine/corpus.js';
import { replayFinding } from '../../engine/replay.js';
import { isBookfuzzError } from '../../errors.js';
import { listModelNames, loadModel } from '../../model/load-model.js';
import type { Model } from '../../model/model.js';
import { oracles } from '../../oracles/index.js';
import { exitCode, type Io } from '../io.js';

/** A shipped model by name; else the file the finding was recorded from. */
async function loadFindingModel(name: string, file: string | undefined, cwd: string): Promise<Model> {
  if (listModelNames().includes(name) || file === undefined) return loadModel(name, cwd);
  return loadModel(file, cwd);
}

export interface ReplayArgs {
  path: string;
  variant?: string | undefined;
  flaws?: string[] | undefined;
  json: boolean;
}

interface ReplayLine {
  file: string;
  id?: string;
  oracle?: string;
  model?: string;
  variant?: string;
  status: 'FIXED' | 'STILL FAILING' | 'ERROR';
  error?: string;
}

/**
 * `bookfuzz replay <file|dir>`: rerun saved findings. One file: exit 1 if it still fails, 0 if
 * fixed, 2 if it cannot be replayed. A folder: one line per finding, exit 1 if any still fails.
 */
export async function replayCommand(io: Io, args: ReplayArgs): Promise<number> {
  const files = findingFiles(args.path);
  const single = files.length === 1 && files[0] === args.path;
  const models = new Map<string, Model>();
  const lines: ReplayLine[] = [];
  for (const file of files) {
    try {
      const finding = readFinding(file);
      const key = finding.modelFile ?? finding.model;
      const model = models.get(key) ?? (await loadFindingModel(finding.model, finding.modelFile, io.cwd));
      models.set(key, model);
      const result = replayFinding(model, oracles, finding, { variant: args.variant, flaws: args.flaws });
      lines.push({
        file,
        id: finding.id,
        oracle: finding.oracle,
        model: finding.model,
        variant: result.variant,
        status: result.status === 'fixed' ? 'FIXED' : 'STILL FAILING',
      });
    } catch (error) {
      if (single || !isBookfuzzError(error)) throw error;
      lines.push({ file, status: 'ERROR', error: error.toLine() });
    }
  }
  if (args.json) io.stdout.write(`${JSON.stringify({ version: 1, results: lines }, null, 2)}\n`);
  else {
    for (const line of lines) {
      const what = line.status === 'ERROR' ? line.error : `${line.model} ${line.oracle} [${line.id}] on ${line.variant}`;
      io.stdout.write(`${line.status.padEnd(13)} ${line.file}  ${what}\n`);
    }
    const count = (s: ReplayLine['status']) => lines.filter((l) => l.status === s).length;
    io.stdout.write(`replayed ${lines.length}: ${count('FIXED')} fixed, ${count('STILL FAILING')} still failing, ${count('ERROR')} errors\n`);
  }
  if (lines.some((l) => l.status === 'STILL FAILING')) return exitCode.findings;
  if (lines.some((l) => l.status === 'ERROR')) return exitCode.error;
  return exitCode.clean;
}

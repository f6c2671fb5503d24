import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BookfuzzError, isBookfuzzError } from '../errors.js';
import { parseShard, type Shard } from '../engine/chunks.js';
import { resolveWorkers } from '../engine/worker-executor.js';
import { parseReportFormats } from '../report/write-reports.js';
import { loadConfig } from './config.js';
import { commaList, exitCode, processIo, type Io } from './io.js';
import { parseDuration, parseRuns, type RunLimits } from './run-limits.js';

/**
 * Run the CLI with `argv` (without `node` and the script) and return the exit code:
 * 0 no finding, 1 findings, 2 usage, model or file error (one line on stderr).
 */
export async function runCli(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code: number = exitCode.clean;
  const parser = yargs([...argv])
    .scriptName('bookfuzz')
    .usage('$0 <command> [options]')
    .strict()
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      throw error ?? new BookfuzzError('BF_USAGE', message ?? 'bad command line (see bookfuzz --help)');
    })
    .command(
      'models',
      'list the models, their variants and flaws',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
      async (a) => {
        code = await (await import('./commands/models.js')).modelsCommand(io, { json: a.json });
      },
    )
    .command(
      'check [model]',
      'check a model in process (model mode, no network)',
      (y) =>
        y
          .positional('model', { type: 'string', describe: 'model name or path (default: "models" of the config file)' })
          .option('variant', { type: 'string', describe: 'named variant: vulnerable, fixed, ...' })
          .option('flaws', { type: 'string', describe: 'comma-separated flaws to switch on (instead of --variant)' })
          .option('runs', { type: 'string', describe: 'generated cases per oracle (default 300); inf: until stopped (Ctrl-C, SIGTERM, --duration)' })
          .option('duration', { type: 'string', describe: 'search until this time is over (30s, 30m, 2h), then finish the current case and report' })
          .option('progress-interval', { type: 'string', describe: 'off a terminal: a progress line on stderr this often (default 15s; 0: none)' })
          .option('seed', { type: 'number', describe: 'run seed, for reproducible runs' })
          .option('oracles', { type: 'string', describe: 'comma-separated oracles (default: all that apply)' })
          .option('json', { type: 'boolean', default: false, describe: 'print the run document as JSON' })
          .option('corpus', { type: 'string', describe: 'folder where findings are saved (default corpora)' })
          .option('report', { type: 'string', describe: 'reports to write: json,junit,sarif,html' })
          .option('out', { type: 'string', describe: 'folder for --report files (default bookfuzz-report)' })
          .option('config', { type: 'string', describe: 'configuration file (default bookfuzz.config.json or .ts)' })
          .option('workers', { type: 'string', describe: 'parallel worker threads: a number or auto (same findings for any number)' })
          .option('shard', { type: 'string', describe: 'run only slice i of n of the search (i/n); combine with bookfuzz merge' }),
      async (a) => {
        const { config } = await loadConfig(io.cwd, a.config);
        const flaws = commaList(a.flaws) ?? (a.variant === undefined ? config.flaws : undefined);
        const report = a.report ?? config.report?.join(',');
        code = await withInterrupt(io, async (signal) =>
          (await import('./commands/check.js')).checkCommand(io, {
            models: a.model !== undefined ? [a.model] : (config.models ?? []),
            variant: a.variant ?? (flaws === undefined ? config.variant : undefined),
            flaws,
            runs: parseRuns(a.runs ?? config.runs),
            seed: integer(a.seed ?? config.seed, '--seed'),
            oracles: commaList(a.oracles) ?? config.oracles,
            json: a.json,
            corpus: a.corpus ?? config.corpus ?? 'corpora',
            reports: report === undefined ? undefined : parseReportFormats(report),
            out: a.out ?? config.out ?? 'bookfuzz-report',
            signal,
            workers: workersOption(a.workers),
            shard: shardOption(a.shard),
            limits: limitsOption(a.duration, a['progress-interval']),
          }),
        );
      },
    )
    .command(
      'replay <path>',
      'replay saved findings (a file or a corpus folder)',
      (y) =>
        y
          .positional('path', { type: 'string', demandOption: true, describe: 'finding file or folder' })
          .option('variant', { type: 'string', describe: 'replay against another variant' })
          .option('flaws', { type: 'string', describe: 'replay against this flaw set' })
          .option('target', { type: 'string', describe: 'replay against a live site (base URL)' })
          .option('staging', { type: 'boolean', default: false, describe: 'replay against the embedded staging site' })
          .option('allow-host', { type: 'string', array: true, describe: 'a host besides loopback that may be contacted' })
          .option('seed-token', { type: 'string', describe: "the site's seeding token" })
          .option('allow-irreversible', { type: 'boolean', default: false, describe: 'flow specs: also send steps marked irreversible (else such findings are SKIPPED against a site)' })
          .option('json', { type: 'boolean', default: false }),
      async (a) => {
        if (a.staging && a.target !== undefined) throw new BookfuzzError('BF_USAGE', 'give --target or --staging, not both');
        code = await (await import('./commands/replay.js')).replayCommand(io, {
          path: a.path,
          variant: a.variant,
          flaws: commaList(a.flaws),
          json: a.json,
          target: a.target,
          staging: a.staging,
          allowHosts: a['allow-host'],
          seedToken: a['seed-token'],
          allowIrreversible: a['allow-irreversible'],
        });
      },
    )
    .command(
      'fuzz <model>',
      'fuzz a live site over HTTP with a model and its HTTP binding',
      (y) =>
        y
          .positional('model', { type: 'string', demandOption: true, describe: 'model name or path (it must have an HTTP binding)' })
          .option('target', { type: 'string', describe: 'base URL of the site, e.g. http://127.0.0.1:8080' })
          .option('staging', { type: 'boolean', default: false, describe: 'start the embedded staging site on an ephemeral port and fuzz it' })
          .option('variant', { type: 'string', describe: 'with --staging: vulnerable or fixed' })
          .option('flaws', { type: 'string', describe: 'with --staging: comma-separated flaws to switch on' })
          .option('allow-host', { type: 'string', array: true, describe: 'a host besides loopback that may be contacted (repeatable)' })
          .option('rps', { type: 'number', describe: 'requests per second, all actors together (default: no limit)' })
          .option('budget', { type: 'number', describe: 'most requests to send in the whole run' })
          .option('runs', { type: 'string', describe: 'generated cases per oracle (default 150); inf: until stopped (Ctrl-C, SIGTERM, --duration, --budget)' })
          .option('duration', { type: 'string', describe: 'search until this time is over (30s, 30m, 2h), then finish the current case and report' })
          .option('progress-interval', { type: 'string', describe: 'off a terminal: a progress line on stderr this often (default 15s; 0: none)' })
          .option('seed', { type: 'number', describe: 'run seed, for reproducible runs' })
          .option('seed-token', { type: 'string', describe: "the site's seeding token (x-bookfuzz-seed-token)" })
          .option('oracles', { type: 'string', describe: 'comma-separated oracles (default: all that apply)' })
          .option('confirm', { type: 'number', default: 3, describe: 'times a finding must reproduce before it is reported' })
          .option('allow-irreversible', { type: 'boolean', default: false, describe: 'flow specs: also send steps marked irreversible' })
          .option('timeout', { type: 'number', describe: 'per-request timeout in ms (default 10000)' })
          .option('timing-samples', { type: 'number', describe: 'timing oracle (opt-in: --oracles timing): most response-time samples per class (default 400)' })
          .option('timing-threshold', { type: 'number', describe: 'timing oracle: |t| above which a step leaks (default 4.5)' })
          .option('json', { type: 'boolean', default: false })
          .option('corpus', { type: 'string', describe: 'folder where findings are saved (default corpora)' })
          .option('report', { type: 'string', describe: 'reports to write: json,junit,sarif,html' })
          .option('out', { type: 'string', describe: 'folder for --report files (default bookfuzz-report)' })
          .option('config', { type: 'string', describe: 'configuration file' })
          .option('workers', { type: 'string', describe: 'lanes searching at once, one request in flight each, each in parallel worlds of the site (x-bookfuzz-world) with its twin sides at once, sharing one rate limit and budget (a number or auto)' })
          .option('parallel-worlds', { type: 'boolean', default: false, describe: 'the target keeps parallel worlds (x-bookfuzz-world): with --workers 1 too, run each twin\'s two sides at once, one request in flight' })
          .option('shard', { type: 'string', describe: 'run only slice i of n of the search (i/n)' }),
      async (a) => {
        const { config } = await loadConfig(io.cwd, a.config);
        const report = a.report ?? config.report?.join(',');
        code = await withInterrupt(io, async (signal) =>
          (await import('./commands/fuzz.js')).fuzzCommand(io, {
            model: a.model,
            target: a.target ?? (a.staging ? undefined : config.target),
            staging: a.staging,
            variant: a.variant,
            flaws: commaList(a.flaws),
            allowHosts: a['allow-host'] ?? config.allowHost ?? [],
            rps: a.rps ?? config.rps,
            budget: positiveInteger(a.budget ?? config.budget, '--budget'),
            runs: parseRuns(a.runs ?? config.runs),
            seed: integer(a.seed ?? config.seed, '--seed'),
            seedToken: a['seed-token'],
            oracles: commaList(a.oracles) ?? config.oracles,
            confirmations: integer(a.confirm, '--confirm') ?? 3,
            allowIrreversible: a['allow-irreversible'],
            timeoutMs: positiveInteger(a.timeout, '--timeout'),
            timingSamples: positiveInteger(a['timing-samples'], '--timing-samples'),
            timingThreshold: positiveNumber(a['timing-threshold'], '--timing-threshold'),
            json: a.json,
            corpus: a.corpus ?? config.corpus ?? 'corpora',
            reports: report === undefined ? undefined : parseReportFormats(report),
            out: a.out ?? config.out ?? 'bookfuzz-report',
            signal,
            workers: workersOption(a.workers),
            parallelWorlds: a['parallel-worlds'],
            shard: shardOption(a.shard),
            limits: limitsOption(a.duration, a['progress-interval']),
          }),
        );
      },
    )
    .command(
      'merge <reports..>',
      'merge shard reports (JSON run documents) into one, findings deduplicated',
      (y) =>
        y
          .positional('reports', { type: 'string', array: true, demandOption: true, describe: 'bookfuzz.json files of the shards' })
          .option('out', { type: 'string', describe: 'folder for the merged reports (default: print JSON)' })
          .option('report', { type: 'string', describe: 'reports to write with --out: json,junit,sarif,html (default json)' })
          .option('corpus', { type: 'string', describe: 'also save the merged findings into this corpus folder' }),
      async (a) => {
        code = await (await import('./commands/merge.js')).mergeCommand(io, {
          reports: a.reports ?? [],
          out: a.out,
          reports_formats: parseReportFormats(a.report ?? 'json'),
          corpus: a.corpus,
        });
      },
    )
    .command(
      'import-har <har>',
      'turn a browser recording (HAR 1.2) of one journey into a flow spec skeleton',
      (y) =>
        y
          .positional('har', { type: 'string', demandOption: true, describe: 'the .har file' })
          .option('out', { type: 'string', describe: 'write the spec here (default: print it)' })
          .option('name', { type: 'string', describe: 'spec name (kebab-case)' })
          .option('base-url', { type: 'string', describe: 'keep only requests to this origin (default: the first page)' }),
      async (a) => {
        code = await (await import('./commands/import-har.js')).importHarCommand(io, { har: a.har, out: a.out, name: a.name, baseUrl: a['base-url'] });
      },
    )
    .command(
      'conform <model>',
      "does the site follow the spec? the same journeys through the spec's screens and the site; each departure shrunk",
      (y) =>
        y
          .positional('model', { type: 'string', demandOption: true, describe: 'flow spec (with screens) or model name or path, with an HTTP binding' })
          .option('target', { type: 'string', describe: 'base URL of the site, e.g. http://127.0.0.1:8080' })
          .option('staging', { type: 'boolean', default: false, describe: 'start the embedded staging site (fixed unless --variant or --flaws)' })
          .option('variant', { type: 'string', describe: 'with --staging: vulnerable or fixed' })
          .option('flaws', { type: 'string', describe: 'with --staging: comma-separated flaws to switch on' })
          .option('allow-host', { type: 'string', array: true, describe: 'a host besides loopback that may be contacted (repeatable)' })
          .option('seed-token', { type: 'string', describe: "the site's seeding token (x-bookfuzz-seed-token)" })
          .option('runs', { type: 'number', describe: 'generated journeys (default 100)' })
          .option('seed', { type: 'number', describe: 'seed of the journeys (default 1)' })
          .option('allow-irreversible', { type: 'boolean', default: false, describe: 'flow specs: also send steps marked irreversible' })
          .option('timeout', { type: 'number', describe: 'per-request timeout in ms (default 10000)' })
          .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }),
      async (a) => {
        code = await withInterrupt(io, async (signal) =>
          (await import('./commands/conform.js')).conformCommand(io, {
            model: a.model,
            target: a.target,
            staging: a.staging,
            variant: a.variant,
            flaws: commaList(a.flaws),
            allowHosts: a['allow-host'] ?? [],
            seedToken: a['seed-token'],
            runs: positiveInteger(a.runs, '--runs'),
            seed: integer(a.seed, '--seed'),
            allowIrreversible: a['allow-irreversible'],
            timeoutMs: positiveInteger(a.timeout, '--timeout'),
            json: a.json,
            signal,
          }),
        );
      },
    )
    .command(
      'lint <spec>',
      'warn about what a flow spec probably gets wrong (file, line, field); exit 1 with --strict and warnings',
      (y) =>
        y
          .positional('spec', { type: 'string', demandOption: true, describe: 'the flow spec (YAML or JSON), or a model whose source is one' })
          .option('strict', { type: 'boolean', default: false, describe: 'exit 1 when there are warnings' })
          .option('json', { type: 'boolean', default: false, describe: 'print the warnings as JSON' }),
      async (a) => {
        code = await (await import('./commands/lint.js')).lintCommand(io, { spec: a.spec, strict: a.strict, json: a.json });
      },
    )
    .command(
      'diagram <model>',
      'draw the flow as a state diagram: Mermaid (default) or SVG',
      (y) =>
        y
          .positional('model', { type: 'string', demandOption: true, describe: 'model name or path, or a flow spec (its screens are drawn as declared)' })
          .option('variant', { type: 'string', describe: 'variant whose flaws are drawn (default vulnerable)' })
          .option('flaws', { type: 'string', describe: 'comma-separated flaws to draw (instead of --variant)' })
          .option('format', { type: 'string', default: 'mermaid', describe: 'mermaid (stateDiagram-v2) or svg (self-contained)' })
          .option('out', { type: 'string', describe: 'write the diagram to this file (default: print it)' })
          .option('cases', { type: 'number', describe: 'models without declared screens: generated cases explored (default 300)' })
          .option('seed', { type: 'number', describe: 'models without declared screens: seed of the explored cases (default 1)' }),
      async (a) => {
        code = await (await import('./commands/diagram.js')).diagramCommand(io, {
          model: a.model,
          variant: a.variant,
          flaws: commaList(a.flaws),
          format: diagramFormat(a.format),
          out: a.out,
          cases: positiveInteger(a.cases, '--cases'),
          seed: integer(a.seed, '--seed'),
        });
      },
    )
    .command(
      'staging',
      'start the reference staging site on 127.0.0.1 (until Ctrl-C)',
      (y) =>
        y
          .option('variant', { type: 'string', describe: 'vulnerable (every flaw) or fixed' })
          .option('flaws', { type: 'string', describe: 'comma-separated flaws of any model to switch on' })
          .option('port', { type: 'number', default: 0, describe: 'port (0: any free port)' })
          .option('seed-token', { type: 'string', describe: 'enable the seeding endpoint with this token' }),
      async (a) => {
        code = await (await import('./commands/staging.js')).stagingCommand(io, { variant: a.variant, flaws: commaList(a.flaws), port: a.port, seedToken: a['seed-token'] });
      },
    )
    .demandCommand(1, 'name a command (see bookfuzz --help)')
    .help()
    .version(false);
  try {
    await parser.parseAsync();
    return code;
  } catch (error) {
    if (isBookfuzzError(error)) {
      io.stderr.write(`${error.toLine()}\n`);
      return exitCode.error;
    }
    throw error;
  }
}

/** Exit codes of a run stopped by a signal: 128 + the signal's number, as shells report it. */
const signalExitCode = { SIGINT: exitCode.interrupted, SIGTERM: 143 } as const;

/**
 * Run a command with Ctrl-C (SIGINT) and SIGTERM wired to an AbortSignal: the first stops the run
 * cleanly (the search ends after the case or request in flight, every confirmed finding is kept,
 * the reports are written) and the command then exits 130 (SIGINT) or 143 (SIGTERM); a second
 * signal ends the process at once.
 */
async function withInterrupt(io: Io, command: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  let received: keyof typeof signalExitCode | undefined;
  const on = (name: keyof typeof signalExitCode) => () => {
    if (controller.signal.aborted) process.exit(signalExitCode[received ?? name]);
    received = name;
    const how = name === 'SIGINT' ? 'interrupted' : 'terminated (SIGTERM)';
    io.stderr.write(`\nbookfuzz: ${how}, finishing what ran (${name === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once)\n`);
    controller.abort();
  };
  const handlers = { SIGINT: on('SIGINT'), SIGTERM: on('SIGTERM') };
  for (const [name, handler] of Object.entries(handlers)) process.on(name, handler);
  try {
    const code = await command(controller.signal);
    return code === exitCode.interrupted && received !== undefined ? signalExitCode[received] : code;
  } finally {
    for (const [name, handler] of Object.entries(handlers)) process.off(name, handler);
  }
}

/** `--duration` and `--progress-interval`. */
function limitsOption(duration: string | undefined, progressInterval: string | undefined): RunLimits {
  const ms = duration === undefined ? undefined : parseDuration(duration, '--duration');
  if (ms === 0) throw new BookfuzzError('BF_USAGE', '--duration must be longer than 0 (leave it out to run until --runs are done)');
  return {
    ...(ms !== undefined && duration !== undefined ? { duration: { ms, text: duration.trim() } } : {}),
    ...(progressInterval !== undefined ? { progressIntervalMs: parseDuration(progressInterval, '--progress-interval') } : {}),
  };
}

function workersOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto') return resolveWorkers('auto');
  const n = Number(value);
  return resolveWorkers(Number.isFinite(n) ? n : Number.NaN);
}

function diagramFormat(value: string): 'mermaid' | 'svg' {
  if (value === 'mermaid' || value === 'svg') return value;
  throw new BookfuzzError('BF_USAGE', `--format must be mermaid or svg, got "${value}"`);
}

function shardOption(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const shard = parseShard(value);
  if (!shard) throw new BookfuzzError('BF_USAGE', `--shard must be i/n with 1 ≤ i ≤ n, got "${value}"`);
  return shard;
}

function integer(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value)) throw new BookfuzzError('BF_USAGE', `${flag} must be a whole number`);
  return value;
}

function positiveInteger(value: number | undefined, flag: string): number | undefined {
  const n = integer(value, flag);
  if (n !== undefined && n < 1) throw new BookfuzzError('BF_USAGE', `${flag} must be at least 1`);
  return n;
}

function positiveNumber(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) throw new BookfuzzError('BF_USAGE', `${flag} must be a positive number`);
  return value;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  runCli(hideBin(process.argv)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bookfuzz: internal error (a bug, please report it): ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 3;
    },
  );
}

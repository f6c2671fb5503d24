/**
 * Live-mode figures against the staging site on loopback, run in a separate process (so the
 * site and the fuzzer do not share a core's event loop):
 *   - requests per second achieved by bookfuzz, with the rate limit off;
 *   - requests per second of autocannon replaying the same requests (correlated) with the same concurrency;
 *   - peak RSS of a long bookfuzz live run (`--budget N` requests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Agent, type Dispatcher } from 'undici';
import { checkModel } from '../engine/check.js';
import { chunkRuns } from '../engine/chunks.js';
import { loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import type { HttpBinding } from '../http/binding.js';
import { oracles } from '../oracles/index.js';
import { createLiveSite } from '../http/create-live-site.js';
import { createRequestBudget } from '../http/interceptors/budget.js';
import { liveRunner } from '../live/live-runner.js';
import { openLiveLanes } from '../live/live-lanes.js';
import { forwardingHandler } from '../http/interceptors/forwarding-handler.js';
import { bin, cliNodeFlags } from './cli-node-flags.js';
import { correlate, translate } from './correlate.js';
import { median } from '../oracles/welch.js';

const token = 'bench-token';

/** Start `bookfuzz staging` in a child process and wait for its one line. */
export async function startStagingProcess(variant: 'fixed' | 'vulnerable'): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...cliNodeFlags(), bin, 'staging', '--variant', variant, '--seed-token', token, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`staging exited with ${code}`)));
  });
  return { url, child };
}

export interface LiveRateFigures {
  /** Medians over the rounds. */
  bookfuzzRps: number;
  autocannonRps: number;
  /** Median of the rounds' ratios (bookfuzz ÷ autocannon, each round's two runs taken one after the other). */
  ratio: number;
  /** Lowest and highest ratio of a round. */
  ratioRange: [number, number];
  /** Requests of one bookfuzz run. */
  requests: number;
  /** Share of autocannon's answers with the status bookfuzz got for the same request: how faithful the replay is. */
  sameStatus: number;
  /**
   * CPU time per request (µs, medians over the rounds) of each client (this process while it
   * runs) and of the site (its process, read from /proc: undefined where there is none), under
   * each client: which side bounds the rate.
   */
  cpu: { bookfuzz: number; autocannon: number; siteUnderBookfuzz: number | undefined; siteUnderAutocannon: number | undefined };
}

/** CPU time of this process and of the site's (Linux /proc; undefined elsewhere), in µs. */
function cpuNow(sitePid: number | undefined): { client: number; site: number | undefined } {
  const usage = process.cpuUsage();
  let site: number | undefined;
  if (sitePid !== undefined) {
    try {
      // Fields 14 and 15 of /proc/<pid>/stat, after the command name: user and system time in clock ticks (100 per second).
      const fields = readFileSync(`/proc/${sitePid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      site = (Number(fields[11]) + Number(fields[12])) * 10_000;
    } catch {
      site = undefined;
    }
  }
  return { client: usage.user + usage.system, site: Number.isFinite(site) ? site : undefined };
}

/** CPU per request of a timed run: `rps` and how many requests it counted. */
async function metered(sitePid: number | undefined, run: () => Promise<{ rps: number; requests: number }>): Promise<{ rps: number; client: number; site: number | undefined }> {
  const before = cpuNow(sitePid);
  const { rps, requests } = await run();
  const after = cpuNow(sitePid);
  const site = before.site !== undefined && after.site !== undefined ? (after.site - before.site) / requests : undefined;
  return { rps, client: (after.client - before.client) / requests, site };
}

/** One request bookfuzz sent, as it went on the wire, with the answer it got. */
interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  status: number;
  /** Set-Cookie lines and body of the answer, for correlation. */
  answer: string;
}

/**
 * Wraps a dispatcher so that the first `limit` requests sent through it are captured with
 * their answers (before the recording interceptor redacts anything).
 */
function capturing(pool: Dispatcher, limit: number): { dispatcher: Dispatcher; captured: Captured[] } {
  const captured: Captured[] = [];
  const dispatcher = pool.compose((dispatch) => (opts, handler) => {
    if (captured.length >= limit) return dispatch(opts, handler);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((opts.headers ?? {}) as Record<string, string | string[] | undefined>)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const entry: Captured = { method: opts.method, path: opts.path, headers, body: typeof opts.body === 'string' ? opts.body : undefined, status: 0, answer: '' };
    captured.push(entry);
    const chunks: Buffer[] = [];
    return dispatch(
      opts,
      forwardingHandler(handler, {
        onStart(status, responseHeaders) {
          entry.status = status;
          const cookies = responseHeaders['set-cookie'];
          entry.answer = Array.isArray(cookies) ? cookies.join('\n') : (cookies ?? '');
        },
        onData: (chunk) => void chunks.push(chunk),
        onSettled() {
          entry.answer += `\n${Buffer.concat(chunks).toString('utf8')}`;
        },
      }),
    );
  });
  return { dispatcher, captured };
}

/**
 * One timed bookfuzz run (fixed variant, every oracle, seed 1) on `lanes` live lanes built as
 * `fuzz --workers` builds them, against the staging site at `url`: requests per second, and
 * how many it sent. `worlds` undefined runs one lane's sides in turn in the site's one world.
 */
export async function timeLiveLanes(
  model: Model,
  binding: HttpBinding,
  url: string,
  options: { lanes: number; worlds: string | undefined; runs: number },
): Promise<{ rps: number; requests: number }> {
  const budget = createRequestBudget(Number.MAX_SAFE_INTEGER);
  const lanes = openLiveLanes({ model, binding, lanes: options.lanes, worlds: options.worlds, site: { baseUrl: url, seedToken: token, budget } });
  const started = performance.now();
  try {
    await checkModel(model, oracles, { variant: 'fixed', runs: options.runs, seed: 1, runners: lanes.runners, describe: { variant: 'fixed', flaws: [] } });
    return { rps: budget.used() / ((performance.now() - started) / 1000), requests: budget.used() };
  } finally {
    await lanes.close();
  }
}

/**
 * bookfuzz against autocannon on the same pages at the same concurrency. bookfuzz runs
 * `concurrency` lanes (`--workers`) as `fuzz` does, each with one request in flight and its twin
 * sides in two parallel worlds of the site (`openLiveLanes`); autocannon opens as
 * many connections, each in a parallel world of its own, and replays the requests of a
 * one-lane bookfuzz run in order with correlation: session cookies, CSRF tokens and one-time
 * codes that the site makes up anew are swapped for the replay's own (`correlate.ts`), so it
 * reaches the same pages with the same answers rather than cheap refusals. `sameStatus` says
 * how well that worked. `runs` are those of the replayed one-lane run; bookfuzz's timed run has
 * `balancedRuns(concurrency)`.
 */
export async function liveRate(modelName: string, url: string, options: { runs: number; concurrency: number; rounds: number; sitePid?: number | undefined }): Promise<LiveRateFigures> {
  const model = await loadModel(modelName);
  const binding = model.http;
  if (!binding) throw new Error(`${modelName} has no HTTP binding`);
  const { concurrency } = options;

  // The run in one lane (chunks are deterministic, so the requests are the same as the lanes
  // send between them), captured on the wire for autocannon to replay. Not timed: it also warms
  // up the site and bookfuzz's code, so the two timed runs below both meet a warm site and
  // measure the steady state a long run sees (timed cold, the first row charged the site's
  // start-up to bookfuzz).
  const recordAgent = new Agent();
  const { dispatcher: recordPool, captured } = capturing(recordAgent, Number.MAX_SAFE_INTEGER);
  const recordRunner = liveRunner({ model, binding, openSite: () => createLiveSite({ baseUrl: url, seedToken: token, pool: recordPool, world: 'bench-record' }) });
  await checkModel(model, oracles, { variant: 'fixed', runs: options.runs, seed: 1, runner: recordRunner, describe: { variant: 'fixed', flaws: [] } });
  await recordAgent.close();

  // bookfuzz: `concurrency` lanes in parallel worlds, built as `fuzz --workers` builds them, on
  // `chunkRuns × concurrency` runs per oracle: every oracle then has one chunk per lane, so
  // all lanes have the same number of chunks and none sits idle while the others finish (with
  // 50 × 8 runs, 20 chunks over 8 lanes left four lanes idle for the last fifth of the run,
  // and the rate measured the run's ragged end rather than the fuzzer).
  let requestsSent = 0;
  const timeBookfuzz = async (): Promise<{ rps: number; requests: number }> => {
    const timed = await timeLiveLanes(model, binding, url, { lanes: concurrency, worlds: 'bench', runs: balancedRuns(concurrency) });
    requestsSent = timed.requests;
    return timed;
  };

  let same = 0;
  /** Answers of every replay (for `sameStatus`). */
  let replied = 0;
  /** Answers of the replay being timed. */
  let answers = 0;
  let connections = 0;
  let lastAnswer = 0;
  type Context = { map?: Map<string, string>; world?: string };
  const mapOf = (context: Context): Map<string, string> => (context.map ??= new Map());
  const requests = captured.map((c): autocannon.Request => {
    const headers = Object.fromEntries(Object.entries(c.headers).filter(([name]) => name !== 'content-length' && name !== 'host'));
    return {
      method: c.method as autocannon.Request['method'],
      path: c.path,
      headers,
      ...(c.body !== undefined ? { body: c.body } : {}),
      setupRequest(request: autocannon.Request, context: Context) {
        const map = mapOf(context);
        context.world ??= `bench-autocannon-${connections++ % 32}`;
        const translated = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, translate(value, map)]));
        translated['x-bookfuzz-world'] = context.world;
        return { ...request, path: translate(c.path, map), headers: translated, ...(c.body !== undefined ? { body: translate(c.body, map) } : {}) };
      },
      onResponse(status: number, body: string, context: Context, responseHeaders?: Record<string, string | string[] | undefined>) {
        answers++;
        replied++;
        lastAnswer = performance.now();
        if (status === c.status) same++;
        const cookies = Object.entries(responseHeaders ?? {}).find(([name]) => name.toLowerCase() === 'set-cookie')?.[1];
        const answer = `${Array.isArray(cookies) ? cookies.join('\n') : (cookies ?? '')}\n${body}`;
        correlate(c.answer, answer, mapOf(context));
      },
    };
  });
  // Each connection replays the whole list once, in order.
  // Timed here, up to the last answer: autocannon notices that `amount` is reached only at its
  // next one-second tick, and its `duration` is that coarse too.
  // A replay that does not end (seen once, its cause not found) is stopped after a bound and
  // reported with what autocannon counted, instead of holding the bench for ever.
  const timeAutocannon = async (): Promise<{ rps: number; requests: number }> => {
    answers = 0;
    const expected = captured.length * concurrency;
    const replayStarted = performance.now();
    const limitMs = Math.max(60_000, expected * 3);
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      let guard: NodeJS.Timeout | undefined;
      const replay = autocannon({ url, connections: concurrency, amount: expected, requests }, (error: unknown, done) => {
        clearTimeout(guard);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(done);
      });
      guard = setTimeout(() => replay.stop(), limitMs);
    });
    if (answers < expected) {
      throw new Error(
        `autocannon's replay ended with ${answers} of ${expected} answers (stopped after ${Math.round(limitMs / 1000)} s at most; autocannon counted ${result.requests.sent} sent, ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} not 2xx)`,
      );
    }
    return { rps: answers / ((lastAnswer - replayStarted) / 1000), requests: answers };
  };

  // Rounds taken in turn, the order swapped every round: this machine's speed drifts by tens of
  // percent within minutes, so a ratio compares two runs taken close together.
  type Timed = Awaited<ReturnType<typeof metered>>;
  const rounds: { bookfuzz: Timed; autocannon: Timed }[] = [];
  const bookfuzzRound = () => metered(options.sitePid, timeBookfuzz);
  const autocannonRound = () => metered(options.sitePid, timeAutocannon);
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) {
      const bookfuzz = await bookfuzzRound();
      rounds.push({ bookfuzz, autocannon: await autocannonRound() });
    } else {
      const autocannon = await autocannonRound();
      rounds.push({ bookfuzz: await bookfuzzRound(), autocannon });
    }
  }
  const ratios = rounds.map((r) => r.bookfuzz.rps / r.autocannon.rps);
  const siteMedian = (pick: (r: (typeof rounds)[number]) => number | undefined): number | undefined => {
    const values = rounds.map(pick).filter((v): v is number => v !== undefined);
    return values.length === rounds.length ? median(values) : undefined;
  };
  return {
    bookfuzzRps: median(rounds.map((r) => r.bookfuzz.rps)),
    autocannonRps: median(rounds.map((r) => r.autocannon.rps)),
    ratio: median(ratios),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    requests: requestsSent,
    sameStatus: replied === 0 ? 0 : same / replied,
    cpu: {
      bookfuzz: median(rounds.map((r) => r.bookfuzz.client)),
      autocannon: median(rounds.map((r) => r.autocannon.client)),
      siteUnderBookfuzz: siteMedian((r) => r.bookfuzz.site),
      siteUnderAutocannon: siteMedian((r) => r.autocannon.site),
    },
  };
}

/** Runs per oracle that give every one of `lanes` lanes the same number of chunks: one chunk of each oracle per lane. */
export function balancedRuns(lanes: number): number {
  return chunkRuns * lanes;
}

/** Peak resident memory of `bookfuzz fuzz` (started as its bin starts it) sending `requests` requests (read from /proc while it runs). */
export async function livePeakRss(modelName: string, url: string, requests: number): Promise<{ peakMb: number; seconds: number; exit: number | null }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...cliNodeFlags(), bin, 'fuzz', modelName, '--target', url, '--seed-token', token, '--budget', String(requests), '--runs', '1000000', '--seed', '1', '--json', '--corpus', '/tmp/bookfuzz-bench-corpus'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm?.[1]) peak = Math.max(peak, Number(hwm[1]));
    } catch {
      // the process has ended
    }
  }, 250);
  const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  return { peakMb: peak / 1024, seconds: (performance.now() - started) / 1000, exit };
}

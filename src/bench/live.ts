/**
 * Live-mode figures against the staging site on loopback, run in a separate process (so the
 * site and the fuzzer do not share a core's event loop):
 *   - requests per second achieved by bookfuzz, with the rate limit off;
 *   - requests per second of autocannon replaying the same requests with the same concurrency;
 *   - peak RSS of a long bookfuzz live run (`--budget N` requests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Agent } from 'undici';
import { checkModel } from '../engine/check.js';
import { loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { createLiveSite } from '../targets/http/create-live-site.js';
import { createRequestBudget } from '../targets/http/interceptors/budget.js';
import { liveRunner } from '../targets/http/live-runner.js';
import type { Exchange } from '../targets/http/types.js';

const bin = new URL('../../bin/bookfuzz.js', import.meta.url).pathname;
const token = 'bench-token';

/** Start `bookfuzz staging` in a child process and wait for its one line. */
export async function startStagingProcess(variant: 'fixed' | 'vulnerable'): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [bin, 'staging', '--variant', variant, '--seed-token', token, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  bookfuzzRps: number;
  autocannonRps: number;
  ratio: number;
  requests: number;
}

/** bookfuzz (one worker, concurrency 1) against autocannon (1 connection) on the same requests. */
export async function liveRate(modelName: string, url: string, runs: number, seconds: number): Promise<LiveRateFigures> {
  const model = await loadModel(modelName);
  const binding = model.http;
  if (!binding) throw new Error(`${modelName} has no HTTP binding`);
  const budget = createRequestBudget(Number.MAX_SAFE_INTEGER);
  const pool = new Agent();
  const recorded: Exchange[] = [];
  const runner = liveRunner({
    model,
    binding,
    openSite: () => {
      const site = createLiveSite({ baseUrl: url, seedToken: token, budget, pool });
      const take = site.takeExchanges.bind(site);
      return { ...site, takeExchanges: () => {
        const taken = take();
        if (recorded.length < 200) recorded.push(...taken);
        return taken;
      } };
    },
  });
  const started = performance.now();
  await checkModel(model, oracles, { variant: 'fixed', runs, seed: 1, runner, describe: { variant: 'fixed', flaws: [] } });
  const bookfuzzRps = budget.used() / ((performance.now() - started) / 1000);
  await pool.close();

  // autocannon replays the requests bookfuzz sent (method, path, body), one connection.
  const requests = recorded.map((e) => {
    const request: autocannon.Request = { method: e.method as autocannon.Request['method'], path: e.path };
    if (e.requestBody !== undefined) {
      request.body = e.requestBody;
      request.headers = { 'content-type': e.requestHeaders['content-type'] ?? 'application/x-www-form-urlencoded' };
    }
    if (e.path.startsWith('/__bookfuzz/')) request.headers = { ...(request.headers ?? {}), 'x-bookfuzz-seed-token': token };
    return request;
  });
  const result = await autocannon({ url, connections: 1, duration: seconds, requests });
  const autocannonRps = result.requests.average;
  return { bookfuzzRps, autocannonRps, ratio: bookfuzzRps / autocannonRps, requests: budget.used() };
}

/** Peak resident memory of `bookfuzz fuzz` (started as its bin starts it) sending `requests` requests (read from /proc while it runs). */
export async function livePeakRss(modelName: string, url: string, requests: number): Promise<{ peakMb: number; seconds: number; exit: number | null }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=4', bin, 'fuzz', modelName, '--target', url, '--seed-token', token, '--budget', String(requests), '--runs', '1000000', '--seed', '1', '--json', '--corpus', '/tmp/bookfuzz-bench-corpus'],
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

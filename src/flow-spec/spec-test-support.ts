import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkModel } from '../engine/check.js';
import type { RunDocument } from '../engine/run-document.js';
import type { Model } from '../model/model.js';
import { oracles } from '../oracles/index.js';
import { startStagingSite } from '../staging/index.js';
import { createLiveSite } from '../http/create-live-site.js';
import { liveRunner } from '../live/live-runner.js';

/** Test support: run a spec model against the staging site (or any URL) through the live runner. */
export async function fuzzLive(
  model: Model,
  options: { flaws?: string[]; url?: string; runs: number; seed?: number; oracles?: string[]; signal?: AbortSignal; seedToken?: string },
): Promise<RunDocument> {
  const token = options.seedToken ?? 'spec-test-token';
  const staging = options.url === undefined ? await startStagingSite({ flaws: options.flaws ?? [], seedToken: token }) : undefined;
  const url = options.url ?? staging?.url ?? '';
  try {
    const binding = model.http;
    if (!binding) throw new Error('no binding');
    const runner = liveRunner({ model, binding, openSite: () => createLiveSite({ baseUrl: url, seedToken: token }) });
    return await checkModel(model, oracles, {
      runs: options.runs,
      seed: options.seed ?? 11,
      runner,
      describe: { variant: 'test', flaws: options.flaws ?? [] },
      ...(options.oracles ? { oracles: options.oracles } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    await staging?.close();
  }
}

/**
 * A counting proxy in front of a site: every request path is counted with the parallel world it
 * named (`worlds`, same order), and the most requests it had in flight at once; `/probe/*` is
 * answered locally.
 */
export async function countingProxy(target: string): Promise<{ url: string; seen: string[]; worlds: (string | undefined)[]; mostInFlight(): number; close(): Promise<void> }> {
  const seen: string[] = [];
  const worlds: (string | undefined)[] = [];
  let inFlight = 0;
  let most = 0;
  const server: Server = createServer((req, res) => {
    most = Math.max(most, ++inFlight);
    res.on('close', () => inFlight--);
    const world = req.headers['x-bookfuzz-world'];
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      worlds.push(typeof world === 'string' ? world : undefined);
      if ((req.url ?? '').startsWith('/probe/')) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(k)) headers[k] = v;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${target}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, redirect: 'manual', ...(body && req.method !== 'GET' ? { body } : {}) })
        .then(async (answer) => {
          const out: Record<string, string | string[]> = {};
          answer.headers.forEach((value, key) => {
            if (key !== 'set-cookie' && key !== 'content-encoding' && key !== 'content-length' && key !== 'transfer-encoding') out[key] = value;
          });
          const cookies = answer.headers.getSetCookie();
          if (cookies.length > 0) out['set-cookie'] = cookies;
          res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    worlds,
    mostInFlight: () => most,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

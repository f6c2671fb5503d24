/**
 * A hostile or broken target (slow, huge, garbage, resetting) gives clear transport notes in the
 * report — never a crash, never a finding by itself. Servers bind 127.0.0.1 on an ephemeral port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Io } from './io.js';
import { runCli } from './main.js';

type Behaviour = 'slow' | 'huge' | 'garbage' | 'reset';

function hostile(behaviour: Behaviour): Promise<Server> {
  const server = createServer((request, response) => {
    request.resume();
    if (behaviour === 'slow') return; // never answers
    if (behaviour === 'reset') return request.socket.destroy();
    if (behaviour === 'huge') {
      response.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < 8 * 1024 * 1024) {
          sent += chunk.length;
          if (!response.write(chunk)) return response.once('drain', pump);
        }
        response.end();
      };
      return pump();
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(Buffer.from([0x3c, 0x68, 0x31, 0xff, 0xfe, 0x3c, 0x2f, 0x62, 0xc3, 0x28, 0x3c, 0x66, 0x6f, 0x72, 0x6d]));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('fuzz against a hostile target', () => {
  it.each(['slow', 'reset', 'huge', 'garbage'] as const)('%s: no crash, no finding, transport problems named in the report', async (behaviour) => {
    const server = await hostile(behaviour);
    servers.push(server);
    const out = mkdtempSync(join(tmpdir(), `bookfuzz-hostile-${behaviour}-`));
    let stdout = '';
    let stderr = '';
    const io: Io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: { NO_COLOR: '1' }, cwd: out };
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const code = await runCli(
      ['fuzz', 'nhs-covid-booking', '--target', target, '--seed-token', 't', '--runs', '3', '--confirm', '1', '--timeout', '300', '--report', 'json', '--out', out, '--corpus', out],
      io,
    );
    // Never a silent pass: a site that cannot be tested ends the run with exit 2 and says why.
    expect(code).toBe(2);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).toMatch(/^bookfuzz: BF_TRANSPORT: .*failed 5 times in a row/m);
    const report = JSON.parse(readFileSync(join(out, 'bookfuzz.json'), 'utf8'));
    expect(report.findings).toEqual([]);
    expect(report.notes.join('\n')).toMatch(/transport error at POST \/__bookfuzz\/seed/);
  }, 120_000);
});

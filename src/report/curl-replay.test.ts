/**
 * The curl script of a spec finding replays it end to end: a real fuzz run against a small site
 * (per-render CSRF, a seed endpoint behind a token header, log-in with a password, a
 * change-password step with old and new password), then the script run with sh against a fresh
 * copy of the site, which records what reached it.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../engine/finding.js';
import type { JsonObject } from '../model/json.js';
import { valueAt } from '../observe/first-difference.js';
import { oracles } from '../oracles/index.js';
import { loadSpecModel } from '../flow-spec/load-spec-model.js';
import { fuzzLive } from '../live/fuzz-live.js';
import { renderFinding } from './console.js';

const run = promisify(execFile);
const seedToken = 'clinic-seed-token-7f3a9c';

/** What reached the site: one entry per request. */
interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

interface Account {
  id: string;
  email: string;
  familyName: string;
  password: string;
}

/**
 * A clinic's patient portal: `POST /api/seed` (header `x-seed-token`) puts the people on it,
 * `/login` and `/account/password` are forms with a CSRF token made anew for every render and
 * good once, the session is a cookie. Flawed, the page after a password change lists the other
 * patients of the clinic by name.
 */
async function startClinic(): Promise<{ url: string; received: Received[]; accounts: () => Account[]; close: () => Promise<void> }> {
  let accounts: Account[] = [];
  const csrf = new Set<string>();
  const sessions = new Map<string, string>();
  const received: Received[] = [];
  const page = (title: string, html: string) => `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${html}</body></html>`;
  const form = (action: string, fields: string) => {
    const token = randomBytes(12).toString('hex');
    csrf.add(token);
    return `<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${token}">${fields}<button>Continue</button></form>`;
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const send = (status: number, text: string, headers: Record<string, string> = {}) => {
        received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, status });
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
        res.end(text);
      };
      const fields = new URLSearchParams(body);
      const sid = /(?:^|; )sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      const me = accounts.find((a) => a.id === sessions.get(sid ?? ''));
      const goodCsrf = () => csrf.delete(fields.get('_csrf') ?? '');
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'POST' && path === '/api/seed') {
        if (req.headers['x-seed-token'] !== seedToken) return send(403, 'bad token');
        const patients = (JSON.parse(body) as { patients: JsonObject[] }).patients;
        accounts = patients.map((p) => {
          const identity = p['identity'] as JsonObject;
          return { id: String(p['id']), email: String(identity['email']), familyName: String(identity['familyName']), password: String(p['password']) };
        });
        return send(200, '{"seeded":true}', { 'content-type': 'application/json' });
      }
      if (req.method === 'GET' && path === '/login') return send(200, page('Sign in', form('/login', '<input name="email"><input type="password" name="password">')));
      if (req.method === 'POST' && path === '/login') {
        const account = accounts.find((a) => a.email === fields.get('email') && a.password === fields.get('password'));
        if (!goodCsrf() || !account) return send(200, page('Sign in', '<p class="error">Those details do not match.</p>'));
        const session = randomBytes(16).toString('hex');
        sessions.set(session, account.id);
        return send(303, '', { location: '/account', 'set-cookie': `sid=${session}; Path=/; HttpOnly` });
      }
      if (!me) return send(303, '', { location: '/login' });
      if (req.method === 'GET' && path === '/account') return send(200, page('Your account', `<p>${me.familyName}</p>`));
      if (req.method === 'GET' && path === '/account/password') {
        return send(200, page('Change your password', form('/account/password', '<input type="password" name="oldPassword"><input type="password" name="newPassword">')));
      }
      if (req.method === 'POST' && path === '/account/password') {
        if (!goodCsrf() || fields.get('oldPassword') !== me.password) return send(200, page('Change your password', '<p class="error">Your current password is not right.</p>'));
        me.password = fields.get('newPassword') ?? '';
        const others = accounts.filter((a) => a !== me).map((a) => `<li>${a.familyName}</li>`).join('');
        return send(200, page('Password changed', `<p>Done.</p><h2>Also at this clinic</h2><ul>${others}</ul>`));
      }
      return send(404, page('Not found', ''));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    accounts: () => accounts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const spec = `
name: clinic-portal
title: Clinic portal
description: Patients sign in with e-mail and password and may change their password.
identities:
  count: { min: 2, max: 3 }
  fields:
    password: { sequence: "Generated-pw-" }
actors:
  patient:
    description: a patient of the clinic
    is: 0
    with: { password: "{{self.password}}" }
    login:
      - path: /login
        extract: { csrf: { css: "input[name=_csrf]", attr: value } }
      - method: POST
        path: /login
        form: { _csrf: "{{extract.csrf}}", email: "{{self.email}}", password: "{{actor.password}}" }
setup:
  seed:
    - method: POST
      path: /api/seed
      headers: { x-seed-token: "{{seedToken}}" }
      json: { patients: "{{world.patients}}" }
      expect: [200]
actions:
  change-password:
    description: change one's password
    actors: [patient]
    input: { newPassword: { oneOf: ["Chosen-new-pw-A", "Chosen-new-pw-B"] } }
    requests:
      - path: /account/password
        observe: false
        extract: { csrf: { css: "input[name=_csrf]", attr: value } }
      - method: POST
        path: /account/password
        form: { _csrf: "{{extract.csrf}}", oldPassword: "{{self.password}}", newPassword: "{{input.newPassword}}" }
    okIf: [{ bodyContains: Password changed }]
maxSteps: 2
policy:
  maySee:
    - "canary.owner == self.id"
`;

describe('the curl script of a spec finding', () => {
  let finding: Finding;
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bookfuzz-curl-'));
    const file = join(dir, 'clinic.yaml');
    writeFileSync(file, spec);
    const site = await startClinic();
    try {
      const model = await loadSpecModel(file);
      const { document } = await fuzzLive(model, oracles, { target: site.url, seedToken, runs: 20, seed: 1, oracles: ['no-canary-leak'] });
      const found = document.findings[0];
      if (!found) throw new Error(`no finding: ${JSON.stringify(document.notes)}`);
      finding = found;
    } finally {
      await site.close();
    }
  }, 120_000);

  it('sends what the site needs: the seed token header, the generated passwords, fresh CSRF tokens, old and new password; exits 0', async () => {
    const script = finding.curl ?? '';
    expect(script).toMatch(/^#!\/bin\/sh/);
    const file = join(dir, 'finding.sh');
    writeFileSync(file, script);
    const world = finding.counterexample.world as JsonObject;
    const password = (i: number) => String(valueAt(world, `patients[${i}].password`));
    const newPassword = String(finding.counterexample.steps[0]?.input['newPassword']);
    const site = await startClinic();
    try {
      const { stdout } = await run('/bin/bash', [file, site.url], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', BOOKFUZZ_SEED_TOKEN: seedToken } });
      expect(stdout).toContain('200 POST /api/seed');
      const seed = site.received.find((r) => r.path === '/api/seed');
      expect(seed?.headers['x-seed-token']).toBe(seedToken);
      expect(seed?.status).toBe(200);
      const login = site.received.find((r) => r.method === 'POST' && r.path === '/login');
      expect(new URLSearchParams(login?.body).get('password')).toBe(password(0));
      expect(login?.status).toBe(303);
      const change = site.received.find((r) => r.method === 'POST' && r.path === '/account/password');
      const fields = new URLSearchParams(change?.body);
      expect(fields.get('oldPassword')).toBe(password(0));
      expect(fields.get('newPassword')).toBe(newPassword);
      // The CSRF token of the page rendered just before, and the old password, were right: the password changed.
      expect(site.accounts()[0]?.password).toBe(newPassword);
      expect(site.received.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'POST /api/seed 200',
        'GET /login 200',
        'POST /login 303',
        'GET /account 200',
        'GET /account/password 200',
        'POST /account/password 200',
      ]);
    } finally {
      await site.close();
    }
  }, 60_000);

  it('asks for the seed token instead of holding it, and stops before sending anything without it', async () => {
    const script = finding.curl ?? '';
    expect(script).not.toContain(seedToken);
    expect(script).toContain('-H "x-seed-token: ${BOOKFUZZ_SEED_TOKEN}"');
    const file = join(dir, 'no-token.sh');
    writeFileSync(file, script);
    const site = await startClinic();
    try {
      await expect(run('/bin/bash', [file, site.url], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } })).rejects.toMatchObject({ stderr: expect.stringContaining('BOOKFUZZ_SEED_TOKEN: set BOOKFUZZ_SEED_TOKEN: the --seed-token of the run') });
      expect(site.received).toEqual([]);
    } finally {
      await site.close();
    }
  }, 60_000);

  it('keeps credentials out of the finding: typed passwords point at the counterexample, worlds and exchanges redacted, the seed token nowhere', () => {
    const typed = finding.steps[0]?.typed ?? {};
    expect(typed['self.password']).toBe('‹redacted: kept at counterexample.world.patients[0].password›');
    expect(typed['input.newPassword']).toBe('‹redacted: kept at counterexample.steps[0].input.newPassword›');
    expect(valueAt(finding.worlds.a, 'patients[0].password')).toBe('‹redacted›');
    // Shown or saved, the people's passwords are nowhere but in the counterexample (and the curl
    // script made from it); the new password chosen from the spec's inputs stays in the steps' inputs too.
    const { curl: _, counterexample: __, ...shown } = finding;
    const text = JSON.stringify(shown);
    expect(text).not.toContain(seedToken);
    expect(text).not.toMatch(/Generated-pw-\d/);
    expect(text.split('Chosen-new-pw').length - 1).toBe(1);
    const console = renderFinding(finding, { color: false, width: 120 });
    expect(console).not.toMatch(/Generated-pw-\d/);
    expect(console).toContain('self.password=‹redacted: kept at counterexample.world.patients[0].password›');
    // Replay needs them: the counterexample keeps the synthetic people's generated passwords.
    expect(valueAt(finding.counterexample.world as JsonObject, 'patients[0].password')).toBe('Generated-pw-1');
  });
});

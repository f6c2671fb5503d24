import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isBookfuzzError } from '../errors.js';
import { startTestServer, type TestServer } from '../harness/test-server.js';
import { loadSpecModel } from './load-spec-model.js';
import { fuzzLive } from './spec-test-support.js';

/**
 * A results site under load: the first five visits to `/summary` are sent to a waiting-room page
 * (a legitimate refusal, not a broken selector); after that, `/summary` holds the code form.
 */
function resultsSite(codeForm: string) {
  let visits = 0;
  const html = (res: ServerResponse, body: string) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><body>${body}</body></html>`);
  return (req: IncomingMessage, res: ServerResponse) => {
    switch (`${req.method} ${req.url}`) {
      case 'POST /seed':
        return res.writeHead(200).end('{}');
      case 'GET /summary':
        if (visits++ < 5) return res.writeHead(303, { location: '/waiting-room' }).end();
        return html(res, codeForm);
      case 'GET /waiting-room':
        return html(res, '<h1>You are in a queue</h1><p>We will take you to your results shortly.</p>');
      default:
        return res.writeHead(200).end('ok');
    }
  };
}

const spec = `name: results
title: Results
description: Enter the texted code on the results page.
identities: { count: 1 }
actors:
  visitor: { description: someone }
setup:
  seed: [{ method: POST, path: /seed, json: {}, expect: [200] }]
actions:
  enter-code:
    actors: [visitor]
    requests:
      - path: /summary
        extract: { token: { css: "input[name=_csrf]", attr: value } }
      - { method: POST, path: /code, form: { _csrf: "{{extract.token}}" } }
maxSteps: 3
`;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('an extractor that misses where the site sent the actor elsewhere', () => {
  it('is a refused step, not a broken selector, when the page it was written for redirected away', async () => {
    server = await startTestServer(resultsSite('<form method="post" action="/code"><input type="hidden" name="_csrf" value="t0k3n5ecret"></form>'));
    const model = await loadSpecModel('/specs/results.yaml', { text: spec });
    // No secret, policy, record view or ended session: only an oracle named by hand judges this spec.
    const document = await fuzzLive(model, { url: server.baseUrl, runs: 30, seed: 2, oracles: ['session-dies'] });
    // Five steps in a row were sent to the waiting room, and the run went on to the code form.
    expect(server.seen.filter((r) => r.url === '/waiting-room')).toHaveLength(5);
    expect(server.seen.some((r) => r.url === '/code' && r.body.includes('t0k3n5ecret'))).toBe(true);
    expect(document.stats.cases).toBeGreaterThan(5);
  });

  it('still stops the run, naming the extractor, when the page it was written for never holds the field', async () => {
    server = await startTestServer(resultsSite('<form method="post" action="/code"><input type="hidden" name="csrf-token" value="t0k3n5ecret"></form>'));
    const model = await loadSpecModel('/specs/results.yaml', { text: spec });
    const error = await fuzzLive(model, { url: server.baseUrl, runs: 30, seed: 2, oracles: ['session-dies'] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBookfuzzError(error) && error.code === 'BF_MODEL_INVALID').toBe(true);
    expect(String((error as Error).message)).toMatch(/extractor "token" of step "enter-code" never matched \(3 answers in a row, the last 200 at \/summary, which begins: /);
  });
});

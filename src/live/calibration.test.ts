/**
 * Calibration as a site sees it: a quiet site is calibrated briefly, a noisy one in full, and one
 * that turns noisy only later is calibrated in full as soon as it does, with no finding either way.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/test-server.js';
import { loadSpecModel } from '../flow-spec/load-spec-model.js';
import { oracles } from '../oracles/index.js';
import { fuzzLive } from './fuzz-live.js';

const spec = `name: notices
title: Clinic notices
description: A visitor reads a clinic's notices and opening hours.
identities: { count: 1 }
secrets:
  screening:
    description: whether the person is enrolled in screening
    field: screening
    values: [enrolled, not-enrolled]
    hiddenFrom: [visitor]
actors:
  visitor: { description: a member of the public }
setup:
  seed: [{ method: POST, path: /seed, json: {}, expect: [200] }]
actions:
  view-notices:
    actors: [visitor]
    requests:
      - path: /notices
  view-hours:
    actors: [visitor]
    requests:
      - path: /hours
maxSteps: 3
`;

const banners = ['Flu jabs are back', 'Book your COVID booster', 'We are closed on bank holidays'];

/**
 * A site that never reads the secret: the same two pages for everyone. Once `noisyAfter` requests
 * were served, each page carries one of three banners and a request id (noise a real site has).
 */
function noticesSite(noisyAfter: number): (req: { url?: string | undefined }, res: ServerResponse) => void {
  let served = 0;
  return (req, res) => {
    served++;
    if (req.url === '/seed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const noise = served > noisyAfter ? `<div class="banner">${banners[randomInt(banners.length)]}</div><p>Request ${randomBytes(6).toString('hex')}</p>` : '';
    const main = req.url === '/hours' ? '<h1>Opening hours</h1><p>Monday to Friday, 8am to 6pm</p>' : '<h1>Notices</h1><p>The car park is closed for repairs.</p>';
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head><title>Clinic</title></head><body>${noise}${main}</body></html>`);
  };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Requests the run spent on calibration, and its findings, against a notices site. */
async function calibrationOf(noisyAfter: number): Promise<{ calibration: number; findings: number; noiseNote: boolean }> {
  server = await startTestServer(noticesSite(noisyAfter));
  const model = await loadSpecModel('/specs/notices.yaml', { text: spec });
  const { document } = await fuzzLive(model, oracles, { target: server.baseUrl, runs: 30, seed: 7, oracles: ['indistinguishable'] });
  await server.close();
  server = undefined;
  return {
    calibration: document.stats.requests?.byPhase.calibration ?? 0,
    findings: document.findings.length,
    // Noise met after calibration is said: as noise (its two runs of world A differed) or as a candidate that did not reproduce.
    noiseNote: (document.notes ?? []).some((n) => /were noise|did not reproduce/.test(n)),
  };
}

describe('calibration', () => {
  it('is brief on a quiet site, full on a noisy one, and completed as soon as a quiet site turns noisy', async () => {
    const quiet = await calibrationOf(Number.POSITIVE_INFINITY);
    const noisy = await calibrationOf(0);
    // Quiet: two worlds, three pairs of runs in all, instead of four worlds of three pairs each.
    expect(quiet.calibration).toBeGreaterThan(0);
    expect(noisy.calibration).toBeGreaterThan(3 * quiet.calibration);
    // Quiet through its short calibration, noisy afterwards: the rest of the calibration runs then,
    // so the run ends as calibrated as one that was noisy from the start.
    const late = await calibrationOf(40);
    expect(late.calibration).toBe(noisy.calibration);
    expect(late.noiseNote).toBe(true);
    // The site never reads the secret: nothing to report, however its noise came.
    expect([quiet.findings, noisy.findings, late.findings]).toEqual([0, 0, 0]);
  }, 120_000);
});

/**
 * Run documents the report tests share (test support only, not part of the API): a real run
 * with findings, a real clean run, and a hostile copy whose every string tries to break out of
 * its markup.
 */
import type { Finding } from '../engine/finding.js';
import type { RunDocument } from '../engine/run-document.js';
import { check, loadModel } from '../index.js';

export interface TestDocuments {
  /** `nhs-covid-booking`, vulnerable, seed 1: several findings. */
  vulnerable: RunDocument;
  /** `nhs-covid-booking`, fixed, 200 runs, seed 1: none. */
  fixed: RunDocument;
}

let cached: Promise<TestDocuments> | undefined;

export function testDocuments(): Promise<TestDocuments> {
  cached ??= (async () => {
    const model = await loadModel('nhs-covid-booking');
    return {
      vulnerable: await check(model, { variant: 'vulnerable', seed: 1, runs: 300 }),
      fixed: await check(model, { variant: 'fixed', runs: 200, seed: 1 }),
    };
  })();
  return cached;
}

/** A name that is an apostrophe, a tag and non-ASCII at once. */
export const hostileName = "O'Brien-<script>alert(\"Zoë\")</script>";
/** Characters XML 1.0 forbids (a C0 control, a lone surrogate, U+FFFF). */
export const forbiddenCharacters = '\u0001\uD800\uFFFF';

/**
 * A copy of `base` (which must have a finding) with hostile strings in the model name, the
 * message, an actor, a typed value, the observations (including live-mode `exchanges`) and the
 * world differences.
 */
export function hostileDocument(base: RunDocument): RunDocument {
  const document = structuredClone(base);
  const original = document.findings[0];
  if (!original) throw new Error('hostileDocument needs a document with a finding');
  const finding: Finding = {
    ...original,
    model: hostileName,
    message: `${hostileName} & friends ${forbiddenCharacters}]]>`,
    flaw: `flaw-${hostileName}`,
    steps: original.steps.map((step) => ({ ...step, actor: `actor ${hostileName}`, typed: { name: hostileName } })),
    replay: `bookfuzz replay "corpora/${hostileName}.json"`,
  };
  const at = finding.firstDifference.step - 1;
  const a = finding.observations.a[at];
  const b = finding.observations.b[at];
  if (a && b) {
    a['greeting'] = `Hello ${hostileName}`;
    b['greeting'] = 'Hello Ngāi Tahu';
    a['exchanges'] = [{ request: { method: 'POST', path: '/identity?name=<b>' }, response: { status: 302, location: '/booking-reference' } }];
    b['exchanges'] = [{ request: { method: 'POST', path: '/identity?name=<b>' }, response: { status: 302, location: '/screening' } }];
  }
  finding.worlds.differences = [...finding.worlds.differences, { path: 'patients[0].identity.familyName', a: hostileName, b: 'Ngata' }];
  document.model = hostileName;
  document.variant = `v'<"&>`;
  document.findings = [finding];
  return document;
}

/** The reason of `inconclusiveDocument`. */
export const setupFailureReason = 'set-up failed for 38 of 40 cases (POST /signup answered 409)';

/**
 * A copy of `base` as a live run that could not test what it was asked: status `inconclusive`
 * with its reason, and outcomes of every phase: a set-up request mostly refused, a cleanup that
 * timed out, an extractor that missed once, and a log-in, a reset and a second extractor that
 * all went well.
 */
export function inconclusiveDocument(base: RunDocument): RunDocument {
  const document = structuredClone(base);
  document.mode = 'live';
  document.target = 'http://127.0.0.1:8080';
  document.status = 'inconclusive';
  document.reason = setupFailureReason;
  document.notes = [...(document.notes ?? []), 'POST /signup answered 409 38 times (duplicate sign-up?)'];
  document.outcomes = [
    { what: 'set-up before any patient: POST /reset', phase: 'setup', where: 'site.flow.yaml:12:7 setup.flows.before[0]', sent: 2, ok: 2, refused: 0, failed: 0 },
    {
      what: 'set-up of each patient: POST /signup',
      phase: 'setup',
      where: 'site.flow.yaml:15:9 setup.flows.forEachPatient[0]',
      sent: 40,
      ok: 2,
      refused: 38,
      failed: 0,
      last: 'answered 409 at /signup',
    },
    { what: 'log-in of patient', phase: 'login', where: 'site.flow.yaml:30:5 login.patient', sent: 4, ok: 4, refused: 0, failed: 0 },
    {
      what: 'extractor "csrf" of step "open"',
      phase: 'extract',
      where: 'site.flow.yaml:41:11 actions.open.extract.csrf',
      sent: 4,
      ok: 3,
      refused: 1,
      failed: 0,
      last: 'the page was /login (200)',
    },
    { what: 'extractor "ref" of step "confirm"', phase: 'extract', sent: 3, ok: 3, refused: 0, failed: 0 },
    { what: 'cleanup of each patient: DELETE /patients/{id}', phase: 'cleanup', sent: 2, ok: 1, refused: 0, failed: 1, last: 'timed out after 10000 ms' },
  ];
  return document;
}

/** The requests of `liveStatsDocument`: 1,284 in all, each phase as in the console's example. */
export const liveRequests = { total: 1284, byPhase: { calibration: 96, search: 640, confirmation: 210, shrinking: 180, setup: 150, cleanup: 8 } };

/**
 * The per-action statistics of `liveStatsDocument`: an action always done, one partly refused
 * and partly failed, `book` sent 46 times and refused every time, `cancel` sent 12 times with no
 * usable answer, and `view-record` never sent.
 */
export const liveActions = [
  { action: 'start-booking', sent: 300, ok: 300, refused: 0, failed: 0 },
  { action: 'submit-identity', sent: 280, ok: 250, refused: 20, failed: 10 },
  { action: 'book', sent: 46, ok: 0, refused: 46, failed: 0 },
  { action: 'cancel', sent: 12, ok: 0, refused: 0, failed: 12 },
  { action: 'view-record', sent: 0, ok: 0, refused: 0, failed: 0 },
];

/**
 * A copy of `base` as a live run with its statistics: `liveRequests`, `liveActions`, and what
 * it took to find each finding (the first: 12.4 s, 820 requests, 35 cases, shrunk; each next one
 * later; the last one not shrunk yet when there are several).
 */
export function liveStatsDocument(base: RunDocument): RunDocument {
  const document = structuredClone(base);
  document.mode = 'live';
  document.target = 'http://127.0.0.1:8080';
  document.stats = { ...document.stats, durationMs: 61_250, requests: structuredClone(liveRequests), actions: structuredClone(liveActions) };
  const n = document.findings.length;
  document.findings.forEach((finding, i) => {
    finding.found = { ms: 12_400 + 3_000 * i, cases: 35 + 10 * i, requests: 820 + 100 * i, shrunk: n === 1 || i < n - 1 };
  });
  return document;
}

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

/**
 * `bookfuzz/vitest`: assertions for a project's own test suite.
 *
 * @example
 * import { test } from 'vitest';
 * import { check } from 'bookfuzz';
 * import { expectNoFindings } from 'bookfuzz/vitest';
 * test('booking flow leaks nothing', () => expectNoFindings(check('nhs-covid-booking', { variant: 'fixed', seed: 1 })));
 */
import type { RunDocument } from './engine/run-document.js';
import { renderFinding } from './report/console.js';

/** Thrown when a run has findings; its message shows each minimal counterexample. */
export class FindingsError extends Error {
  override readonly name = 'FindingsError';
  readonly document: RunDocument;
  constructor(document: RunDocument) {
    const style = { color: false, width: 110 };
    const n = document.findings.length;
    super(
      `bookfuzz found ${n} problem${n === 1 ? '' : 's'} in ${document.model} (${document.variant}, seed ${document.seed}):\n\n` +
        document.findings.map((finding) => renderFinding(finding, style)).join('\n\n'),
    );
    this.document = document;
  }
}

/**
 * Fail the test when the run (or the promise of one) has any finding, with a message that shows
 * the minimal steps and both observations at the first difference. An interrupted run fails too.
 */
export async function expectNoFindings(run: RunDocument | Promise<RunDocument>): Promise<RunDocument> {
  const document = await run;
  if (document.findings.length > 0) throw new FindingsError(document);
  if (document.status === 'interrupted') throw new Error(`bookfuzz run of ${document.model} was interrupted before it finished`);
  return document;
}

import type { RunDocument } from '../engine/run-document.js';

/**
 * One run document as pretty JSON ending in a newline: exactly what `bookfuzz check --json`
 * prints. Its shape is `run-document.schema.json`.
 *
 * @example
 * writeFileSync('bookfuzz.json', renderJson(check(model, { seed: 1 })));
 */
export function renderJson(document: RunDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Several runs in one JSON file (`#/$defs/runs` of the schema). */
export interface RunDocuments {
  version: 1;
  tool: 'bookfuzz';
  runs: RunDocument[];
}

/**
 * The JSON report of any number of runs: one run is the run document itself (so the file
 * equals `--json`); none or several are `{ "version": 1, "tool": "bookfuzz", "runs": [...] }`.
 */
export function renderJsonReport(documents: readonly RunDocument[]): string {
  const [only] = documents;
  if (documents.length === 1 && only) return renderJson(only);
  const wrapped: RunDocuments = { version: 1, tool: 'bookfuzz', runs: [...documents] };
  return `${JSON.stringify(wrapped, null, 2)}\n`;
}

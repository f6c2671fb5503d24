import type { Finding } from '../engine/finding.js';

/**
 * The command that replays a finding: `finding.replay` when the CLI saved it (it knows the
 * corpus file), else `bookfuzz replay` on the file `bookfuzz check` writes with the default
 * `--corpus corpora` (`corpora/<model>/<oracle>-<id>.json`).
 *
 * @example
 * findingReplay(finding) // → 'bookfuzz replay corpora/nhs-covid-booking/indistinguishable-a9aad820635a.json'
 */
export function findingReplay(finding: Finding): string {
  if (finding.replay) return finding.replay;
  const file = `corpora/${finding.model}/${finding.oracle}-${finding.id}.json`;
  return `bookfuzz replay ${/[\s"'$`\\]/.test(file) ? JSON.stringify(file) : file}`;
}

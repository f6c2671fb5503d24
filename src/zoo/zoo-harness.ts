/**
 * Runs bookfuzz against a leak-zoo fixture: start the fixture's site, fuzz it with the fixture's
 * flow spec, close the site. Plus the verdict the zoo tests and the bench share.
 */
import type { EngineEvent } from '../engine/events.js';
import type { RunDocument } from '../engine/run-document.js';
import { fuzz } from '../index.js';
import { startZooSite, type ZooFixture, type ZooMode } from './zoo-site.js';

/** Options of one fuzz run against a fixture. */
export interface FuzzFixtureOptions {
  seed: number;
  runs: number;
  /** Oracles to run (default: the fixture's expected oracle only). */
  oracles?: readonly string[];
  /** The engine's events, each with the requests the site served so far. */
  onEvent?: (event: EngineEvent, requestsSoFar: number) => void;
}

/** A run against a fixture and the requests its site served during it (seeding included). */
export interface ZooRun {
  document: RunDocument;
  requests: number;
}

/**
 * Start the fixture's site in `mode`, fuzz it with the fixture's spec and resolve to the run and
 * the site's request count; the site is closed afterwards, whatever happens.
 *
 * @example
 * const { document } = await runFixture(cookieName, 'vulnerable', { seed: 1, runs: 40 });
 */
export async function runFixture(fixture: ZooFixture, mode: ZooMode, options: FuzzFixtureOptions): Promise<ZooRun> {
  const site = await startZooSite(fixture, mode);
  const onEvent = options.onEvent;
  try {
    const document = await fuzz(fixture.spec, {
      target: site.url,
      runs: options.runs,
      seed: options.seed,
      oracles: options.oracles ?? [fixture.oracle],
      ...(onEvent ? { onEvent: (event: EngineEvent) => onEvent(event, site.requests()) } : {}),
    });
    return { document, requests: site.requests() };
  } finally {
    await site.close();
  }
}

/**
 * Start the fixture's site in `mode`, fuzz it with the fixture's spec and resolve to the run
 * document, closing the site afterwards.
 *
 * @example
 * const run = await fuzzFixture(cookieName, 'fixed', { seed: 1, runs: 40 });
 * console.log(run.findings.length); // 0
 */
export async function fuzzFixture(fixture: ZooFixture, mode: ZooMode, options: FuzzFixtureOptions): Promise<RunDocument> {
  return (await runFixture(fixture, mode, options)).document;
}

/**
 * What is wrong with a run against a fixture, in words (empty: as expected). Vulnerable: at
 * least one finding of the fixture's oracle. Fixed: no finding at all. Either: no
 * `indistinguishable` finding whose twin worlds do not differ (such a finding says nothing
 * about a secret). The other oracles judge one world, actor against victim (a leaked canary, an
 * action not permitted, a session alive), so their two worlds are the same by construction.
 */
export function zooProblems(fixture: ZooFixture, mode: ZooMode, document: RunDocument): string[] {
  const problems: string[] = [];
  const describe = (f: RunDocument['findings'][number]) => `${f.oracle} at step ${f.firstDifference.step} field "${f.firstDifference.field}": ${f.message}`;
  if (mode === 'vulnerable' && !document.findings.some((f) => f.oracle === fixture.oracle)) {
    problems.push(`missed: no ${fixture.oracle} finding on ${fixture.name} (vulnerable) in ${document.stats.cases} cases${document.findings.length > 0 ? `; other findings: ${document.findings.map(describe).join('; ')}` : ''}`);
  }
  if (mode === 'fixed') for (const f of document.findings) problems.push(`false positive on ${fixture.name} (fixed): ${describe(f)}`);
  for (const f of document.findings) {
    if (f.oracle === 'indistinguishable' && f.worlds.differences.length === 0) problems.push(`finding with no world difference on ${fixture.name} (${mode}): ${describe(f)}`);
  }
  return problems;
}

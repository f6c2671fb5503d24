import type { ConformResult } from './conform-run.js';
import { departureDiagrams } from './departure-diagrams.js';

const indent = (text: string, by: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

/**
 * A conformance run for a terminal: what ran, the pages the site showed for each screen, then each
 * departure — what differs, how often, its shrunk journey step by step (spec and site side by
 * side), and the journey drawn both ways (Mermaid) — and a last line with the verdict.
 */
export function renderConform(result: ConformResult, target: string): string {
  const out: string[] = [];
  out.push(`conform ${result.model} against ${target}, seed ${result.seed}: ${result.cases} journeys, ${result.steps} steps compared${result.notSetUp > 0 ? `, ${result.notSetUp} not set up (last: ${result.lastSetUpProblem ?? '?'})` : ''}${result.interrupted ? ' (interrupted)' : ''}`);
  const screens = Object.entries(result.screenPages);
  if (screens.length > 0) {
    out.push('screens, and the pages the site showed for them (steps both did):');
    const width = Math.max(...screens.map(([screen]) => screen.length));
    for (const [screen, pages] of screens) {
      const list = Object.entries(pages).map(([page, n]) => `${page} (${n})`).join(', ');
      out.push(`  ${screen.padEnd(width)}  ${list}${Object.keys(pages).length > 1 ? `   ← ${Object.keys(pages).length} pages for one screen` : ''}`);
    }
  }
  result.departures.forEach((departure, i) => {
    out.push('');
    out.push(`✗ departure ${i + 1} of ${result.departures.length} (${departure.kind}), in ${departure.cases} journey${departure.cases === 1 ? '' : 's'}: ${departure.message}`);
    out.push(`  first seen in journey ${departure.firstCase} after ${departure.shrunkFrom} step${departure.shrunkFrom === 1 ? '' : 's'}, shrunk to ${departure.steps.length}:`);
    departure.trace.forEach((record, n) => {
      const input = Object.keys(record.step.input).length > 0 ? ` ${JSON.stringify(record.step.input)}` : '';
      const spec = `${record.declared.outcome}${record.declared.screen !== undefined ? ` → ${record.declared.screen}` : ''}`;
      const site = `${record.observed.outcome}${record.observed.page !== undefined ? ` → ${record.observed.page}` : ''}`;
      out.push(`    ${n + 1}. ${record.step.actor} ${record.step.action}${input}`);
      out.push(`         spec: ${spec}`);
      out.push(`         site: ${site}${n === departure.trace.length - 1 ? '   ≠' : ''}`);
    });
    const diagrams = departureDiagrams(result.model, departure);
    out.push('  the journey as the spec has it (Mermaid):');
    out.push(indent(diagrams.declared, '    '));
    out.push('  the journey as the site did it (Mermaid):');
    out.push(indent(diagrams.observed, '    '));
  });
  out.push('');
  out.push(
    result.departures.length === 0
      ? `conform: the site follows the spec in ${result.cases} journeys (no departure)`
      : `conform: ${result.departures.length} way${result.departures.length === 1 ? '' : 's'} the site departs from the spec`,
  );
  return `${out.join('\n')}\n`;
}

/** The run as JSON: the result, each departure with its two diagrams. */
export function conformJson(result: ConformResult, target: string): unknown {
  return {
    ...result,
    target,
    departures: result.departures.map((departure) => ({ ...departure, diagrams: departureDiagrams(result.model, departure) })),
  };
}

import type { Finding } from '../engine/finding.js';
import { showJson } from './flatten.js';
import { foundAfter } from './run-stats.js';

/**
 * A finding as plain text for CI logs (JUnit failure bodies, SARIF messages): the message, the
 * flaw, what it took to find it (`found after 12.4 s, 820 requests, 35 cases`, when the run
 * measured it), the minimal steps (the first-difference step marked `→`), the first difference
 * and what the twin worlds differ in. No replay command: each format places that itself.
 */
export function findingSummary(finding: Finding): string {
  const lines = [finding.message];
  if (finding.flaw) lines.push(`flaw: ${finding.flaw}`);
  if (finding.found) lines.push(foundAfter(finding.found));
  lines.push('minimal steps:');
  finding.steps.forEach((step, i) => {
    const input = Object.keys(step.input).length > 0 ? ` ${JSON.stringify(step.input)}` : '';
    const typed = step.typed && Object.keys(step.typed).length > 0
      ? `  typed ${Object.entries(step.typed).map(([k, v]) => `${k}=${v}`).join(' ')}`
      : '';
    const marker = i + 1 === finding.firstDifference.step ? '→' : ' ';
    lines.push(` ${marker}${String(i + 1).padStart(2)}. ${step.actor} ${step.action}${input}${typed}`);
  });
  const { step, field, a, b } = finding.firstDifference;
  lines.push(`first difference at step ${step}, field "${field}": world A ${quote(a)}, world B ${quote(b)}`);
  if (finding.worlds.differences.length > 0) {
    const shown = finding.worlds.differences.slice(0, 6).map((d) => `${d.path}: ${quote(d.a)} → ${quote(d.b)}`);
    const more = finding.worlds.differences.length > 6 ? ` (+${finding.worlds.differences.length - 6} more)` : '';
    lines.push(`twin worlds differ in secret "${finding.secret.name}": ${shown.join('; ')}${more}`);
  }
  return lines.join('\n');
}

const quote = (value: Parameters<typeof showJson>[0]): string =>
  value === undefined ? '(absent)' : typeof value === 'string' ? JSON.stringify(value) : showJson(value);

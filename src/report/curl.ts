import type { Finding } from '../engine/finding.js';
import type { Json } from '../model/json.js';
import type { Exchange } from '../targets/http/types.js';

const REDACTED = '‹redacted›';

/** Single-quote a string for POSIX sh. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function exchangesOf(observation: Record<string, Json> | undefined): Exchange[] {
  const value = observation?.['exchanges'];
  return Array.isArray(value) ? (value as unknown as Exchange[]) : [];
}

/** A form body as `--data-urlencode` arguments; redacted values come back from the page or typed values. */
function formArguments(body: string, actor: string, typed: Readonly<Record<string, string>>): string[] {
  return body
    .split('&')
    .filter((pair) => pair.length > 0)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      const raw = decodeURIComponent((eq === -1 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' '));
      if (raw !== REDACTED) return `--data-urlencode ${quote(`${name}=${raw}`)}`;
      if (typed[name] !== undefined) return `--data-urlencode ${quote(`${name}=${typed[name]}`)}`;
      if (/csrf|xsrf/i.test(name)) return `--data-urlencode "${name}=$(field ${quote(actor)} ${quote(name)})"`;
      return `--data-urlencode "${name}=\${${envName(name)}:?set ${envName(name)}}"`;
    });
}

function envName(field: string): string {
  return `BOOKFUZZ_${field.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}

/**
 * A shell script of curl commands that replays a live finding's exchanges (world A, as the
 * actor sent them, one command per hop) against a target: one cookie jar per actor, CSRF
 * tokens read again from the page the actor saw last, typed values filled in, other redacted
 * secrets taken from environment variables (the seeding token from BOOKFUZZ_SEED_TOKEN).
 * Returns undefined for a model-mode finding (no exchanges).
 *
 * @example
 * writeFileSync('finding.sh', renderCurl(finding, 'http://127.0.0.1:8080'));
 */
export function renderCurl(finding: Finding, target: string): string | undefined {
  const steps = finding.observations.a.map((observation, index) => ({ index, exchanges: exchangesOf(observation) }));
  if (steps.every((s) => s.exchanges.length === 0)) return undefined;
  const lines = [
    '#!/bin/sh',
    `# bookfuzz finding ${finding.id} (${finding.oracle}, ${finding.model}): ${finding.message.replace(/\n/g, ' ')}`,
    '# Replays the HTTP exchanges of world A. Usage: sh finding.sh [BASE_URL]',
    'set -eu',
    `TARGET="\${1:-${target.replace(/"/g, '')}}"`,
    'jars=$(mktemp -d)',
    "field() { sed -n \"s/.*name=\\\"$2\\\" value=\\\"\\([^\\\"]*\\)\\\".*/\\1/p\" \"$jars/$1.html\" 2>/dev/null | head -n 1; }",
    '',
  ];
  for (const { index, exchanges } of steps) {
    const step = finding.steps[index];
    if (!step) continue;
    lines.push(`# step ${index + 1}: ${step.actor} ${step.action}`);
    for (const exchange of exchanges) {
      const actor = exchange.actor;
      const args = ['curl', '-sS', '-o', `"$jars/${actor}.html"`, '-w', quote(`%{http_code} ${exchange.method} ${exchange.path}\\n`)];
      args.push('-b', `"$jars/${actor}.jar"`, '-c', `"$jars/${actor}.jar"`, '-X', exchange.method);
      const contentType = exchange.requestHeaders['content-type'];
      if (exchange.path.startsWith('/__bookfuzz/')) args.push('-H', '"x-bookfuzz-seed-token: ${BOOKFUZZ_SEED_TOKEN:?set BOOKFUZZ_SEED_TOKEN}"');
      const authorization = exchange.requestHeaders['authorization'];
      if (authorization !== undefined) args.push('-H', '"authorization: ${BOOKFUZZ_AUTHORIZATION:?set BOOKFUZZ_AUTHORIZATION}"');
      if (exchange.requestBody !== undefined) {
        if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
          args.push(...formArguments(exchange.requestBody, actor, step.typed ?? {}));
        } else {
          if (contentType !== undefined) args.push('-H', quote(`content-type: ${contentType}`));
          args.push('--data-binary', quote(exchange.requestBody));
        }
      }
      const url = /^https?:\/\//.test(exchange.path) ? quote(exchange.path) : `"$TARGET"${quote(exchange.path)}`;
      args.push(url);
      lines.push(args.join(' '));
    }
    lines.push('');
  }
  lines.push('rm -rf "$jars"', '');
  return lines.join('\n');
}

import type { Finding } from '../engine/finding.js';
import type { Json, JsonObject } from '../model/json.js';
import { valueAt } from '../observe/first-difference.js';
import { isRedacted, keptPath } from '../http/redact.js';
import { seedingActor } from '../http/seed-world.js';
import type { Exchange } from '../http/types.js';

/** Request headers a replay does not send as recorded: the cookie jar, the transport and the run's parallel world take care of them. */
const NOT_REPLAYED = new Set(['cookie', 'content-length', 'host', 'connection', 'transfer-encoding', 'x-bookfuzz-world']);
/** Fields whose value the site hands out on each page (CSRF tokens, nonces): read again from the page the actor saw last. */
const FROM_PAGE = /csrf|xsrf|authenticity|nonce|^_token$/i;
/** The seeding token, wherever a spec sends it (`x-bookfuzz-seed-token`, `x-seed-token: {{seedToken}}`). */
const SEED_TOKEN = /seed/i;
/** Words before a field's name that say which of several values of one kind it takes (`oldPassword`, `newPassword`). */
const WHICH = /^(old|current|existing|new|confirm|repeat|verify)/;

/** Single-quote a string for POSIX sh. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A piece of a shell word: text as it is, or an expansion (`${BOOKFUZZ_PASSWORD}`, `$(field …)`). */
type Part = { text: string } | { shell: string };

/** Parts as one shell word: single-quoted when all text, else double-quoted with the expansions in it. */
function word(parts: readonly Part[]): string {
  if (parts.every((p) => 'text' in p)) return quote(parts.map((p) => ('text' in p ? p.text : '')).join(''));
  return `"${parts.map((p) => ('text' in p ? p.text.replace(/[\\"$`]/g, '\\$&') : p.shell)).join('')}"`;
}

/** A name as a basic regular expression matches it literally (for the script's `field`). */
function literalPattern(name: string): string {
  return name.replace(/[.[\]()*+?{}|^$\\/]/g, '\\$&');
}

/** An actor's name as a file name in the script's temporary folder. */
function fileName(actor: string): string {
  return actor.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function exchangesOf(observation: Record<string, Json> | undefined): Exchange[] {
  const value = observation?.['exchanges'];
  return Array.isArray(value) ? (value as unknown as Exchange[]) : [];
}

function envName(field: string): string {
  return `BOOKFUZZ_${field.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}

/** A name compared across forms and templates: lower-case letters and digits only. */
function plain(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Where a redacted value was sent: by whom, in which step, under which name, and for JSON bodies at which path. */
interface Place {
  actor: string;
  step: number;
  name: string;
  json?: (string | number)[];
}

/** A value the finding holds: a step's typed value (clear, or a `keptAt` mark), by its template name (`self.password`). */
interface TypedValue {
  step: number;
  actor: string;
  key: string;
  value: string;
}

/** Typed roots that name the acting actor's own values: another actor's are not this actor's. */
const OWN_ROOTS = /^(actor|self)\./;

/**
 * How the script fills each redacted value: from what the finding holds (typed values, the
 * counterexample's world and inputs), from the page (CSRF tokens), or from an environment
 * variable, one per distinct credential, named after where it was first sent.
 */
class Fills {
  readonly variables = new Map<string, { name: string; about: string }>();
  private readonly typed: TypedValue[];
  private readonly counterexample: Json;

  constructor(private readonly finding: Finding) {
    this.typed = finding.steps.flatMap((s, step) => Object.entries(s.typed ?? {}).map(([key, value]) => ({ step, actor: s.actor, key, value })));
    this.counterexample = finding.counterexample as unknown as Json;
  }

  /** The variable for one credential (`key`), named after `name` where it was first sent. */
  variable(key: string, name: string, about: string): Part {
    let known = this.variables.get(key);
    if (!known) {
      const base = envName(name);
      const taken = new Set([...this.variables.values()].map((v) => v.name));
      let candidate = base;
      for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
      known = { name: candidate, about };
      this.variables.set(key, known);
    }
    return { shell: `\${${known.name}}` };
  }

  /** The value held for a typed value: itself when clear, the counterexample's when kept there, else undefined. */
  private held(value: string): string | undefined {
    if (!isRedacted(value)) return value;
    const path = keptPath(value);
    if (path === undefined) return undefined;
    const kept = valueAt(this.counterexample, path);
    return typeof kept === 'string' ? kept : kept === undefined || kept === null ? undefined : JSON.stringify(kept);
  }

  /**
   * The typed value a field was most likely filled from: same name (`newPassword` ←
   * `input.newPassword`), else same kind (`oldPassword` ← `self.password`: an old or current
   * value from the person, a new one from the inputs); this step's first.
   */
  private typedFor(place: Place): TypedValue | undefined {
    const name = plain(place.name);
    const last = (t: TypedValue) => plain(t.key.split('.').pop() ?? t.key);
    const stem = (text: string) => text.replace(WHICH, '');
    const mine = this.typed.filter((t) => t.actor === place.actor || !OWN_ROOTS.test(t.key));
    const order = mine.sort((x, y) => Number(y.step === place.step) - Number(x.step === place.step));
    const exact = order.find((t) => last(t) === name);
    if (exact) return exact;
    const which = WHICH.exec(name)?.[1];
    const kin = order.filter((t) => stem(last(t)) === stem(name));
    if (which === undefined) return kin[0];
    // A new value (new, confirm, repeat) is one the actor chose: an input; an old one the person's own.
    const fromInput = /^(new|confirm|repeat|verify)$/.test(which);
    return kin.find((t) => t.key.startsWith('input.') === fromInput);
  }

  /** A world value at the JSON path a set-up request sent it from (`patients[0].password`), or the set-up patient's own field. */
  private worldFor(place: Place): string | undefined {
    const world = (this.counterexample as JsonObject | null)?.['world'];
    if (place.json === undefined || world === undefined) return undefined;
    const path = place.json.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
    const candidates: Json[] = [valueAt(world, path) ?? null];
    // One patient's set-up is sent by `__setup:<patient id>`: its fields are that patient's.
    const patientId = /:(.+)$/.exec(place.actor)?.[1];
    const patients = (world as JsonObject | null)?.['patients'];
    if (patientId !== undefined && Array.isArray(patients)) {
      const patient = patients.find((p) => p !== null && typeof p === 'object' && !Array.isArray(p) && p['id'] === patientId) as JsonObject | undefined;
      candidates.push(patient?.[place.name] ?? null);
    }
    const found = candidates.find((c): c is string => typeof c === 'string' && !isRedacted(c));
    return found;
  }

  /** How the script fills one redacted value sent at `place`. */
  fill(place: Place): Part {
    if (place.actor.startsWith(seedingActor) && /seed|token/i.test(place.name)) return this.variable('seed-token', 'seed-token', 'the --seed-token of the run');
    if (FROM_PAGE.test(place.name)) return { shell: `$(field ${quote(place.actor)} ${quote(literalPattern(place.name))})` };
    const world = this.worldFor(place);
    if (world !== undefined) return { text: world };
    const typed = this.typedFor(place);
    if (typed) {
      const value = this.held(typed.value);
      if (value !== undefined) return { text: value };
      const owner = OWN_ROOTS.test(typed.key) ? `${typed.actor}:` : '';
      return this.variable(`typed:${owner}${typed.key}`, place.name, `${place.name} sent in step ${place.step + 1} by ${place.actor} (${typed.key})`);
    }
    return this.variable(`field:${place.name}`, place.name, `${place.name} sent in step ${place.step + 1} by ${place.actor}`);
  }

  /** How the script sends one redacted request header. */
  header(place: Place, value: string): Part[] {
    const name = place.name.toLowerCase();
    if (name === 'authorization' || name === 'proxy-authorization') {
      const scheme = /^\s*([A-Za-z][A-Za-z0-9-]*)\s+/.exec(value)?.[1];
      if (scheme !== undefined && scheme.toLowerCase() === 'bearer') return [{ text: `${scheme} ` }, { shell: `$(token ${quote(place.actor)})` }];
      const prefix: Part[] = scheme === undefined ? [] : [{ text: `${scheme} ` }];
      return [...prefix, this.variable(`header:${name}`, name, `${name} credentials sent in step ${place.step + 1} by ${place.actor}`)];
    }
    if (SEED_TOKEN.test(name)) return [this.variable('seed-token', 'seed-token', `the --seed-token of the run (sent as ${name})`)];
    if (/csrf|xsrf/.test(name)) return [{ shell: `$(csrf ${quote(place.actor)} ${quote(literalPattern(name.replace(/^x-/, '')))})` }];
    return [this.fill(place)];
  }
}

/** A form body as `--data-urlencode` arguments, redacted values filled in. */
function formArguments(body: string, place: Omit<Place, 'name'>, fills: Fills): string[] {
  return body
    .split('&')
    .filter((pair) => pair.length > 0)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      const raw = decodeURIComponent((eq === -1 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' '));
      const value: Part = isRedacted(raw) ? fills.fill({ ...place, name }) : { text: raw };
      return `--data-urlencode ${word([{ text: `${name}=` }, value])}`;
    });
}

/** A JSON body as one shell word, redacted values filled in (as JSON strings). */
function jsonBody(body: string, place: Omit<Place, 'name'>, fills: Fills): string {
  let value: Json;
  try {
    value = JSON.parse(body) as Json;
  } catch {
    return quote(body);
  }
  const expansions: string[] = [];
  const mark = (i: number) => `\u0000${i}\u0000`;
  const walk = (item: Json, path: (string | number)[]): Json => {
    if (typeof item === 'string' && isRedacted(item)) {
      const last = path[path.length - 1];
      const part = fills.fill({ ...place, name: typeof last === 'string' ? last : 'value', json: path });
      if ('text' in part) return part.text;
      expansions.push(part.shell);
      return mark(expansions.length - 1);
    }
    if (Array.isArray(item)) return item.map((x, i) => walk(x, [...path, i]));
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([k, x]) => [k, walk(x, [...path, k])]));
    return item;
  };
  const text = JSON.stringify(walk(value, []));
  const parts: Part[] = text.split(/\\u0000(\d+)\\u0000/).map((piece, i) => (i % 2 === 0 ? { text: piece } : { shell: expansions[Number(piece)] ?? '' }));
  return word(parts);
}

/** A path with redacted query values filled in, after `$TARGET` (or a full URL of another allowed origin). */
function urlWord(path: string, place: Omit<Place, 'name'>, fills: Fills): string {
  const q = path.indexOf('?');
  const parts: Part[] = [{ text: q === -1 ? path : path.slice(0, q + 1) }];
  if (q !== -1) {
    path
      .slice(q + 1)
      .split('&')
      .forEach((pair, i) => {
        if (i > 0) parts.push({ text: '&' });
        const eq = pair.indexOf('=');
        const value = eq === -1 ? '' : decodeURIComponent(pair.slice(eq + 1));
        if (eq === -1 || !isRedacted(value)) parts.push({ text: pair });
        else parts.push({ text: pair.slice(0, eq + 1) }, fills.fill({ ...place, name: decodeURIComponent(pair.slice(0, eq)) }));
      });
  }
  const url = word(parts);
  return /^https?:\/\//.test(path) ? url : `"$TARGET"${url}`;
}

/** The script's helpers: read a field from the page an actor saw last, a CSRF value from page or cookie, a bearer token from a JSON answer. */
const helpers = [
  'field() { sed -n -E -e "s/.*<(input|meta)[^>]*name=\\"$2\\"[^>]*(value|content)=\\"([^\\"]*)\\".*/\\3/p" -e "s/.*<(input|meta)[^>]*(value|content)=\\"([^\\"]*)\\"[^>]*name=\\"$2\\".*/\\3/p" "$jars/$1.html" 2>/dev/null | head -n 1; }',
  "csrf() { v=$(field \"$1\" \"$2\"); if [ -z \"$v\" ]; then v=$(awk -v n=\"$2\" 'tolower($6) == tolower(n) { v = $7 } END { print v }' \"$jars/$1.jar\" 2>/dev/null); fi; printf '%s' \"$v\"; }",
  'remember() { t=$(sed -n -E \'s/.*"(access_token|accessToken|id_token|token|jwt)"[[:space:]]*:[[:space:]]*"([^"]*)".*/\\2/p\' "$jars/$1.html" 2>/dev/null | head -n 1); if [ -n "$t" ]; then printf \'%s\' "$t" > "$jars/$1.token"; fi; }',
  'token() { cat "$jars/$1.token" 2>/dev/null || true; }',
];

/**
 * A shell script of curl commands that replays a live finding's exchanges (world A, as the
 * actors sent them, one command per hop, set-up included) against a target: one cookie jar per
 * actor; the headers the spec sent kept; CSRF tokens read again from the page the actor saw last;
 * bearer tokens taken from the actor's last JSON answer that held one; every other redacted
 * value filled from what the finding holds (typed values, the counterexample's world and inputs:
 * a synthetic person's generated password, a generated new password) or, when the finding does
 * not keep it, from an environment variable checked before anything is sent, one per distinct
 * credential, named after where it was sent (`BOOKFUZZ_SEED_TOKEN` for the run's `--seed-token`,
 * `BOOKFUZZ_PASSWORD`, `BOOKFUZZ_NEWPASSWORD`). Returns undefined for a model-mode finding.
 *
 * @example
 * writeFileSync('finding.sh', renderCurl(finding, 'http://127.0.0.1:8080'));
 * // BOOKFUZZ_SEED_TOKEN=s3cret sh finding.sh http://127.0.0.1:8080
 */
export function renderCurl(finding: Finding, target: string): string | undefined {
  const steps = finding.observations.a.map((observation, index) => ({ index, exchanges: exchangesOf(observation) }));
  if (steps.every((s) => s.exchanges.length === 0)) return undefined;
  const fills = new Fills(finding);
  const bearer = steps.some((s) => s.exchanges.some((e) => /^\s*bearer\s/i.test(e.requestHeaders['authorization'] ?? '')));
  const body: string[] = [];
  for (const { index, exchanges } of steps) {
    const step = finding.steps[index];
    if (!step) continue;
    body.push(`# step ${index + 1}: ${step.actor} ${step.action}`);
    for (const exchange of exchanges) {
      const actor = exchange.actor;
      const file = fileName(actor);
      const place = { actor, step: index };
      const args = ['curl', '-sS', '-o', `"$jars/${file}.html"`, '-w', quote(`%{http_code} ${exchange.method} ${exchange.path}\\n`)];
      args.push('-b', `"$jars/${file}.jar"`, '-c', `"$jars/${file}.jar"`, '-X', exchange.method);
      for (const [name, value] of Object.entries(exchange.requestHeaders)) {
        if (NOT_REPLAYED.has(name.toLowerCase())) continue;
        const parts: Part[] = value.includes('‹redacted') ? fills.header({ ...place, name }, value) : [{ text: value }];
        args.push('-H', word([{ text: `${name}: ` }, ...parts]));
      }
      const contentType = (exchange.requestHeaders['content-type'] ?? '').toLowerCase();
      if (exchange.requestBody !== undefined) {
        if (contentType.startsWith('application/x-www-form-urlencoded')) args.push(...formArguments(exchange.requestBody, place, fills));
        else if (/^application\/([a-z.+-]*\+)?json/.test(contentType)) args.push('--data-binary', jsonBody(exchange.requestBody, place, fills));
        else args.push('--data-binary', quote(exchange.requestBody));
      }
      args.push(urlWord(exchange.path, place, fills));
      body.push(args.join(' '));
      if (bearer) body.push(`remember ${quote(file)}`);
    }
    body.push('');
  }
  const variables = [...fills.variables.values()];
  const lines = [
    '#!/bin/sh',
    `# bookfuzz finding ${finding.id} (${finding.oracle}, ${finding.model}): ${finding.message.replace(/\n/g, ' ')}`,
    '# Replays the HTTP exchanges of world A, set-up included. Usage: sh finding.sh [BASE_URL]',
    ...(variables.length > 0
      ? ['# Credentials the finding does not keep come from the environment:', ...variables.map((v) => `#   ${v.name}: ${v.about}`)]
      : []),
    'set -eu',
    `TARGET="\${1:-${target.replace(/["$`\\]/g, '')}}"`,
    // The message goes inside "${…:?…}", where a quote of either kind would open a string.
    ...variables.map((v) => `: "\${${v.name}:?set ${v.name}: ${v.about.replace(/["'$`\\{}]/g, '')}}"`),
    'jars=$(mktemp -d)',
    "trap 'rm -rf \"$jars\"' EXIT",
    ...helpers.slice(0, bearer ? 4 : 2),
    '',
    ...body,
  ];
  return `${lines.join('\n')}\n`;
}


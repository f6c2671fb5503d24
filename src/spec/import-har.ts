import type { Entry, Har } from 'har-format';
import { stringify } from 'yaml';
import { isValidNhsNumber } from '../identity/nhs-number.js';

export interface ImportHarOptions {
  /** Keep only requests to this origin (default: the origin of the first HTML page). */
  baseUrl?: string;
  /** Spec name (kebab-case; default `imported-flow`). */
  name?: string;
}

const staticPath = /\.(css|js|mjs|map|png|jpe?g|gif|svg|ico|webp|woff2?|ttf|eot)(\?|$)/i;
const staticType = /^(text\/css|image\/|font\/|application\/(javascript|font)|text\/javascript)/i;
const csrfName = /csrf|xsrf|^_token$|authenticity|^token$/i;
const seedPath = '/__bookfuzz/seed';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface ImportedRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  form?: Record<string, string>;
  json?: Json;
  extract?: Record<string, { css?: string; attr?: string; json?: string }>;
}

/** What kind of identity value a recorded value looks like, given its field name. */
function identityKind(name: string, value: string): string | undefined {
  const v = value.trim();
  if (/^\d{3}\s?\d{3}\s?\d{4}$/.test(v) && isValidNhsNumber(v.replace(/\s+/g, ''))) return 'nhsNumber';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) && /birth|dob/i.test(name)) return 'dateOfBirth';
  if (/^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$/i.test(v)) return 'postcode';
  if (/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(v)) return 'email';
  if (/^(\+44\s?|0)\d[\d\s]{8,11}$/.test(v) && /phone|mobile|tel/i.test(name)) return 'phone';
  if (/^[A-HJ-NP-Z]{3}\d{2}[\dA-HJ-NP-Z]{2}$/i.test(v) && /nhi/i.test(name)) return 'nhi';
  if (/given|first|forename/i.test(name)) return 'givenName';
  if (/family|last|surname/i.test(name)) return 'familyName';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return 'dateOfBirth';
  return undefined;
}

function pathOf(url: URL): string {
  return `${url.pathname}${url.search}`;
}

function kebab(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'step';
}

function bodyOf(entry: Entry): { form?: Record<string, string>; json?: Json } {
  const post = entry.request.postData;
  if (!post) return {};
  const type = (post.mimeType ?? '').toLowerCase();
  if (type.includes('json') && post.text) {
    try {
      return { json: JSON.parse(post.text) as Json };
    } catch {
      return {};
    }
  }
  if (post.params && post.params.length > 0) return { form: Object.fromEntries(post.params.map((p) => [p.name, p.value ?? ''])) };
  if (post.text !== undefined) return { form: Object.fromEntries(new URLSearchParams(post.text)) };
  return {};
}

/** JSON pointer to the first place `value` sits in a JSON document. */
function pointerTo(doc: unknown, value: string, at = ''): string | undefined {
  if (doc === value) return at;
  if (Array.isArray(doc)) {
    for (const [i, item] of doc.entries()) {
      const found = pointerTo(item, value, `${at}/${i}`);
      if (found !== undefined) return found;
    }
  } else if (doc !== null && typeof doc === 'object') {
    for (const [k, item] of Object.entries(doc)) {
      const found = pointerTo(item, value, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Turn a HAR 1.2 recording of one journey into a flow spec skeleton (YAML text): requests in
 * order (static assets, other origins and redirect hops the client follows itself dropped),
 * form fields and JSON bodies, CSRF tokens re-sent from an earlier answer turned into extractors,
 * cookies left to the jar, identity-looking values turned into `{{victim.…}}` templates. A
 * recorded call to the bookfuzz seeding endpoint becomes `setup.seed`, with the recorded people
 * replaced by generated ones and their other fields kept as `identities.fields`. Marking one of
 * those fields secret is the edit that makes the spec look for a leak.
 *
 * @example
 * const yaml = importHar(JSON.parse(readFileSync('journey.har', 'utf8')) as Har, { name: 'my-site' });
 */
export function importHar(har: Har, options: ImportHarOptions = {}): string {
  const entries = har.log.entries;
  const firstPage = entries.find((e) => (e.response.content.mimeType ?? '').includes('html')) ?? entries[0];
  const origin = new URL(options.baseUrl ?? firstPage?.request.url ?? 'http://127.0.0.1/').origin;
  const kept: Entry[] = [];
  let followed: string | undefined;
  for (const entry of entries) {
    const url = new URL(entry.request.url);
    if (url.origin !== origin) continue;
    if (staticPath.test(url.pathname) || staticType.test(entry.response.content.mimeType ?? '')) continue;
    // A GET to where the previous answer redirected is a hop the client follows by itself.
    if (followed !== undefined && entry.request.method === 'GET' && new URL(followed, origin).href === url.href) {
      followed = entry.response.status >= 300 && entry.response.status < 400 ? entry.response.redirectURL || undefined : undefined;
      continue;
    }
    followed = entry.response.status >= 300 && entry.response.status < 400 ? entry.response.redirectURL || headerOf(entry, 'location') : undefined;
    kept.push(entry);
  }

  const cookieNames = new Set<string>();
  let requestIdHeader = false;
  for (const entry of kept) {
    for (const c of entry.response.cookies ?? []) cookieNames.add(c.name);
    for (const h of entry.response.headers) {
      if (h.name.toLowerCase() === 'set-cookie') cookieNames.add(h.value.split('=')[0]?.trim() ?? '');
      if (h.name.toLowerCase() === 'x-request-id') requestIdHeader = true;
    }
  }
  const sessionCookie = [...cookieNames].find((n) => /sess|sid/i.test(n)) ?? [...cookieNames][0];

  // The recorded world, from a seeding call: its people become generated identities.
  let seed: ImportedRequest | undefined;
  const recordedPatients: Record<string, Json>[] = [];
  const constants: Record<string, Json> = {};
  const fieldValues = new Map<string, Set<string>>();
  let patientsKey = 'patients';
  for (const entry of kept) {
    if (!new URL(entry.request.url).pathname.endsWith(seedPath)) continue;
    const body = bodyOf(entry).json;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) continue;
    const world = body['world'];
    const templatedWorld: Record<string, Json> = {};
    if (world !== null && typeof world === 'object' && !Array.isArray(world)) {
      for (const [key, value] of Object.entries(world)) {
        const people = Array.isArray(value) && value.length > 0 && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && 'identity' in v);
        if (people) {
          patientsKey = key;
          for (const p of value as Record<string, Json>[]) {
            recordedPatients.push(p);
            for (const [field, fv] of Object.entries(p)) {
              if (field === 'id' || field === 'identity') continue;
              const set = fieldValues.get(field) ?? new Set<string>();
              set.add(JSON.stringify(fv));
              fieldValues.set(field, set);
            }
          }
          templatedWorld[key] = '{{world.patients}}';
        } else {
          constants[key] = value;
          templatedWorld[key] = `{{world.${key}}}`;
        }
      }
    }
    seed = { method: 'POST', path: pathOf(new URL(entry.request.url)), json: { ...body, world: templatedWorld } };
  }
  const firstId = typeof recordedPatients[0]?.['id'] === 'string' ? (recordedPatients[0]['id'] as string) : 'p1';
  const idPrefix = firstId.replace(/\d+$/, '') || 'p';

  // Identity values of the recorded people, to recognise them in forms.
  const recordedValues = new Map<string, string>();
  for (const p of recordedPatients) {
    const identity = p['identity'];
    if (identity === null || typeof identity !== 'object' || Array.isArray(identity)) continue;
    for (const [field, v] of Object.entries(identity)) if (typeof v === 'string') recordedValues.set(v.trim().toLowerCase(), field);
  }

  const actions: Record<string, Record<string, unknown>> = {};
  const order: string[] = [];
  let group: ImportedRequest[] = [];
  let groupTargets = false;
  const requests: ImportedRequest[] = [];
  const responsesBefore: { entry: Entry; request: ImportedRequest }[] = [];

  const templated = (name: string, value: string): string => {
    const known = recordedValues.get(value.trim().toLowerCase());
    const kind = known ?? (recordedPatients.length === 0 ? identityKind(name, value) : undefined);
    if (kind === undefined) return value;
    groupTargets = true;
    return `{{victim.${kind}}}`;
  };
  const csrfTemplate = (name: string, value: string): string | undefined => {
    if (!csrfName.test(name) || value.length < 8) return undefined;
    for (let i = responsesBefore.length - 1; i >= 0; i--) {
      const previous = responsesBefore[i];
      if (!previous) continue;
      const text = previous.entry.response.content.text ?? '';
      if (!text.includes(value)) continue;
      const extract = (previous.request.extract ??= {});
      const html = /name=["']?([\w-]+)["']?[^>]*value=["']?([^"'>\s]+)/g;
      for (const m of text.matchAll(html)) {
        if (m[2] === value && m[1]) {
          extract[kebabName(m[1])] = { css: `input[name=${m[1]}]`, attr: 'value' };
          return `{{extract.${kebabName(m[1])}}}`;
        }
      }
      try {
        const pointer = pointerTo(JSON.parse(text), value);
        if (pointer !== undefined) {
          extract[kebabName(name)] = { json: pointer };
          return `{{extract.${kebabName(name)}}}`;
        }
      } catch {
        // not JSON
      }
    }
    return undefined;
  };
  const flush = () => {
    if (group.length === 0) return;
    const last = group[group.length - 1];
    let name = kebab(`${last?.method === 'GET' ? 'open' : 'send'}-${(last?.path.split('?')[0] ?? '').split('/').filter(Boolean).slice(-1)[0] ?? 'start'}`);
    let n = 2;
    while (name in actions) name = `${name.replace(/-\d+$/, '')}-${n++}`;
    actions[name] = { actors: ['visitor'], ...(groupTargets ? { target: 'patient' } : {}), requests: group };
    order.push(name);
    group = [];
    groupTargets = false;
  };

  for (const entry of kept) {
    const url = new URL(entry.request.url);
    if (url.pathname.endsWith(seedPath) || url.pathname.startsWith('/__bookfuzz/')) continue;
    const request: ImportedRequest = { method: entry.request.method.toUpperCase(), path: pathOf(url) };
    const body = bodyOf(entry);
    if (body.form) {
      request.form = Object.fromEntries(Object.entries(body.form).map(([k, v]) => [k, csrfTemplate(k, v) ?? templated(k, v)]));
    }
    if (body.json !== undefined) request.json = templateJson(body.json, templated);
    const headers: Record<string, string> = {};
    for (const h of entry.request.headers) {
      if (!csrfName.test(h.name)) continue;
      const t = csrfTemplate(h.name, h.value);
      if (t !== undefined) headers[h.name.toLowerCase()] = t;
    }
    if (Object.keys(headers).length > 0) request.headers = headers;
    group.push(request);
    requests.push(request);
    responsesBefore.push({ entry, request });
    if (request.method !== 'GET') flush();
  }
  flush();

  const fields: Record<string, unknown> = {};
  for (const [field, values] of fieldValues) fields[field] = { oneOf: [...values].map((v) => JSON.parse(v) as Json) };
  const spec: Record<string, unknown> = {
    name: kebab(options.name ?? 'imported-flow'),
    title: `Imported journey on ${origin}`,
    description: `Imported from a HAR recording of ${kept.length} requests on ${origin}. Mark a secret (below) to look for a leak.`,
    ...(sessionCookie ? { session: { cookie: sessionCookie } } : {}),
    ...(requestIdHeader ? { volatile: { headers: ['x-request-id'] } } : {}),
    identities: {
      count: Math.max(1, recordedPatients.length),
      idPrefix,
      ...(Object.keys(fields).length > 0 ? { fields } : {}),
    },
    ...(Object.keys(constants).length > 0 ? { constants } : {}),
    secrets: {},
    actors: { visitor: { description: 'whoever recorded the journey, replaying it' } },
    ...(seed ? { setup: { seed: [{ ...seed, expect: [200] }] } } : {}),
    actions,
    journeys: { visitor: order },
    maxSteps: Math.max(order.length, 1),
  };
  void patientsKey;
  const hint =
    '# Generated by bookfuzz import-har. To look for a leak, mark what is secret, e.g.\n' +
    '#   secrets:\n' +
    `#     status: { field: ${[...fieldValues.keys()][0] ?? 'doses'}, values: [0, 1, 2], hiddenFrom: [visitor] }\n` +
    '# then: bookfuzz fuzz <this file> --target <url> (see src/spec/README.md)\n';
  return hint + stringify(spec, { lineWidth: 0 });
}

function kebabName(name: string): string {
  return name.replace(/^_+/, '').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase() || 'token';
}

function headerOf(entry: Entry, name: string): string | undefined {
  return entry.response.headers.find((h) => h.name.toLowerCase() === name)?.value;
}

function templateJson(value: Json, templated: (name: string, value: string) => string, name = ''): Json {
  if (typeof value === 'string') return templated(name, value);
  if (Array.isArray(value)) return value.map((v) => templateJson(v, templated, name));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, templateJson(v, templated, k)]));
  return value;
}

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
const bookfuzzPath = '/__bookfuzz/';
/** Request headers a browser or the HTTP client sets by itself, or that change on every request. */
const volatileRequestHeader =
  /^(:.*|host|connection|keep-alive|content-length|content-type|transfer-encoding|te|cookie|accept|accept-encoding|accept-language|user-agent|origin|referer|cache-control|pragma|sec-.*|upgrade-insecure-requests|priority|dnt|if-none-match|if-modified-since|x-bookfuzz-seed-token|x-bookfuzz-world)$/i;
const tokenHeader = /token|key|secret|auth|password|signature/i;
const loginPath = /log-?in|sign-?in|auth/i;
const passwordField = /pass(word|code)?|^pin$|secret/i;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface ImportedRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  form?: Record<string, string>;
  json?: Json;
  extract?: Record<string, { css?: string; attr?: string; json?: string }>;
  expect?: number[];
}

// ---------------------------------------------------------------------------------------------
// Identity values in the forms sites use

type IdentityField = 'nhsNumber' | 'nhi' | 'givenName' | 'familyName' | 'dateOfBirth' | 'postcode' | 'phone' | 'email';

/**
 * One way a site writes an identity value. `key` gives the value bookfuzz compares people by
 * (digits of an NHS number, an ISO date, an upper-case postcode with its space, a lower-cased
 * name) when `value` is in this form, else undefined; `template` writes the same form from
 * bookfuzz's own value found at `at` (`victim`, `p`).
 */
interface Format {
  field: IdentityField;
  key(value: string): string | undefined;
  template(at: string, value: string): string;
  /** Its values need no escaping in a query string. */
  urlSafe: boolean;
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const isDate = (y: string, m: string, d: string): boolean => {
  const date = new Date(`${y}-${m}-${d}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === `${y}-${m}-${d}`;
};
const nhsKey = (digits: string): string | undefined => (isValidNhsNumber(digits) ? digits : undefined);
const caseOf = (value: string): 'upper' | 'lower' | 'mixed' => {
  const upper = value.toUpperCase();
  const lower = value.toLowerCase();
  if (upper === lower) return 'mixed';
  return value === upper ? 'upper' : value === lower ? 'lower' : 'mixed';
};
const nameLike = (value: string): boolean => /\p{L}/u.test(value) && !/[\d@]/.test(value) && value.trim().length >= 2 && value.length <= 60;
const ref = (at: string, field: string, filter?: string): string => `{{${at}.${field}${filter ? ` | ${filter}` : ''}}}`;

function caseFormats(field: IdentityField, accepts: (value: string) => boolean, plainCase: 'mixed' | 'lower'): Format[] {
  const key = (wanted: 'upper' | 'lower' | 'mixed') => (value: string) => (accepts(value) && caseOf(value) === wanted ? value.toLowerCase() : undefined);
  const plain: Format = { field, key: key(plainCase), template: (at) => ref(at, field), urlSafe: false };
  const upper: Format = { field, key: key('upper'), template: (at) => ref(at, field, 'upper'), urlSafe: false };
  const lower: Format = { field, key: key('lower'), template: (at) => ref(at, field, 'lower'), urlSafe: false };
  return plainCase === 'lower' ? [plain, upper] : [plain, upper, lower];
}

/** Every form recognised, the usual one of each field first. */
const formats: readonly Format[] = [
  { field: 'nhsNumber', key: (v) => (/^\d{10}$/.test(v) ? nhsKey(v) : undefined), template: (at) => ref(at, 'nhsNumber'), urlSafe: true },
  { field: 'nhsNumber', key: (v) => (/^\d{3} \d{3} \d{4}$/.test(v) ? nhsKey(v.replace(/ /g, '')) : undefined), template: (at) => ref(at, 'nhsNumber', 'spaced'), urlSafe: false },
  {
    field: 'nhsNumber',
    key: (v) => (/^\d{3}-\d{3}-\d{4}$/.test(v) ? nhsKey(v.replace(/-/g, '')) : undefined),
    template: (at) => `${ref(at, 'nhsNumber', 'slice(0, 3)')}-${ref(at, 'nhsNumber', 'slice(3, 6)')}-${ref(at, 'nhsNumber', 'slice(6)')}`,
    urlSafe: true,
  },
  {
    field: 'dateOfBirth',
    key: (v) => {
      const m = isoDate.exec(v);
      return m && isDate(m[1] ?? '', m[2] ?? '', m[3] ?? '') ? v : undefined;
    },
    template: (at) => ref(at, 'dateOfBirth'),
    urlSafe: true,
  },
  {
    field: 'dateOfBirth',
    key: (v) => {
      const m = /^(\d{2})([/.-])(\d{2})\2(\d{4})$/.exec(v);
      return m && isDate(m[4] ?? '', m[3] ?? '', m[1] ?? '') ? `${m[4]}-${m[3]}-${m[1]}` : undefined;
    },
    template: (at, v) => {
      const sep = v.charAt(2);
      return `${ref(at, 'dateOfBirth', 'day')}${sep}${ref(at, 'dateOfBirth', 'month')}${sep}${ref(at, 'dateOfBirth', 'year')}`;
    },
    urlSafe: true,
  },
  { field: 'postcode', key: (v) => (/^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/.test(v) ? v : undefined), template: (at) => ref(at, 'postcode'), urlSafe: false },
  {
    field: 'postcode',
    key: (v) => (/^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(v) ? `${v.slice(0, -3)} ${v.slice(-3)}` : undefined),
    template: (at) => ref(at, 'postcode', 'nospace'),
    urlSafe: true,
  },
  { field: 'postcode', key: (v) => (/^[a-z]{1,2}\d[a-z\d]? \d[a-z]{2}$/.test(v) ? v.toUpperCase() : undefined), template: (at) => ref(at, 'postcode', 'lower'), urlSafe: false },
  ...caseFormats('email', (v) => /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(v), 'lower'),
  { field: 'phone', key: (v) => (/^(\+44 ?|0)\d[\d ]{8,13}$/.test(v) && v.includes(' ') ? v.replace(/^\+44 ?/, '0').replace(/ /g, '') : undefined), template: (at) => ref(at, 'phone'), urlSafe: false },
  { field: 'phone', key: (v) => (/^(\+44|0)\d{9,10}$/.test(v) ? v.replace(/^\+44/, '0') : undefined), template: (at) => ref(at, 'phone', 'nospace'), urlSafe: true },
  { field: 'nhi', key: (v) => (/^[A-Z]{3}\d{2}[\dA-Z]{2}$/.test(v) ? v : undefined), template: (at) => ref(at, 'nhi'), urlSafe: true },
  { field: 'nhi', key: (v) => (/^[a-z]{3}\d{2}[\da-z]{2}$/.test(v) ? v.toUpperCase() : undefined), template: (at) => ref(at, 'nhi', 'lower'), urlSafe: true },
  ...caseFormats('givenName', nameLike, 'mixed'),
  ...caseFormats('familyName', nameLike, 'mixed'),
];

const formatsOf = (field: IdentityField): Format[] => formats.filter((f) => f.field === field);

/** Field names (lower case, letters and digits only) that say which identity field a value is. */
const fieldHints: Record<IdentityField, RegExp> = {
  nhsNumber: /nhs/,
  nhi: /nhi/,
  givenName: /^(given|first|fore)(name|names)?$|^forenames?$|^fname$/,
  familyName: /^(family|last|sur)(name)?$|^surname$|^lname$/,
  dateOfBirth: /birth|dob|born|bday/,
  postcode: /post|zip/,
  phone: /phone|mobile|tel/,
  email: /mail/,
};
const squash = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const fullNameKey = /^(full)?name$|^patientname$|^displayname$/;

/** Which identity field a recorded key holds, from its name and every value it has across the people. */
function fieldOfKey(key: string, values: readonly string[]): { field: IdentityField; format: Format } | { field: 'fullName' } | undefined {
  const name = squash(key);
  if (values.length === 0) return undefined;
  const all = (field: IdentityField): Format | undefined => formatsOf(field).find((f) => values.every((v) => f.key(v) !== undefined));
  const byValue: IdentityField[] = ['nhsNumber', 'email', 'postcode'];
  for (const field of byValue) {
    const format = all(field);
    if (format && (field !== 'postcode' || !fieldHints.nhi.test(name))) return { field, format };
  }
  for (const field of ['dateOfBirth', 'phone', 'nhi', 'givenName', 'familyName'] as const) {
    if (!fieldHints[field].test(name)) continue;
    const format = all(field);
    if (format) return { field, format };
  }
  if (fullNameKey.test(name) && values.every((v) => nameLike(v) && v.trim().includes(' '))) return { field: 'fullName' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The recorded people of a seeding call

/** A recorded person: the keys bookfuzz compares identity values by, and other distinctive values. */
interface Person {
  index: number;
  keys: Partial<Record<IdentityField, string>>;
  /** The identity value as bookfuzz would hold it, where the recording shows it (for substrings). */
  plain: Partial<Record<IdentityField, string>>;
  /** Other fields whose string value is this person's alone (a password, a reference). */
  own: Record<string, string>;
}

/** What one recorded key of the people becomes in the seeding body. */
type KeyRole =
  | { role: 'identity'; field: IdentityField; format: Format }
  | { role: 'fullName' }
  | { role: 'id' }
  | { role: 'index' }
  | { role: 'nested'; keys: Record<string, KeyRole> }
  | { role: 'field'; name: string };

interface SeedCall {
  entry: Entry;
  /** Where the people list sits in the JSON body. */
  at: (string | number)[];
  people: JsonObject[];
  /** Recorded people in bookfuzz's own shape (`{ id, identity: {…}, …fields }`). */
  ownShape: boolean;
  roles: Record<string, KeyRole>;
  fields: Map<string, Json[]>;
  persons: Person[];
  idPrefix: string;
}

const isObject = (v: Json | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const identityFieldNames: readonly string[] = ['nhsNumber', 'nhi', 'givenName', 'familyName', 'dateOfBirth', 'postcode', 'phone', 'email'];

/** The role of each key of a list of objects (the people, or an object nested in each). */
function rolesOf(objects: readonly JsonObject[], fields: Map<string, Json[]>, top: boolean): Record<string, KeyRole> {
  const roles: Record<string, KeyRole> = {};
  const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const taken = new Set<IdentityField>();
  for (const key of keys) {
    const values = objects.map((o) => o[key]);
    if (values.every((v) => isObject(v))) {
      const nested = rolesOf(values as JsonObject[], fields, false);
      if (Object.values(nested).some((r) => r.role === 'identity' || r.role === 'fullName')) {
        roles[key] = { role: 'nested', keys: nested };
        continue;
      }
    }
    if (top && squash(key) === 'id' && new Set(values.map((v) => JSON.stringify(v))).size === values.length) {
      if (values.every((v, i) => v === i + 1)) roles[key] = { role: 'index' };
      else if (values.every((v) => typeof v === 'string' && /^[A-Za-z_-]*\d+$/.test(v)) && new Set(values.map((v) => String(v).replace(/\d+$/, ''))).size === 1) {
        roles[key] = { role: 'id' };
      }
      if (roles[key]) continue;
    }
    const strings = values.every((v) => typeof v === 'string') ? (values as string[]).map((v) => v.trim()) : [];
    const found = strings.length === values.length ? fieldOfKey(key, strings) : undefined;
    if (found && 'format' in found && !taken.has(found.field)) {
      taken.add(found.field);
      roles[key] = { role: 'identity', field: found.field, format: found.format };
      continue;
    }
    if (found && found.field === 'fullName' && !taken.has('givenName') && !taken.has('familyName')) {
      roles[key] = { role: 'fullName' };
      continue;
    }
    // A field may not take the place of the patient's own id, identity or identity values.
    const reserved = key === 'id' || key === 'identity' || identityFieldNames.includes(key);
    let name = reserved ? `recorded${key.charAt(0).toUpperCase()}${key.slice(1)}` : key;
    while (fields.has(name)) name = `${name}2`;
    fields.set(name, values.map((v) => v ?? null));
    roles[key] = { role: 'field', name };
  }
  return roles;
}

/** Identity keys of one recorded person, read with the roles of its keys. */
function personOf(object: JsonObject, roles: Record<string, KeyRole>, person: Person): Person {
  for (const [key, role] of Object.entries(roles)) {
    const value = object[key];
    if (role.role === 'nested' && isObject(value)) personOf(value, role.keys, person);
    if (typeof value !== 'string') continue;
    const v = value.trim();
    if (role.role === 'identity') {
      const k = role.format.key(v);
      if (k === undefined) continue;
      person.keys[role.field] = k;
      if (role.format === formatsOf(role.field)[0]) person.plain[role.field] = v;
    } else if (role.role === 'fullName') {
      const [given = '', ...family] = v.split(/\s+/);
      person.keys.givenName = given.toLowerCase();
      person.keys.familyName = family.join(' ').toLowerCase();
      person.plain.givenName = given;
      person.plain.familyName = family.join(' ');
    } else if (role.role === 'field' && v.length >= 6 && /[^\p{L}]/u.test(v)) person.own[role.name] = v;
  }
  return person;
}

/** The people list in a JSON body: the first list of objects each holding two identity values or more. */
function peopleIn(body: Json, at: (string | number)[] = []): { at: (string | number)[]; people: JsonObject[] } | undefined {
  if (Array.isArray(body)) {
    if (body.length > 0 && body.every((v) => isObject(v))) {
      const people = body as JsonObject[];
      const fields = new Map<string, Json[]>();
      const roles = rolesOf(people, fields, true);
      const count = (r: Record<string, KeyRole>): number =>
        Object.values(r).reduce((n, role) => n + (role.role === 'identity' ? 1 : role.role === 'fullName' ? 2 : role.role === 'nested' ? count(role.keys) : 0), 0);
      if (count(roles) >= 2) return { at, people };
    }
    for (const [i, v] of body.entries()) {
      const found = peopleIn(v, [...at, i]);
      if (found) return found;
    }
  } else if (isObject(body)) {
    for (const [k, v] of Object.entries(body)) {
      const found = peopleIn(v, [...at, k]);
      if (found) return found;
    }
  }
  return undefined;
}

/** A seeding call: a JSON body holding a list of people, some of whose values the later requests send. */
function seedCallOf(entry: Entry, later: readonly Entry[]): SeedCall | undefined {
  const body = bodyOf(entry).json;
  if (body === undefined) return undefined;
  const found = peopleIn(body);
  if (!found) return undefined;
  const fields = new Map<string, Json[]>();
  const roles = rolesOf(found.people, fields, true);
  const persons = found.people.map((o, index) => personOf(o, roles, { index, keys: {}, plain: {}, own: {} }));
  for (const [name, values] of fields) {
    const strings = values.filter((v): v is string => typeof v === 'string');
    if (new Set(strings).size !== values.length) for (const p of persons) delete p.own[name];
  }
  const said = later.flatMap(valuesSent);
  if (!said.some((v) => persons.some((p) => wholeMatches(v.trim(), p).length > 0))) return undefined;
  const identity = roles['identity'];
  const ownShape =
    identity?.role === 'nested' &&
    Object.entries(identity.keys).every(([k, r]) => r.role === 'identity' && r.field === k && r.format === formatsOf(r.field)[0]) &&
    Object.entries(roles).every(([k, r]) => k === 'identity' || (k === 'id' && r.role === 'id') || r.role === 'field');
  const ids = roles['id']?.role === 'id' ? found.people.map((p) => p['id']).filter((v): v is string => typeof v === 'string') : [];
  const idPrefix = (ids[0] ?? 'p1').replace(/\d+$/, '') || 'p';
  return { entry, at: found.at, people: found.people, ownShape, roles, fields, persons, idPrefix };
}

/**
 * The `$each` body that writes generated patients in the recorded people's shape; `sample` is a
 * recorded person (a date's separator is taken from it).
 */
function eachBody(roles: Record<string, KeyRole>, sample: JsonObject | undefined, identityAt: string, fieldsAt: string): JsonObject {
  const out: JsonObject = {};
  for (const [key, role] of Object.entries(roles)) {
    const value = sample?.[key];
    if (role.role === 'identity') out[key] = role.format.template(identityAt, typeof value === 'string' ? value.trim() : '');
    else if (role.role === 'fullName') out[key] = `${ref(identityAt, 'givenName')} ${ref(identityAt, 'familyName')}`;
    else if (role.role === 'id') out[key] = ref(fieldsAt, 'id');
    else if (role.role === 'index') out[key] = '{{index}}';
    else if (role.role === 'nested') out[key] = eachBody(role.keys, isObject(value ?? null) ? (value as JsonObject) : undefined, identityAt, fieldsAt);
    else out[key] = ref(fieldsAt, role.name);
  }
  return out;
}

/** Replace the value at `at` in a JSON document (a copy). */
function replaceAt(doc: Json, at: readonly (string | number)[], value: Json): Json {
  if (at.length === 0) return value;
  const [head, ...rest] = at;
  if (Array.isArray(doc) && typeof head === 'number') return doc.map((v, i) => (i === head ? replaceAt(v, rest, value) : v));
  if (isObject(doc) && typeof head === 'string') return { ...doc, [head]: replaceAt(doc[head] ?? null, rest, value) };
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Matching values sent in the journey to the people they belong to

/** Where a person's values are read from in a template: identity fields and other fields. */
interface Root {
  identity: string;
  fields: string;
}

interface Match {
  person: Person;
  /** The template, given where the person sits. */
  template(root: Root): string;
  urlSafe: boolean;
}

function wholeMatches(value: string, person: Person): Match[] {
  const out: Match[] = [];
  for (const format of formats) {
    const key = person.keys[format.field];
    if (key !== undefined && format.key(value) === key) out.push({ person, template: (r) => format.template(r.identity, value), urlSafe: format.urlSafe });
  }
  const { givenName, familyName } = person.keys;
  if (givenName && familyName && value.toLowerCase() === `${givenName} ${familyName}` && caseOf(value) === 'mixed') {
    out.push({ person, template: (r) => `${ref(r.identity, 'givenName')} ${ref(r.identity, 'familyName')}`, urlSafe: false });
  }
  for (const [name, own] of Object.entries(person.own)) if (own === value) out.push({ person, template: (r) => ref(r.fields, name), urlSafe: /^[\w.~-]+$/.test(own) });
  return out;
}

const sliceHints: Partial<Record<IdentityField, RegExp>> = { nhsNumber: /nhs/, familyName: /name/, givenName: /name|initial/, postcode: /post|zip/, email: /mail/ };

/** A part of one person's identity value, when exactly one place of all the people's values holds it. */
function sliceMatch(name: string, value: string, persons: readonly Person[]): Match | undefined {
  const digits = /^\d+$/.test(value);
  if (value.length < (digits ? 4 : 3)) return undefined;
  const found: { person: Person; field: IdentityField; start: number; length: number }[] = [];
  for (const person of persons) {
    const texts: [IdentityField, string | undefined][] = [
      ['nhsNumber', person.keys.nhsNumber],
      ['postcode', person.keys.postcode],
      ['email', person.keys.email],
      ['givenName', person.plain.givenName],
      ['familyName', person.plain.familyName],
    ];
    for (const [field, text] of texts) {
      if (text === undefined || text === value) continue;
      for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) found.push({ person, field, start: at, length: text.length });
    }
  }
  const [only] = found;
  if (found.length !== 1 || !only) return undefined;
  const hinted = sliceHints[only.field]?.test(squash(name)) ?? false;
  if (!hinted && value.length < 6) return undefined;
  const end = only.start + value.length;
  const args = end === only.length ? `slice(${only.start})` : `slice(${only.start}, ${end})`;
  return { person: only.person, template: (r) => ref(r.identity, only.field, args), urlSafe: /^[\w.~-]+$/.test(value) };
}

/** A value a request sends, named by its field. */
interface Sent {
  name: string;
  value: string;
  /** Where it sits, so a template can replace it. */
  set(template: string): void;
  inQuery: boolean;
}

/** Every string value an entry sends: query, form, JSON leaves. */
function valuesSent(entry: Entry): string[] {
  const url = new URL(entry.request.url);
  const out = [...url.searchParams.values()];
  const body = bodyOf(entry);
  if (body.form) out.push(...Object.values(body.form));
  const walk = (v: Json): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) Object.values(v).forEach(walk);
  };
  if (body.json !== undefined) walk(body.json);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Without recorded people: identity-looking values by their field name

/** What kind of identity value a recorded value looks like, given its field name. */
function identityKind(name: string, value: string): IdentityField | undefined {
  const v = value.trim();
  if (/^\d{3}[\s-]?\d{3}[\s-]?\d{4}$/.test(v) && isValidNhsNumber(v.replace(/[\s-]+/g, ''))) return 'nhsNumber';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) && /birth|dob/i.test(name)) return 'dateOfBirth';
  if (/^\d{2}\/\d{2}\/\d{4}$/.test(v) && /birth|dob/i.test(name)) return 'dateOfBirth';
  if (/^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$/i.test(v)) return 'postcode';
  if (/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(v)) return 'email';
  if (/^(\+44\s?|0)\d[\d\s]{8,11}$/.test(v) && /phone|mobile|tel/i.test(name)) return 'phone';
  if (/^[A-HJ-NP-Z]{3}\d{2}[\dA-HJ-NP-Z]{2}$/i.test(v) && /nhi/i.test(name)) return 'nhi';
  if (/given|first|forename/i.test(name)) return 'givenName';
  if (/family|last|surname/i.test(name)) return 'familyName';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return 'dateOfBirth';
  return undefined;
}

/** The victim template of an identity-looking value with no recorded people to compare to. */
function guessedTemplate(name: string, value: string): { template: string; urlSafe: boolean } | undefined {
  const kind = identityKind(name, value);
  if (kind === undefined) return undefined;
  const format = formatsOf(kind).find((f) => f.key(value.trim()) !== undefined);
  if (format) return { template: format.template('victim', value.trim()), urlSafe: format.urlSafe };
  return { template: ref('victim', kind), urlSafe: false };
}

// ---------------------------------------------------------------------------------------------
// HAR plumbing

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

function kebabName(name: string): string {
  return name.replace(/^_+/, '').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase() || 'token';
}

function headerOf(entry: Entry, name: string): string | undefined {
  return entry.response.headers.find((h) => h.name.toLowerCase() === name)?.value;
}

/** The requests worth replaying: same origin, no static assets, no redirect hops the client follows itself. */
function keptEntries(entries: readonly Entry[], origin: string): Entry[] {
  const kept: Entry[] = [];
  let followed: string | undefined;
  for (const entry of entries) {
    const url = new URL(entry.request.url);
    if (url.origin !== origin) continue;
    if (staticPath.test(url.pathname) || staticType.test(entry.response.content.mimeType ?? '')) continue;
    const redirect = entry.response.status >= 300 && entry.response.status < 400 ? entry.response.redirectURL || headerOf(entry, 'location') || undefined : undefined;
    // A GET to where the previous answer redirected is a hop the client follows by itself.
    if (followed !== undefined && entry.request.method === 'GET' && new URL(followed, origin).href === url.href) {
      followed = redirect;
      continue;
    }
    followed = redirect;
    kept.push(entry);
  }
  return kept;
}

/** The seeding request: path and method as recorded, the people generated, the token as `{{seedToken}}`. */
function seedRequest(seed: SeedCall, others: readonly Entry[]): { request: ImportedRequest; constants: JsonObject; usesToken: boolean } {
  const url = new URL(seed.entry.request.url);
  const body = bodyOf(seed.entry).json ?? null;
  const constants: JsonObject = {};
  let list: Json;
  if (seed.ownShape) list = '{{world.patients}}';
  else {
    list = { $each: 'world.patients', as: 'p', do: eachBody(seed.roles, seed.people[0], 'p', 'p') };
  }
  let json = replaceAt(body, seed.at, list);
  // bookfuzz's own convention: the world's other values are the spec's constants.
  const parentAt = seed.at.slice(0, -1);
  if (url.pathname.includes(bookfuzzPath) && seed.ownShape && parentAt.length === 1 && parentAt[0] === 'world' && isObject(body) && isObject(body['world'] ?? null)) {
    const world = body['world'] as JsonObject;
    const templated: JsonObject = {};
    for (const [key, value] of Object.entries(world)) {
      if (key === seed.at[1]) templated[key] = '{{world.patients}}';
      else {
        constants[key] = value;
        templated[key] = `{{world.${key}}}`;
      }
    }
    json = { ...body, world: templated };
  }
  const seenElsewhere = new Set(others.flatMap((e) => e.request.headers.map((h) => h.value)));
  const headers: Record<string, string> = {};
  let usesToken = false;
  for (const h of seed.entry.request.headers) {
    const name = h.name.toLowerCase();
    if (volatileRequestHeader.test(name) || csrfName.test(name)) continue;
    if (tokenHeader.test(name) || !seenElsewhere.has(h.value)) {
      const scheme = /^(Bearer|Basic|Token)\s+\S/i.exec(h.value)?.[1];
      headers[name] = scheme ? `${scheme} {{seedToken}}` : '{{seedToken}}';
      usesToken = true;
    } else headers[name] = h.value;
  }
  const status = seed.entry.response.status;
  const request: ImportedRequest = {
    method: seed.entry.request.method.toUpperCase(),
    path: pathOf(url),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    json,
    ...(status >= 200 && status < 300 ? { expect: [status] } : {}),
  };
  return { request, constants, usesToken };
}

/** A recorded request and the answer it had, for tokens a later request sends back. */
interface Answered {
  entry: Entry;
  request: ImportedRequest;
}

/**
 * The extractor template of a CSRF-looking value sent back from an earlier answer (an extractor
 * is added to the request that got that answer), or undefined.
 */
function csrfTemplate(answered: readonly Answered[], name: string, value: string): string | undefined {
  if (!csrfName.test(name) || value.length < 8) return undefined;
  for (let i = answered.length - 1; i >= 0; i--) {
    const previous = answered[i];
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
}

/** A request of the journey as the spec will send it, with the values it sends still to template. */
interface Draft {
  request: ImportedRequest;
  sent: Sent[];
  /** Values that sit together (one form, one JSON object, one query), for dates in three fields. */
  siblings: Sent[][];
  /** Writes the templated query and JSON body into `request`. */
  finish(): void;
}

function draftOf(entry: Entry, answered: readonly Answered[]): Draft {
  const url = new URL(entry.request.url);
  const request: ImportedRequest = { method: entry.request.method.toUpperCase(), path: pathOf(url) };
  const sent: Sent[] = [];
  const siblings: Sent[][] = [];
  const query = [...url.searchParams.entries()];
  const queryValues: string[] = query.map(([, v]) => encodeURIComponent(v));
  let queryTemplated = false;
  const querySent = query.map(([name, value], i): Sent => ({
    name,
    value,
    inQuery: true,
    set: (t) => {
      queryValues[i] = t;
      queryTemplated = true;
    },
  }));
  sent.push(...querySent);
  siblings.push(querySent);
  const body = bodyOf(entry);
  if (body.form) {
    const form: Record<string, string> = {};
    const formSent: Sent[] = [];
    for (const [k, v] of Object.entries(body.form)) {
      const csrf = csrfTemplate(answered, k, v);
      form[k] = csrf ?? v;
      if (csrf === undefined) formSent.push({ name: k, value: v, inQuery: false, set: (t) => (form[k] = t) });
    }
    request.form = form;
    sent.push(...formSent);
    siblings.push(formSent);
  }
  const holder: Json[] = [];
  if (body.json !== undefined) {
    const walk = (value: Json, name: string, set: (t: string) => void): void => {
      if (typeof value === 'string') sent.push({ name, value, inQuery: false, set });
      else if (Array.isArray(value)) value.forEach((v, i) => walk(v, name, (t) => (value[i] = t)));
      else if (isObject(value)) {
        const direct: Sent[] = [];
        for (const [k, v] of Object.entries(value)) {
          if (typeof v === 'string') direct.push({ name: k, value: v, inQuery: false, set: (t) => (value[k] = t) });
          else walk(v, k, (t) => (value[k] = t));
        }
        sent.push(...direct);
        siblings.push(direct);
      }
    };
    holder[0] = structuredClone(body.json);
    walk(holder[0], '', (t) => (holder[0] = t));
  }
  const headers: Record<string, string> = {};
  for (const h of entry.request.headers) {
    const t = csrfTemplate(answered, h.name, h.value);
    if (t !== undefined) headers[h.name.toLowerCase()] = t;
  }
  if (Object.keys(headers).length > 0) request.headers = headers;
  return {
    request,
    sent,
    siblings,
    finish() {
      if (holder.length > 0) request.json = holder[0] ?? null;
      if (queryTemplated) request.path = `${url.pathname}?${query.map(([k], i) => `${encodeURIComponent(k)}=${queryValues[i] ?? ''}`).join('&')}`;
    },
  };
}

/** Requests in groups, one per action: the GETs before a form submission, and the submission. */
function groupsOf(journey: readonly Entry[]): Entry[][] {
  const groups: Entry[][] = [];
  let open: Entry[] = [];
  for (const entry of journey) {
    open.push(entry);
    if (entry.request.method.toUpperCase() !== 'GET') {
      groups.push(open);
      open = [];
    }
  }
  if (open.length > 0) groups.push(open);
  return groups;
}

/** A group that logs in: its submission sends a password, or goes to a log-in path. */
function isLogin(group: readonly Entry[]): boolean {
  const last = group[group.length - 1];
  if (!last || last.request.method.toUpperCase() === 'GET') return false;
  const body = bodyOf(last);
  const names = [...Object.keys(body.form ?? {}), ...(isObject(body.json ?? null) ? Object.keys(body.json as JsonObject) : [])];
  return names.some((n) => passwordField.test(n)) || loginPath.test(new URL(last.request.url).pathname);
}

/** The session cookie the site sets (one named like a session, else the first), and whether it sends request ids. */
function sessionOf(kept: readonly Entry[]): { cookie: string | undefined; requestIdHeader: boolean } {
  const names = new Set<string>();
  let requestIdHeader = false;
  for (const entry of kept) {
    for (const c of entry.response.cookies ?? []) names.add(c.name);
    for (const h of entry.response.headers) {
      if (h.name.toLowerCase() === 'set-cookie') names.add(h.value.split('=')[0]?.trim() ?? '');
      if (h.name.toLowerCase() === 'x-request-id') requestIdHeader = true;
    }
  }
  names.delete('');
  return { cookie: [...names].find((n) => /sess|sid/i.test(n)) ?? [...names][0], requestIdHeader };
}

/**
 * Turn a HAR 1.2 recording of one journey into a flow spec skeleton (YAML text): requests in
 * order (static assets, other origins and redirect hops the client follows itself dropped),
 * form fields and JSON bodies, CSRF tokens re-sent from an earlier answer turned into extractors,
 * cookies left to the jar.
 *
 * A seeding call is recognised by its shape, wherever the site puts it: a JSON body holding a
 * list of people (objects with identity values such as an NHS number, names, a date of birth)
 * some of whose values later requests send. It becomes `setup.seed` at its recorded path and
 * method, the list written from the generated patients (`"{{world.patients}}"` when the people
 * have bookfuzz's own shape, else `$each` with one template per recorded key), its headers kept
 * but the volatile ones, the token header as `"{{seedToken}}"`, and the people's other fields as
 * `identities.fields` (oneOf the recorded values). Values of the recorded people sent later are
 * templated against the person they belong to: the signed-in actor's own as `self` (the actor
 * `is` that person), the person a step names as `victim`, in the form the site wrote it
 * (`| spaced`, `| nospace`, `| upper`, a date in three fields as `| day`, `| month`, `| year`, a
 * part as `| slice(a, b)` when only one place holds it). Without recorded people,
 * identity-looking values become `{{victim.…}}` by their field names. Marking a field secret is
 * the edit that makes the spec look for a leak.
 *
 * @example
 * const yaml = importHar(JSON.parse(readFileSync('journey.har', 'utf8')) as Har, { name: 'my-site' });
 */
export function importHar(har: Har, options: ImportHarOptions = {}): string {
  const entries = har.log.entries;
  const firstPage = entries.find((e) => (e.response.content.mimeType ?? '').includes('html')) ?? entries[0];
  const origin = new URL(options.baseUrl ?? firstPage?.request.url ?? 'http://127.0.0.1/').origin;
  const kept = keptEntries(entries, origin);

  const session = sessionOf(kept);

  // The recorded world, from a seeding call: its people become generated identities.
  let seed: SeedCall | undefined;
  for (const [i, entry] of kept.entries()) {
    if (entry.request.method.toUpperCase() === 'GET') continue;
    seed = seedCallOf(entry, kept.slice(i + 1));
    if (seed) break;
  }
  const persons = seed?.persons ?? [];
  const journey = kept.filter((e) => e !== seed?.entry && !new URL(e.request.url).pathname.includes(bookfuzzPath));
  const seeding = seed ? seedRequest(seed, journey) : undefined;

  const groups = groupsOf(journey);
  const loginGroup = groups.find(isLogin);
  // The signed-in actor is the first recorded person its log-in names.
  let self: Person | undefined;
  if (loginGroup) {
    for (const value of loginGroup.flatMap(valuesSent)) {
      self = persons.find((p) => wholeMatches(value.trim(), p).length > 0);
      if (self) break;
    }
  }

  const actions: Record<string, Record<string, unknown>> = {};
  const order: string[] = [];
  let login: ImportedRequest[] = [];
  const answered: Answered[] = [];
  for (const group of groups) {
    const drafts: Draft[] = [];
    for (const entry of group) {
      const draft = draftOf(entry, answered);
      drafts.push(draft);
      answered.push({ entry, request: draft.request });
    }
    const requests = drafts.map((d) => d.request);
    const isLoginGroup = group === loginGroup;
    const templated = templateGroup(drafts, persons, isLoginGroup ? self : undefined, self);
    for (const draft of drafts) draft.finish();
    if (isLoginGroup) {
      login = requests;
      continue;
    }
    const last = requests[requests.length - 1];
    let name = kebab(`${last?.method === 'GET' ? 'open' : 'send'}-${(last?.path.split('?')[0] ?? '').split('/').filter(Boolean).slice(-1)[0] ?? 'start'}`);
    let n = 2;
    while (name in actions) name = `${name.replace(/-\d+$/, '')}-${n++}`;
    actions[name] = { actors: ['visitor'], ...(templated.victim ? { target: 'patient' } : {}), requests };
    order.push(name);
  }

  const fields: Record<string, unknown> = {};
  for (const [field, values] of seed?.fields ?? []) {
    const seen = [...new Set(values.map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v) as Json);
    fields[field] = { oneOf: seen };
  }
  const constants = seeding?.constants ?? {};
  const actor: Record<string, unknown> = {
    description: loginGroup ? 'whoever recorded the journey, signed in as they were' : 'whoever recorded the journey, replaying it',
    ...(self ? { is: self.index } : {}),
    ...(login.length > 0 ? { login } : {}),
  };
  const spec: Record<string, unknown> = {
    name: kebab(options.name ?? 'imported-flow'),
    title: `Imported journey on ${origin}`,
    description: `Imported from a HAR recording of ${kept.length} requests on ${origin}. Mark a secret (below) to look for a leak.`,
    ...(session.cookie ? { session: { cookie: session.cookie } } : {}),
    ...(session.requestIdHeader ? { volatile: { headers: ['x-request-id'] } } : {}),
    identities: {
      count: Math.max(1, persons.length),
      idPrefix: seed?.idPrefix ?? 'p',
      ...(Object.keys(fields).length > 0 ? { fields } : {}),
    },
    ...(Object.keys(constants).length > 0 ? { constants } : {}),
    secrets: {},
    actors: { visitor: actor },
    ...(seeding ? { setup: { seed: [seeding.request] } } : {}),
    actions: order.length > 0 ? actions : { 'open-start': { actors: ['visitor'], requests: [{ method: 'GET', path: '/' }] } },
    journeys: { visitor: order.length > 0 ? order : ['open-start'] },
    maxSteps: Math.max(order.length, 1),
  };
  const exampleField = [...(seed?.fields.keys() ?? [])].find((f) => /dose|status|vacc/i.test(f)) ?? [...(seed?.fields.keys() ?? [])][0] ?? 'doses';
  const hint =
    '# Generated by bookfuzz import-har. To look for a leak, mark what is secret, e.g.\n' +
    '#   secrets:\n' +
    `#     status: { field: ${exampleField}, values: [0, 1, 2], hiddenFrom: [visitor] }\n` +
    `# then: bookfuzz fuzz <this file> --target <url>${seeding?.usesToken ? ' --seed-token <token>' : ''} (see docs/flow-spec.md)\n`;
  return hint + stringify(spec, { lineWidth: 0 });
}

/**
 * Template the values one group of requests sends: each recorded person's values against that
 * person (`self` for the signed-in actor, `victim` for the first other person the group names,
 * `world.patients.N` for any further one). Returns whether a victim was named.
 */
function templateGroup(drafts: readonly Draft[], persons: readonly Person[], loginSelf: Person | undefined, self: Person | undefined): { victim: boolean } {
  const sent = drafts.flatMap((d) => d.sent);
  const siblings = drafts.flatMap((d) => d.siblings);
  if (persons.length === 0) {
    let victim = false;
    for (const s of sent) {
      const guess = guessedTemplate(s.name, s.value);
      if (!guess || (s.inQuery && !guess.urlSafe)) continue;
      s.set(guess.template);
      victim = true;
    }
    return { victim };
  }
  // Whole values first, then dates in three fields, then unambiguous parts.
  const chosen = new Map<Sent, Match>();
  const named: Person[] = [];
  const pick = (matches: Match[]): Match | undefined => matches.find((m) => named.includes(m.person)) ?? matches[0];
  for (const s of sent) {
    const value = s.value.trim();
    const match = pick(persons.flatMap((p) => wholeMatches(value, p)));
    if (!match) continue;
    chosen.set(s, match);
    if (!named.includes(match.person)) named.push(match.person);
  }
  for (const group of siblings) {
    const free = group.filter((s) => !chosen.has(s));
    const ordered = [...named, ...persons.filter((p) => !named.includes(p))];
    for (const person of ordered) {
      const dob = person.keys.dateOfBirth;
      if (dob === undefined) continue;
      const parts = datePartsIn(free, dob);
      if (!parts) continue;
      for (const [s, part] of parts) chosen.set(s, { person, template: (r) => ref(r.identity, 'dateOfBirth', part), urlSafe: true });
      if (!named.includes(person)) named.push(person);
      break;
    }
  }
  for (const s of sent) {
    if (chosen.has(s)) continue;
    const match = sliceMatch(s.name, s.value.trim(), persons);
    if (!match) continue;
    chosen.set(s, match);
    if (!named.includes(match.person)) named.push(match.person);
  }
  const victim = loginSelf ? undefined : named.find((p) => p !== self);
  for (const [s, match] of chosen) {
    const root: Root =
      match.person === (loginSelf ?? self)
        ? { identity: 'self', fields: 'self' }
        : match.person === victim
          ? { identity: 'victim', fields: 'victim' }
          : { identity: `world.patients.${match.person.index}.identity`, fields: `world.patients.${match.person.index}` };
    if (s.inQuery && !match.urlSafe) continue;
    s.set(match.template(root));
  }
  return { victim: victim !== undefined };
}

/** A date of birth sent as day, month and year in three fields of one form or object. */
function datePartsIn(group: readonly Sent[], dob: string): [Sent, 'day' | 'month' | 'year'][] | undefined {
  const [year, month, day] = dob.split('-');
  const hinted = (s: Sent, part: 'day' | 'month' | 'year'): boolean => {
    const n = squash(s.name);
    return part === 'year' ? /year|yyyy|yr|^y$/.test(n) : part === 'month' ? /month|mm|mon|mo$/.test(n) : /day|dd|^d$/.test(n);
  };
  const years = group.filter((s) => s.value.trim() === year);
  const months = group.filter((s) => s.value.trim() === month);
  const days = group.filter((s) => s.value.trim() === day);
  const y = years.find((s) => hinted(s, 'year')) ?? years[0];
  let m = months.find((s) => hinted(s, 'month')) ?? months.find((s) => !hinted(s, 'day'));
  let d = days.find((s) => s !== m && hinted(s, 'day')) ?? days.find((s) => s !== m && !hinted(s, 'month'));
  if (month === day && m === undefined && d !== undefined) {
    // Same value, no names to tell them apart: the day comes first, as written in the UK.
    const both = group.filter((s) => s.value.trim() === day);
    d = both[0];
    m = both[1];
  }
  if (!y || !m || !d || m === d) return undefined;
  return [
    [d, 'day'],
    [m, 'month'],
    [y, 'year'],
  ];
}

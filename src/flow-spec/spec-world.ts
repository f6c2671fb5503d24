import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as fc from 'fast-check';
import { identityCanaries, type Canary } from '../identity/canary.js';
import { identitiesArb, type Identity } from '../identity/identity.js';
import type { Json, JsonObject } from '../model/json.js';
import type { SecretSpec } from '../model/model.js';
import type { FieldGen, FlowSpec } from './spec-schema.js';
import { identityFields } from './spec-schema.js';
import type { SpecSource } from './spec-source.js';
import { cloneWorld } from '../world/clone-world.js';

/**
 * The world of a spec model: `{ patients: [{ id, identity, …fields, …secrets }], …constants }`,
 * plain JSON. Identities come from bookfuzz's generators (test ranges only) or from a pool file.
 */
export interface SpecPatient extends JsonObject {
  id: string;
  identity: JsonObject;
}

export interface SpecWorld extends JsonObject {
  patients: SpecPatient[];
}

const canaryMark = '\u0000canary:';
const sequenceMark = '\u0000sequence:';

function fieldArb(gen: FieldGen): fc.Arbitrary<Json> {
  if ('oneOf' in gen) return fc.constantFrom(...(gen.oneOf as Json[]));
  if ('integer' in gen) return fc.integer({ min: gen.integer[0], max: gen.integer[1] });
  if ('const' in gen) return fc.constant(gen.const as Json);
  if ('canary' in gen) return fc.constant(`${canaryMark}${gen.canary}`);
  if ('sequence' in gen) return fc.constant(`${sequenceMark}${gen.sequence}`);
  const of = gen.list.of;
  return fc.array(fieldsArb(of), { minLength: gen.list.min, maxLength: Math.max(gen.list.min, gen.list.max) });
}

function fieldsArb(fields: Record<string, FieldGen>): fc.Arbitrary<JsonObject> {
  const record: Record<string, fc.Arbitrary<Json>> = {};
  for (const [name, gen] of Object.entries(fields)) record[name] = fieldArb(gen);
  return fc.record(record) as fc.Arbitrary<JsonObject>;
}

/** Replace canary and sequence marks with unique, deterministic values. */
function finish(world: SpecWorld): SpecWorld {
  const sequences = new Map<string, number>();
  let canaries = 0;
  const walk = (value: Json, owner: string): Json => {
    if (typeof value === 'string' && value.startsWith(canaryMark)) return `${value.slice(canaryMark.length)} ${owner}x${++canaries}`;
    if (typeof value === 'string' && value.startsWith(sequenceMark)) {
      const prefix = value.slice(sequenceMark.length);
      const n = (sequences.get(prefix) ?? 0) + 1;
      sequences.set(prefix, n);
      return `${prefix}${n}`;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, owner));
    if (value !== null && typeof value === 'object') {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, owner);
      return out;
    }
    return value;
  };
  return { ...world, patients: world.patients.map((p) => walk(p, p.id) as SpecPatient) };
}

export interface PoolRow {
  identity: JsonObject;
  fields: JsonObject;
}

/**
 * A pool of pre-provisioned test identities: a file (CSV with a header row, or a JSON array of
 * objects), or the rows written in the spec itself.
 */
export function readPool(source: SpecSource, pool: string | readonly Record<string, unknown>[]): PoolRow[] {
  if (typeof pool !== 'string') return poolRows(pool);
  const file = pool;
  const path = resolve(dirname(source.file), file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return source.fail(['identities', 'pool'], `cannot read the identity pool ${path}`);
  }
  let rows: Record<string, unknown>[];
  if (/\.json$/i.test(path)) {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed)) return source.fail(['identities', 'pool'], 'the JSON pool must be an array of objects');
    rows = parsed as Record<string, unknown>[];
  } else {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const header = (lines[0] ?? '').split(',').map((h) => h.trim());
    rows = lines.slice(1).map((line) => {
      const cells = line.split(',').map((c) => c.trim());
      const row: Record<string, unknown> = {};
      header.forEach((h, i) => {
        const cell = cells[i] ?? '';
        row[h] = /^-?\d+$/.test(cell) && !/^0\d/.test(cell) && cell.length < 6 ? Number(cell) : cell === 'true' ? true : cell === 'false' ? false : cell;
      });
      return row;
    });
  }
  if (rows.length === 0) return source.fail(['identities', 'pool'], 'the identity pool is empty');
  return poolRows(rows);
}

/** Rows of a pool: identity columns apart from the person's other fields. */
function poolRows(rows: readonly Record<string, unknown>[]): PoolRow[] {
  return rows.map((row) => {
    const identity: JsonObject = {};
    const fields: JsonObject = {};
    for (const [k, v] of Object.entries(row)) {
      if ((identityFields as readonly string[]).includes(k)) identity[k] = String(v);
      else fields[k] = v as Json;
    }
    return { identity, fields };
  });
}

export function worldArbitrary(spec: FlowSpec, pool: PoolRow[] | undefined): fc.Arbitrary<SpecWorld> {
  const count = spec.identities.count;
  const min = typeof count === 'number' ? count : count.min;
  const max = typeof count === 'number' ? count : Math.max(count.min, count.max);
  const prefix = spec.identities.idPrefix;
  const constants = spec.constants as JsonObject;
  const secretFields = Object.values(spec.secrets);
  if (pool) {
    return fc
      .uniqueArray(fc.nat({ max: pool.length - 1 }), { minLength: Math.min(min, pool.length), maxLength: Math.min(max, pool.length) })
      .map((rows) => ({
        ...cloneWorld(constants),
        patients: rows.map((r, i) => ({ id: `${prefix}${i + 1}`, identity: { ...pool[r]?.identity }, ...cloneWorld(pool[r]?.fields ?? {}) })),
      }));
  }
  const secretsArb = fc.record(Object.fromEntries(secretFields.map((s) => [s.field, fc.constantFrom(...(s.values as Json[]))])));
  return fc
    .record({
      identities: identitiesArb({ minLength: min, maxLength: max }),
      fields: fc.array(fieldsArb(spec.identities.fields), { minLength: max, maxLength: max }),
      secrets: fc.array(secretsArb, { minLength: max, maxLength: max }),
    })
    .map(({ identities, fields, secrets }) =>
      finish({
        ...cloneWorld(constants),
        patients: identities.map((identity: Identity, i) => ({
          id: `${prefix}${i + 1}`,
          identity: { ...identity },
          ...(fields[i] ?? {}),
          ...((secrets[i] ?? {}) as JsonObject),
        })),
      }),
    );
}

export function patientAt(world: SpecWorld, index: unknown): SpecPatient | undefined {
  const n = world.patients.length;
  if (n === 0) return undefined;
  const i = typeof index === 'number' && Number.isInteger(index) ? ((index % n) + n) % n : 0;
  return world.patients[i];
}

/** A patient as templates and conditions see it: identity fields flattened next to its own fields. */
export function patientView(patient: SpecPatient | undefined): JsonObject | null {
  if (!patient) return null;
  return { ...patient.identity, ...patient };
}

export function specSecrets(spec: FlowSpec, pool: PoolRow[] | undefined): Record<string, SecretSpec<SpecWorld>> {
  const out: Record<string, SecretSpec<SpecWorld>> = {};
  for (const [name, secret] of Object.entries(spec.secrets)) {
    const values = secret.values as Json[];
    out[name] = {
      description: secret.description ?? `the patients' ${secret.field}`,
      hiddenFrom: secret.hiddenFrom,
      // Drawn apart from the world, and always a change: `shift` picks one of the OTHER values (the
      // next one, then the one after…), `row` one of the pool's people who are not in the world and
      // whose secret differs. Findings saved with `{ patient, value }` still replay.
      variation: pool
        ? fc.record({ patient: fc.nat({ max: 7 }), row: fc.nat({ max: pool.length - 1 }) })
        : fc.record({ patient: fc.nat({ max: 7 }), shift: fc.nat({ max: values.length - 2 }) }),
      apply(world, variation) {
        const twin = cloneWorld(world);
        const v = variation as { patient: number; value?: Json; shift?: number; row?: number };
        const patient = patientAt(twin, v.patient);
        if (!patient) return twin;
        if (pool && v.row !== undefined) {
          // A pool's secrets are what the site holds: the twin swaps in another provisioned person.
          const row = swapCandidates(pool, twin, patient, secret.field)[v.row % Math.max(1, pool.length)];
          if (row) Object.assign(patient, { identity: { ...row.identity }, ...cloneWorld(row.fields) });
        } else if (v.value !== undefined) patient[secret.field] = v.value;
        else patient[secret.field] = shifted(values, patient[secret.field], v.shift ?? 0);
        return twin;
      },
      erase(world) {
        return { ...world, patients: world.patients.map((p) => ({ ...p, [secret.field]: values[0] ?? null })) };
      },
    };
  }
  return out;
}

/** The value `1 + shift` places after `current` among `values` (cyclic), so never `current` itself. */
function shifted(values: readonly Json[], current: Json | undefined, shift: number): Json {
  const at = values.findIndex((v) => JSON.stringify(v) === JSON.stringify(current ?? null));
  const others = at < 0 ? values : [...values.slice(at + 1), ...values.slice(0, at)];
  return others[shift % Math.max(1, others.length)] ?? null;
}

/**
 * The pool rows a twin may swap in for `patient`: people not already in the world (one person never
 * appears twice) whose secret field differs from the patient's (else the twins would not differ in
 * the secret). Repeated so that a row index drawn over the whole pool picks among them evenly enough.
 */
function swapCandidates(pool: readonly PoolRow[], world: SpecWorld, patient: SpecPatient, field: string): PoolRow[] {
  const inWorld = new Set(world.patients.map((p) => JSON.stringify(p.identity)));
  const current = JSON.stringify(patient[field] ?? null);
  const candidates = pool.filter((row) => !inWorld.has(JSON.stringify(row.identity)) && JSON.stringify(row.fields[field] ?? null) !== current);
  if (candidates.length === 0) return [];
  return Array.from({ length: pool.length }, (_, i) => candidates[i % candidates.length] as PoolRow);
}

/** A canary and the object it sits in (a record entry), for policy rules on `item`. */
export interface SpecCanary extends Canary {
  item: JsonObject | null;
}

/** Identity canaries of every patient, and every generated `canary` field value. */
export function specCanaries(spec: FlowSpec, world: SpecWorld): SpecCanary[] {
  const out: SpecCanary[] = [];
  for (const patient of world.patients) {
    const identity = patient.identity as unknown as Identity;
    for (const c of identityCanaries(identity, patient.id)) if (typeof c.value === 'string' && c.value !== '') out.push({ ...c, item: null });
    for (const [name, gen] of Object.entries(spec.identities.fields)) {
      const value = patient[name];
      if ('canary' in gen && typeof value === 'string') out.push({ value, owner: patient.id, field: name, item: null });
      if ('list' in gen && Array.isArray(value)) {
        for (const [key, inner] of Object.entries(gen.list.of)) {
          if (!('canary' in inner)) continue;
          for (const item of value) {
            if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
            const text = item[key];
            if (typeof text === 'string') out.push({ value: text, owner: patient.id, field: `${name}.${key}`, item });
          }
        }
      }
    }
  }
  return out;
}

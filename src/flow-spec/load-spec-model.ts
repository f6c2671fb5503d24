import { resolve } from 'node:path';
import type { z } from 'zod';
import { BookfuzzError } from '../errors.js';
import type { Model } from '../model/model.js';
import { checkReferences } from './check-references.js';
import { compileSpec } from './compile-spec.js';
import { specContext } from './spec-context.js';
import { specSchema, type FlowSpec } from './spec-schema.js';
import { readSpecSource, type SpecSource } from './spec-source.js';
import { readPool } from './spec-world.js';

export interface LoadSpecOptions {
  /** Generate and send steps marked `irreversible: true` (`--allow-irreversible`). Default false. */
  allowIrreversible?: boolean;
  /** The file's text, when it is not to be read from disk (tests, stdin). */
  text?: string;
}

/**
 * Load a declarative flow spec (YAML or JSON) as a bookfuzz model with an HTTP binding:
 * parse with positions, validate against the schema, check every name it uses, compile.
 * Every problem is one `BF_MODEL_INVALID` error whose `where` is `<file>:<line>:<column> <field path>`.
 *
 * @example
 * const model = await loadSpecModel('models/nhs-covid-booking/spec.yaml');
 * const run = await checkModel(model, oracles, { runs: 200 });
 */
export async function loadSpecModel(file: string, options: LoadSpecOptions = {}): Promise<Model> {
  const path = resolve(file);
  const source = readSpecSource(path, options.text);
  const spec = validate(source);
  const pool = spec.identities.pool !== undefined ? readPool(source, spec.identities.pool) : undefined;
  checkReferences(spec, source, pool);
  const context = specContext(spec, source, pool, options.allowIrreversible === true);
  let model: Model;
  try {
    model = compileSpec(context) as unknown as Model;
  } catch (error) {
    if (error instanceof BookfuzzError) throw new BookfuzzError(error.code, error.message, { where: source.where([]), cause: error });
    throw error;
  }
  return { ...model, source: path };
}

function validate(source: SpecSource): FlowSpec {
  const parsed = specSchema.safeParse(source.value ?? {});
  if (parsed.success) return parsed.data;
  const issue = mostSpecific(parsed.error.issues);
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return source.fail([...path, key], `unknown key "${key}"${path.length > 0 ? ` in ${path.join('.')}` : ''}`);
  }
  return source.fail(path, describe(issue));
}

type Issue = z.core.$ZodIssue;

/** The deepest issue (inside unions, the branch that got furthest) is the most useful one. */
function mostSpecific(issues: readonly Issue[]): Issue {
  let best = issues[0] as Issue;
  const depth = (i: Issue): number => {
    if (i.code === 'invalid_union') {
      const inner = i.errors.flat();
      return inner.length > 0 ? Math.max(...inner.map(depth)) : i.path.length;
    }
    return i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0);
  };
  for (const issue of issues) if (depth(issue) > depth(best)) best = issue;
  if (best.code === 'invalid_union') {
    const inner = best.errors.flat();
    if (inner.length > 0) {
      const deepest = mostSpecific(inner);
      // Nested issue paths are relative to the union.
      if (deepest.path.length > 0 || deepest.code === 'unrecognized_keys') return { ...deepest, path: [...best.path, ...deepest.path] } as Issue;
    }
  }
  return best;
}

function describe(issue: Issue): string {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? `is required (${issue.expected})` : `must be ${issue.expected}, got ${typeof issue.input === 'object' ? (Array.isArray(issue.input) ? 'a list' : issue.input === null ? 'null' : 'a mapping') : typeof issue.input}`;
  }
  if (issue.code === 'invalid_union') return 'has none of the accepted forms';
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message;
}

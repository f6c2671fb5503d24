import type { FlowSpec } from '../flow-spec/spec-schema.js';
import type { SpecSource } from '../flow-spec/spec-source.js';

/** What a lint rule reads: the validated spec and its source, which knows where every field is written. */
export interface LintInput {
  spec: FlowSpec;
  source: SpecSource;
}

/** One thing a designer probably got wrong, at the field where it is written. */
export interface LintWarning {
  /** The rule's id (its file name). */
  rule: string;
  /** `<file>:<line>:<column> <field path>`, as load errors give it. */
  where: string;
  /** What is wrong and what to do, in the spec's own words. */
  message: string;
}

/**
 * A lint rule: a pure check over a spec that loaded, one file each under `rules/`, listed in
 * `rules/index.ts`. Its id is its file name. A rule warns about a spec that cannot mean what its
 * designer meant; it never fails the load (that is the loader's job).
 */
export interface LintRule {
  id: string;
  /** One line: the mistake it looks for. */
  title: string;
  check(input: LintInput): LintWarning[];
}

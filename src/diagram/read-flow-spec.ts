import { specSchema, type FlowSpec } from '../flow-spec/spec-schema.js';
import { readSpecSource } from '../flow-spec/spec-source.js';

/**
 * A flow spec file read and validated, as its model was loaded from it (call after `loadModel`,
 * which reports a broken spec with its file and line; here a failure throws the schema's error).
 */
export function readFlowSpec(file: string): FlowSpec {
  return specSchema.parse(readSpecSource(file).value ?? {});
}

/** Flows without code: declarative flow specs (YAML/JSON) compiled to models, and HAR import. */
export { loadSpecModel, type LoadSpecOptions } from './load-spec-model.js';
export { importHar, type ImportHarOptions } from './import-har.js';
export { specSchema, type FlowSpec } from './spec-schema.js';

/**
 * Importing this module lets Node import TypeScript files from then on (tsx's module hooks).
 * The compiled package (dist/) imports it when it first loads a TypeScript model, and only then
 * (src/model/load-model.ts): a plain `import { check } from 'bookfuzz'`, a JavaScript model or a
 * flow spec never load tsx.
 */
import { register } from 'tsx/esm/api';

register();

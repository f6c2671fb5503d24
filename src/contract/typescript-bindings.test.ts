/**
 * The binding contract (binding-contract-suite.ts) against the TypeScript `http` binding of every
 * model under models/ that has one.
 */
import { bindingContractSuite } from './binding-contract-suite.js';

await bindingContractSuite('typescript');

/**
 * The binding contract (binding-contract-suite.ts) against every shipped flow spec,
 * `models/<name>/spec.yaml`, loaded with loadSpecModel.
 */
import { bindingContractSuite } from './binding-contract-suite.js';

await bindingContractSuite('spec');

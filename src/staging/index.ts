export { startStagingSite, type StagingSite, type StagingSiteOptions } from './start-staging-site.js';
export { stagingFlaws, stagingVariants } from './staging-flaws.js';
export { SEED_TOKEN_HEADER } from './seed-routes.js';

import type { LintRule } from '../lint-rule.js';
import { actionNobodyMayTake } from './action-nobody-may-take.js';
import { actionWithoutTransition } from './action-without-transition.js';
import { extractKeptBySetup } from './extract-kept-by-setup.js';
import { irreversibleWithoutCleanup } from './irreversible-without-cleanup.js';
import { journeyEndsEarly } from './journey-ends-early.js';
import { policyNeverApplies } from './policy-never-applies.js';
import { secretAudience } from './secret-audience.js';
import { unreachableScreen } from './unreachable-screen.js';

/** Every lint rule, in the order their warnings are worth reading. */
export const lintRules: readonly LintRule[] = [
  unreachableScreen,
  actionWithoutTransition,
  actionNobodyMayTake,
  secretAudience,
  policyNeverApplies,
  journeyEndsEarly,
  irreversibleWithoutCleanup,
  extractKeptBySetup,
];

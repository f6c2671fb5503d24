import { BookfuzzError } from '../errors.js';
import type { Model } from './model.js';

export interface FlawChoice {
  variant?: string | undefined;
  flaws?: readonly string[] | undefined;
}

/**
 * Which flaws to switch on: a named variant (default `vulnerable`) or an explicit flaw list
 * (`--flaws a,b`, variant name `custom`; an empty list is the same as `fixed`).
 */
export function resolveFlaws(model: Model, choice: FlawChoice): { variant: string; flaws: string[] } {
  if (choice.variant !== undefined && choice.flaws !== undefined) {
    throw new BookfuzzError('BF_USAGE', 'give either --variant or --flaws, not both');
  }
  if (choice.flaws !== undefined) {
    for (const flaw of choice.flaws) {
      if (!(flaw in model.flaws)) {
        throw new BookfuzzError(
          'BF_FLAW_UNKNOWN',
          `model "${model.name}" has no flaw "${flaw}" (flaws: ${Object.keys(model.flaws).join(', ') || 'none'})`,
        );
      }
    }
    const flaws = [...new Set(choice.flaws)].sort();
    return { variant: flaws.length === 0 ? 'fixed' : `flaws:${flaws.join(',')}`, flaws };
  }
  const variant = choice.variant ?? 'vulnerable';
  const flaws = model.variants[variant];
  if (!flaws) {
    throw new BookfuzzError(
      'BF_VARIANT_UNKNOWN',
      `model "${model.name}" has no variant "${variant}" (variants: ${Object.keys(model.variants).join(', ')})`,
    );
  }
  return { variant, flaws: [...flaws].sort() };
}

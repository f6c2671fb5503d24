import { cloneWorld, fc, type SecretSpec } from 'bookfuzz';
import { wrap, type HouseholdWorld } from './world.js';

/**
 * A victim's vaccination status (doses recorded), hidden from the attacking registrant. No
 * planted flaw shows it, so the `indistinguishable` oracle guards against any screen that would.
 * The variation only ever touches victims: the attacker may know their own doses.
 */
export const vaccinationStatus: SecretSpec<HouseholdWorld> = {
  description: "another registrant's number of COVID-19 doses",
  hiddenFrom: ['registrant'],
  variation: fc.record({ registrant: fc.nat({ max: 7 }), doses: fc.integer({ min: 0, max: 2 }) }),
  apply(world, variation) {
    const { registrant, doses } = variation as { registrant: number; doses: number };
    const twin = cloneWorld(world);
    const victims = twin.registrants.length - 1;
    const victim = victims > 0 ? twin.registrants[1 + wrap(registrant, victims)] : undefined;
    if (victim) victim.doses = doses;
    return twin;
  },
  erase(world) {
    return { ...world, registrants: world.registrants.map((r) => ({ ...r, doses: 0 })) };
  },
};

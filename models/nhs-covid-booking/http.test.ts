/**
 * The nhs-covid-booking HTTP binding, one journey against the reference staging site. What every
 * binding keeps (it means what the simulator means, each flaw is found live, the fixed site is
 * clean) is checked by src/contract/ (binding-contract-suite.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fc } from '../../src/index.js';
import { bindingHarness } from '../../src/harness/binding-harness.js';
import { binding } from './http.js';
import { model } from './index.js';

const SEED = 11;
const { start, stop, open } = bindingHarness(model, binding, { token: 'nhs-covid-booking-binding-test', seed: SEED });

beforeAll(() => start(['fixed']));
afterAll(stop);

describe('nhs-covid-booking binding, step by step', () => {
  it('the genuine patient books with the code from the SMS outbox; a visitor guessing is refused', async () => {
    const [world] = fc.sample(model.world, { seed: SEED, numRuns: 1 });
    if (!world) throw new Error('no world');
    world.patients.forEach((p) => (p.doses = 0));
    const site = open('fixed');
    try {
      await binding.setup(world, site);
      const patient = world.patients[0];
      if (!patient) throw new Error('no patient');
      const step = (actor: string, action: string, input = {}) => binding.perform({ actor, action, input }, site, world);

      expect((await step('visitor', 'open-service')).outcome).toBe('ok');
      const identity = await step('visitor', 'submit-identity', { patient: 0, by: 'name-dob-postcode' });
      expect(identity.outcome).toBe('ok');
      expect(identity.typed).toMatchObject({ familyName: patient.identity.familyName, postcode: patient.identity.postcode });
      expect(identity.session).toMatch(/^nhs-[0-9a-f]{12}$/);
      const guess = await step('visitor', 'enter-code', { guess: '000000' });
      expect(guess.outcome).toBe('refused');
      expect(guess.typed).toEqual({ code: '000000' });
      expect((await step('visitor', 'choose-slot', { slot: 1 })).outcome).toBe('refused');
      const sneaky = await step('visitor', 'confirm-booking');
      expect(sneaky.outcome).toBe('refused');
      expect(sneaky.changes).toBeUndefined();

      await step('patient', 'open-service');
      expect((await step('patient', 'submit-identity', { patient: 0, by: 'nhs-number' })).typed).toEqual({ nhsNumber: patient.identity.nhsNumber });
      const code = await step('patient', 'enter-code', { guess: '000000' });
      expect(code.outcome).toBe('ok');
      expect(code.typed?.['code']).toMatch(/^\d{6}$/);
      expect((await step('patient', 'choose-slot', { slot: 1 })).outcome).toBe('ok');
      const booked = await step('patient', 'confirm-booking');
      expect(booked.outcome).toBe('ok');
      expect(booked.changes).toEqual([{ object: 'booking', owner: patient.id, description: `dose 1 booked at ${world.slots[1]}` }]);
      // Nothing volatile reaches the observation: no request id, no cookie value.
      expect(JSON.stringify(booked.observation)).not.toMatch(/[0-9a-f]{24}/);
    } finally {
      await site.close();
    }
  });
});

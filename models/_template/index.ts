/**
 * A minimal model to copy: one actor, two actions, one secret, one flaw. Copy this folder to
 * `models/<your-flow>/` (or anywhere, and run `bookfuzz check ./path/to/it`), rename, and
 * replace the world, actions and simulator with your flow's. Folders starting with `_` are
 * not listed as models. It imports bookfuzz by its name, as a model in your own project does
 * (`npm install bookfuzz`; in an installed package it is `node_modules/bookfuzz/models/_template`).
 */
import { cloneWorld, defineModel, fc, identitiesArb, identityCanaries, type Identity, type StepResult } from 'bookfuzz';

interface Patient {
  id: string;
  identity: Identity;
  /** The secret: does this person have an appointment? */
  booked: boolean;
}
interface World {
  patients: Patient[];
}

const world: fc.Arbitrary<World> = fc
  .record({ identities: identitiesArb({ minLength: 1, maxLength: 3 }), booked: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }) })
  .map(({ identities, booked }) => ({ patients: identities.map((identity, i) => ({ id: `p${i + 1}`, identity, booked: booked[i] ?? false })) }));

const pick = (w: World, index: unknown): Patient => w.patients[Number(index) % w.patients.length] as Patient;

export const model = defineModel<World>({
  name: 'template',
  title: 'Appointment lookup (template)',
  description: 'A visitor enters an NHS number to look up appointments; the answer must not say whether that person has one.',
  actors: { visitor: { description: "someone who knows a third person's NHS number" } },
  actions: {
    'open-lookup': { description: 'open the lookup page', actors: ['visitor'] },
    'submit-nhs-number': { description: 'enter an NHS number', actors: ['visitor'], input: fc.record({ patient: fc.nat({ max: 5 }) }) },
  },
  flaws: {
    'echo-status': { description: 'the answer says whether the person has an appointment', oracles: ['indistinguishable'] },
  },
  world,
  secrets: {
    booked: {
      description: 'whether a person has an appointment',
      hiddenFrom: ['visitor'],
      variation: fc.record({ patient: fc.nat({ max: 5 }), booked: fc.boolean() }),
      apply: (w, v) => {
        const { patient, booked } = v as { patient: number; booked: boolean };
        const twin = cloneWorld(w);
        pick(twin, patient).booked = booked;
        return twin;
      },
      erase: (w) => ({ patients: w.patients.map((p) => ({ ...p, booked: false })) }),
    },
  },
  canaries: (w) => w.patients.flatMap((p) => identityCanaries(p.identity, p.id)),
  policy: { maySee: ({ canary }) => canary.field === 'nhsNumber' },
  simulator: (w, flaws) => {
    let opened = false;
    return {
      world: () => w,
      step(step): StepResult {
        if (step.action === 'open-lookup') {
          opened = true;
          return { observation: { screen: 'lookup' }, outcome: 'ok' };
        }
        if (!opened) return { observation: { screen: 'start' }, outcome: 'refused' };
        const patient = pick(w, step.input['patient']);
        const typed = { nhsNumber: patient.identity.nhsNumber };
        if (flaws.has('echo-status')) {
          const screen = patient.booked ? 'you-have-an-appointment' : 'book-an-appointment';
          return { observation: { screen }, outcome: 'ok', typed, flaws: ['echo-status'] };
        }
        return { observation: { screen: 'we-sent-you-a-letter' }, outcome: 'ok', typed };
      },
    };
  },
  maxSteps: 4,
});

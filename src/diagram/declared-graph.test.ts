import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowSpec } from '../flow-spec/spec-schema.js';
import { builtinModelsDir, listModelNames, loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import { twinCaseArbitrary } from '../world/twin-case.js';
import { flowGraphOfModel } from './flow-graph-of.js';
import { ANY_SCREEN } from './flow-graph.js';
import { renderMermaid } from './mermaid.js';
import { parseMermaid, type ParsedMermaid, type ParsedTransition } from './parse-mermaid.js';
import { readFlowSpec } from './read-flow-spec.js';

/** Every shipped spec that declares screens, with its loaded model. */
const specsWithScreens = listModelNames()
  .map((name) => join(builtinModelsDir, name, 'spec.yaml'))
  .filter((file) => existsSync(file))
  .map((file) => ({ file, spec: readFlowSpec(file) }))
  .filter(({ spec }) => spec.screens !== undefined);

type Transition = NonNullable<FlowSpec['screens']>['transitions'][number];
const fromOf = (t: Transition): string[] | undefined => (t.from === undefined ? undefined : Array.isArray(t.from) ? t.from : [t.from]);

/** The variants drawn in these tests: fixed, vulnerable, and each flaw alone. */
function flawSets(spec: FlowSpec): { name: string; flaws: string[] }[] {
  const flaws = Object.keys(spec.flaws);
  return [{ name: 'fixed', flaws: [] }, { name: 'vulnerable', flaws }, ...flaws.map((f) => ({ name: `flaws:${f}`, flaws: [f] }))];
}

async function mermaidOf(model: Model, flaws: string[]): Promise<ParsedMermaid> {
  return parseMermaid(renderMermaid(await flowGraphOfModel(model, { flaws })));
}

/** The declared transition a drawn one stands for: same action, target, guard, outcome and flaw, taken from that screen. */
function declaredFor(spec: FlowSpec, drawn: ParsedTransition): Transition | undefined {
  return spec.screens?.transitions.find((t) => {
    const from = fromOf(t);
    const fromFits = drawn.from === ANY_SCREEN ? from === undefined : from !== undefined && from.includes(drawn.from);
    return t.action === drawn.action && t.to === drawn.to && fromFits && t.if === drawn.guard && t.outcome === drawn.outcome && (t.flaw === undefined ? [] : [t.flaw]).join() === drawn.flaws.join();
  });
}

/**
 * Whether an earlier transition always takes the place of `t` (same action, enabled, no guard,
 * taken on every screen `t` is): then `t` is never drawn.
 */
function shadowed(spec: FlowSpec, t: Transition, on: ReadonlySet<string>): boolean {
  const transitions = spec.screens?.transitions ?? [];
  const own = fromOf(t);
  return transitions.slice(0, transitions.indexOf(t)).some((e) => {
    if (e.action !== t.action || e.if !== undefined || (e.flaw !== undefined && !on.has(e.flaw))) return false;
    const covers = fromOf(e);
    return covers === undefined || (own !== undefined && own.every((s) => covers.includes(s)));
  });
}

describe.each(specsWithScreens)('the diagram of $file', ({ file, spec }) => {
  const screens = spec.screens;
  if (!screens) throw new Error('unreachable: filtered on screens');
  const declaredStates = new Set([screens.start, ...screens.transitions.flatMap((t) => [...(fromOf(t) ?? []), t.to])]);
  const secretFields = Object.values(spec.secrets).map((s) => s.field);

  it.each(flawSets(spec))('variant $name: every screen and transition declared is drawn, nothing else', async ({ flaws }) => {
    const model = await loadModel(file);
    const parsed = await mermaidOf(model, flaws);
    const on = new Set(flaws);
    expect(parsed.start).toBe(screens.start);
    expect(new Set(parsed.states)).toEqual(declaredStates);
    // Nothing invented: each drawn transition is a declared one whose flaw is on, by actors that may take its action.
    for (const drawn of parsed.transitions) {
      const declared = declaredFor(spec, drawn);
      expect(declared, `drawn but not declared: ${drawn.from} --> ${drawn.to} : ${drawn.label}`).toBeDefined();
      if (declared?.flaw !== undefined) expect(on.has(declared.flaw)).toBe(true);
      for (const actor of drawn.actors) expect(spec.actions[drawn.action]?.actors).toContain(actor);
      const readsSecret = secretFields.some((field) => new RegExp(`\\.${field}\\b`).test(drawn.guard ?? ''));
      expect(drawn.secret, `secret mark of ${drawn.label}`).toBe(readsSecret);
    }
    // Every declared transition of the variant is drawn from each of its screens, unless an earlier one always takes its place.
    for (const t of screens.transitions) {
      if (t.flaw !== undefined && !on.has(t.flaw)) {
        expect(parsed.transitions.some((d) => d.flaws.includes(t.flaw ?? ''))).toBe(false);
        continue;
      }
      if (shadowed(spec, t, on)) continue;
      for (const from of fromOf(t) ?? [ANY_SCREEN]) {
        const drawn = parsed.transitions.find((d) => d.from === from && d.action === t.action && d.to === t.to && d.guard === t.if && d.outcome === t.outcome);
        expect(drawn, `declared but not drawn: ${from} --${t.action}--> ${t.to}`).toBeDefined();
      }
    }
  });

  it.each(flawSets(spec))('variant $name: every step the simulator takes is a drawn transition', async ({ flaws }) => {
    const model = await loadModel(file);
    const parsed = await mermaidOf(model, flaws);
    const taken = new Set<string>();
    const on = new Set(flaws);
    for (const kase of fc.sample(twinCaseArbitrary(model), { numRuns: 150, seed: 7 })) {
      const simulation = model.simulator(structuredClone(kase.world), on);
      const at = new Map<string, string>();
      for (const step of kase.steps) {
        const result = simulation.step(step);
        const before = at.get(step.actor) ?? screens.start;
        const screen = result.observation['screen'];
        if (typeof screen !== 'string') throw new Error('a spec with screens always shows one');
        at.set(step.actor, screen);
        // No transition fitted: the simulator refuses and stays, which the diagram does not draw.
        if (result.observation['refused'] === true) continue;
        taken.add(`${before} ${step.action} ${screen} ${result.outcome}`);
        const drawn = parsed.transitions.some(
          (d) => (d.from === before || d.from === ANY_SCREEN) && d.action === step.action && d.to === screen && d.outcome === result.outcome && d.actors.includes(step.actor),
        );
        expect(drawn, `${step.actor} on ${before}: ${step.action} → ${screen} (${result.outcome})`).toBe(true);
      }
    }
    expect(taken.size).toBeGreaterThan(5);
  });

  it('marks the flaw transitions, and the screens only a flaw leads to, in the vulnerable variant', async () => {
    const model = await loadModel(file);
    const parsed = await mermaidOf(model, Object.keys(spec.flaws));
    const declaredFlaws = new Set(screens.transitions.flatMap((t) => (t.flaw === undefined ? [] : [t.flaw])));
    const drawnFlaws = new Set(parsed.transitions.flatMap((t) => t.flaws));
    expect(drawnFlaws).toEqual(declaredFlaws);
    for (const state of parsed.classes['flaw'] ?? []) {
      const into = parsed.transitions.filter((t) => t.to === state && t.from !== state);
      expect(into.every((t) => t.flaws.length > 0)).toBe(true);
    }
  });
});

describe('the nhs-covid-booking spec diagram', () => {
  it('draws the incident: the screen after submit-identity depends on the doses, only with status-dependent-screen', async () => {
    const model = await loadModel(join(builtinModelsDir, 'nhs-covid-booking', 'spec.yaml'));
    const vulnerable = await mermaidOf(model, ['status-dependent-screen']);
    const toReference = vulnerable.transitions.find((t) => t.action === 'submit-identity' && t.to === 'booking-reference');
    expect(toReference).toMatchObject({ secret: true, flaws: ['status-dependent-screen'], guard: 'victim.doses >= 1' });
    expect(vulnerable.classes['flaw']).toEqual(expect.arrayContaining(['booking-reference', 'screening-questions']));
    const fixed = await mermaidOf(model, []);
    expect(fixed.transitions.filter((t) => t.action === 'submit-identity').map((t) => t.to)).toEqual(['verify-code']);
    expect(fixed.classes['flaw']).toBeUndefined();
    expect(fixed.title).toContain('declared screens (variant fixed)');
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinModelsDir, listModelNames, loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import { twinCaseArbitrary, twinOf } from '../world/twin-case.js';
import { flowGraphOfModel } from './flow-graph-of.js';
import { renderMermaid } from './mermaid.js';
import { observationPlace } from './observation-place.js';
import { journeysOf, observedStart } from './observed-graph.js';
import { parseMermaid } from './parse-mermaid.js';
import { readFlowSpec } from './read-flow-spec.js';

/** Every shipped model, and every shipped spec that declares no screens (drawn by exploration too). */
const observedTargets = [
  ...listModelNames(),
  ...listModelNames()
    .map((name) => join(builtinModelsDir, name, 'spec.yaml'))
    .filter((file) => existsSync(file) && readFlowSpec(file).screens === undefined),
];

const cases = 120;
const seed = 3;

/**
 * What the simulator does, followed here without the diagram code: each twin case's two worlds
 * run step by step (the case as generated, and each actor's steps alone), each actor on the
 * place its last observation showed.
 */
function simulatorMoves(model: Model, flaws: readonly string[]): Set<string> {
  const moves = new Set<string>();
  for (const kase of fc.sample(twinCaseArbitrary(model), { numRuns: cases, seed })) {
    for (const [world, steps] of journeysOf(kase.steps).flatMap((steps) => [kase.world, twinOf(model, kase)].map((w) => [w, steps] as const))) {
      const simulation = model.simulator(structuredClone(world), new Set(flaws));
      const at = new Map<string, string>();
      for (const step of steps) {
        const result = simulation.step(step);
        const from = at.get(step.actor) ?? observedStart;
        const to = observationPlace(result.observation) ?? from;
        at.set(step.actor, to);
        moves.add(`${from} | ${step.action} | ${to} | ${result.outcome}`);
      }
    }
  }
  return moves;
}

describe.each(observedTargets)('the observed diagram of %s', (target) => {
  it('says it is observed, and draws exactly the moves the simulator makes (vulnerable)', async () => {
    const model = await loadModel(target);
    const graph = await flowGraphOfModel(model, { cases, seed });
    expect(graph.source).toBe('observed');
    const parsed = parseMermaid(renderMermaid(graph));
    expect(parsed.title).toContain('observed, not declared');
    expect(parsed.start).toBe(observedStart);
    const drawn = new Set(parsed.transitions.map((t) => `${t.from} | ${t.action} | ${t.to} | ${t.outcome}`));
    expect(drawn).toEqual(simulatorMoves(model, graph.flaws));
    expect(new Set(parsed.states)).toEqual(new Set(parsed.transitions.flatMap((t) => [t.from, t.to]).concat(observedStart)));
    for (const t of parsed.transitions) for (const actor of t.actors) expect(model.actions[t.action]?.actors).toContain(actor);
  });

  it('draws no flaw in the fixed variant, and only transitions the fixed flow lacks as a flaw\'s', async () => {
    const model = await loadModel(target);
    const fixed = parseMermaid(renderMermaid(await flowGraphOfModel(model, { variant: 'fixed', cases, seed })));
    expect(fixed.transitions.filter((t) => t.flaws.length > 0)).toEqual([]);
    expect(fixed.classes['flaw']).toBeUndefined();
    const vulnerable = parseMermaid(renderMermaid(await flowGraphOfModel(model, { cases, seed })));
    const fixedMoves = simulatorMoves(model, []);
    for (const t of vulnerable.transitions) {
      const key = `${t.from} | ${t.action} | ${t.to} | ${t.outcome}`;
      expect(t.flaws.length > 0, key).toBe(!fixedMoves.has(key));
      for (const flaw of t.flaws) expect(Object.keys(model.flaws)).toContain(flaw);
    }
  });
});

describe('the observed nhs-covid-booking diagram', () => {
  it('shows the incident: submit-identity leads to a screen chosen by the doses, a secret-dependent flaw transition', async () => {
    const graph = await flowGraphOfModel(await loadModel('nhs-covid-booking'), { flaws: ['status-dependent-screen'], cases, seed });
    const parsed = parseMermaid(renderMermaid(graph));
    const parting = parsed.transitions.filter((t) => t.from === 'enter-identity' && t.action === 'submit-identity');
    expect(parting.map((t) => t.to).sort()).toEqual(['booking-reference', 'screening-questions']);
    for (const t of parting) expect(t).toMatchObject({ secret: true, flaws: ['status-dependent-screen'] });
    expect(parsed.classes['flaw']).toEqual(expect.arrayContaining(['booking-reference', 'screening-questions']));
    const fixed = parseMermaid(renderMermaid(await flowGraphOfModel(await loadModel('nhs-covid-booking'), { variant: 'fixed', cases, seed })));
    const plain = fixed.transitions.filter((t) => t.from === 'enter-identity' && t.action === 'submit-identity');
    expect(plain.map((t) => [t.to, t.secret])).toEqual([['verify-code', false]]);
  });
});

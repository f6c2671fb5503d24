import { describe, expect, it } from 'vitest';
import { parseExpression } from '../flow-spec/expression.js';
import { ANY_SCREEN, type FlowGraph } from './flow-graph.js';
import { renderMermaid } from './mermaid.js';
import { observationPlace } from './observation-place.js';
import { journeysOf } from './observed-graph.js';
import { parseMermaid } from './parse-mermaid.js';
import { partialTruth } from '../flow-spec/partial-truth.js';
import { stateIds } from './state-ids.js';

describe('partialTruth', () => {
  const truth = (text: string, known: Record<string, unknown>) => partialTruth(parseExpression(text), known);

  it('decides what the known paths decide, and says unknown for the rest', () => {
    expect(truth("screen != 'none' and victim.doses == 1", { screen: 'none' })).toBe(false);
    expect(truth("screen != 'none' and victim.doses == 1", { screen: 'verify-code' })).toBe('unknown');
    expect(truth("actor.name == 'patient' or victim.doses >= 2", { 'actor.name': 'patient' })).toBe(true);
    expect(truth("actor.name == 'patient'", { 'actor.name': 'visitor' })).toBe(false);
    expect(truth('not session.verified', { 'session.verified': null })).toBe(true);
    expect(truth("screen in ['a', 'b']", { screen: 'b' })).toBe(true);
    expect(truth('victim.doses >= 1', {})).toBe('unknown');
  });
});

describe('observationPlace', () => {
  it('reads a screen or page, a live response path, or an API status', () => {
    expect(observationPlace({ screen: 'verify-code', heading: 'x' })).toBe('verify-code');
    expect(observationPlace({ page: 'login', reader: 'card present' })).toBe('login');
    expect(observationPlace({ responses: [{ status: 200, path: '/a' }, { status: 200, path: '/b?step=‹n›' }] })).toBe('/b?step=‹n›');
    expect(observationPlace({ responses: [{ status: 403, path: '/records/1' }] })).toBe('/records/1 403');
    expect(observationPlace({ status: 404, body: { error: 'not-found' } })).toBe('HTTP 404 not-found');
    expect(observationPlace({ status: 201, body: { dose: {} } })).toBe('HTTP 201');
    expect(observationPlace({ clock: '2026-01-01' })).toBeUndefined();
    expect(observationPlace(undefined)).toBeUndefined();
  });
});

describe('Mermaid', () => {
  const graph: FlowGraph = {
    model: 'odd',
    title: 'odd: "quoted" title',
    source: 'declared',
    variant: 'vulnerable',
    flaws: ['leak'],
    start: 'start',
    states: ['start', 'a-b', 'a_b', '(weird) screen'],
    transitions: [
      { from: ANY_SCREEN, to: 'start', action: 'reset', actors: ['x'], outcome: 'ok', secret: false, flaws: [] },
      { from: 'start', to: 'a-b', action: 'go', actors: ['x', 'y'], guard: "victim.doses >= 1; drop #1", outcome: 'ok', secret: true, flaws: ['leak'] },
      { from: 'a-b', to: 'a_b', action: 'go', actors: ['y'], otherwise: true, outcome: 'refused', secret: false, flaws: [] },
      { from: 'a_b', to: '(weird) screen', action: 'go', actors: ['x'], outcome: 'ok', secret: false, flaws: [] },
    ],
    note: 'a note; with # signs',
  };

  it('writes what it reads back: states, start, labels, the any-screen pseudo-state and the flaw class', () => {
    const parsed = parseMermaid(renderMermaid(graph));
    expect(parsed.title).toBe(graph.title);
    expect(parsed.states).toEqual(graph.states);
    expect(parsed.start).toBe('start');
    expect(parsed.transitions.map(({ from, to, action, actors, outcome, secret, flaws }) => ({ from, to, action, actors, outcome, secret, flaws }))).toEqual(
      graph.transitions.map(({ from, to, action, actors, outcome, secret, flaws }) => ({ from, to, action, actors, outcome, secret, flaws })),
    );
    // A statement end or an entity inside a label would break Mermaid: written as "," and "no. ".
    expect(parsed.transitions[1]?.guard).toBe('victim.doses >= 1, drop no. 1');
    expect(parsed.classes['flaw']).toEqual(['a-b']);
  });

  it('gives distinct identifiers to names that differ only in punctuation', () => {
    const ids = stateIds(['a-b', 'a_b', 'a b', '(start)', 'start']);
    expect(new Set(ids.values()).size).toBe(5);
    for (const id of ids.values()) expect(id).toMatch(/^s_\w+$/);
  });

  it('refuses a line outside the subset it reads', () => {
    expect(() => parseMermaid('stateDiagram-v2\n  a --> b\n')).toThrow(/not a line this parser reads/);
    expect(() => parseMermaid('flowchart TD\n')).toThrow(/stateDiagram-v2/);
  });
});

describe('journeysOf', () => {
  it('explores a case as generated and each of its actors alone', () => {
    const step = (actor: string, action: string) => ({ actor, action, input: {} });
    const steps = [step('visitor', 'open'), step('patient', 'open'), step('visitor', 'submit')];
    expect(journeysOf(steps)).toEqual([steps, [steps[0], steps[2]], [steps[1]]]);
    expect(journeysOf([steps[0] ?? step('x', 'y')])).toEqual([[steps[0]]]);
  });
});

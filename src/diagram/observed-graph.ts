import * as fc from 'fast-check';
import { runTrace } from '../engine/trace.js';
import type { Model, Step } from '../model/model.js';
import type { Trace } from '../model/trace.js';
import { twinCaseArbitrary, twinOf } from '../world/twin-case.js';
import type { FlowGraph, FlowTransition } from './flow-graph.js';
import { observationPlace } from './observation-place.js';

/** The state every actor is in before any observation shows it a place. */
export const observedStart = '(no screen yet)';

export interface ObservedGraphOptions {
  variant: string;
  flaws: readonly string[];
  /** Generated cases to run (default 300). */
  cases?: number;
  /** fast-check seed of the cases (default 1: the same diagram every time). */
  seed?: number;
}

/** One step of one actor as observed: where it was, what it did, what came of it, where it went. */
export interface ObservedMove {
  from: string;
  to: string;
  action: string;
  actor: string;
  outcome: 'ok' | 'refused';
}

/**
 * Each step of a trace as a move of its actor, each actor followed on its own: an observation
 * with a place (`observationPlace`) moves the actor there, one without leaves it where it was.
 */
export function tracedMoves(trace: Trace): ObservedMove[] {
  const at = new Map<string, string>();
  return trace.steps.map(({ step, result }) => {
    const from = at.get(step.actor) ?? observedStart;
    const to = observationPlace(result.observation) ?? from;
    at.set(step.actor, to);
    return { from, to, action: step.action, actor: step.actor, outcome: result.outcome };
  });
}

/** A case's steps as generated, then, when several actors take part, each actor's steps alone. */
export function journeysOf(steps: readonly Step[]): Step[][] {
  const actors = [...new Set(steps.map((s) => s.actor))];
  if (actors.length < 2) return [[...steps]];
  return [[...steps], ...actors.map((actor) => steps.filter((s) => s.actor === actor))];
}

/**
 * A model's flow as observed: its simulator runs generated twin cases (fixed seed), each twin world
 * apart, each case as generated and each of its actors' steps alone, with the variant's flaws; every (place, action, actor, outcome, place) seen becomes a
 * transition. The same cases run with no flaw, and with each of the variant's flaws alone: a
 * transition never seen without flaws exists only with a flaw, named by the flaws that alone
 * make it appear; when only a combination does, by the flaws it is not seen without (all of the
 * variant's when it needs none in particular). One taken where the
 * twin world, differing only in a secret, was on the same place and went elsewhere (or was
 * refused where this one was not) is secret-dependent. It shows what the exploration saw, nothing
 * more: a rare path may be missing.
 */
export function observedGraph(model: Model, options: ObservedGraphOptions): FlowGraph {
  const cases = options.cases ?? 300;
  const seed = options.seed ?? 1;
  const variantFlaws = [...new Set(options.flaws)].sort();
  const samples = fc.sample(twinCaseArbitrary(model), { numRuns: cases, seed });
  const keyOf = (m: ObservedMove): string => [m.from, m.to, m.action, m.outcome].join('\u0000');
  // Each case as generated, and for each actor in it its own steps alone (what it does when no one else acts).
  const pairs = samples.flatMap((kase) => {
    const twin = twinOf(model, kase);
    return journeysOf(kase.steps).map((steps) => ({ world: kase.world, twin, steps }));
  });
  const run = (world: object, steps: readonly Step[], flaws: ReadonlySet<string>) => tracedMoves(runTrace(model, world, steps, flaws, false));
  /** The transitions seen with a flaw set, both twins of every case. */
  const seenWith = (flaws: readonly string[]): Set<string> => {
    const set = new Set(flaws);
    const keys = new Set<string>();
    for (const { world, twin, steps } of pairs) for (const m of [...run(world, steps, set), ...run(twin, steps, set)]) keys.add(keyOf(m));
    return keys;
  };
  const plain = variantFlaws.length === 0 ? undefined : seenWith([]);
  const alone = variantFlaws.length < 2 ? [] : variantFlaws.map((flaw) => ({ flaw, keys: seenWith([flaw]) }));
  /** Seen with every flaw of the variant but this one (computed only when some transition needs it). */
  const allBut = new Map<string, Set<string>>();
  const seenWithout = (flaw: string): Set<string> => {
    let keys = allBut.get(flaw);
    if (!keys) {
      keys = seenWith(variantFlaws.filter((f) => f !== flaw));
      allBut.set(flaw, keys);
    }
    return keys;
  };

  const edges = new Map<string, FlowTransition>();
  const states: string[] = [observedStart];
  const noteState = (s: string) => {
    if (!states.includes(s)) states.push(s);
  };
  const on = new Set(variantFlaws);
  for (const { world, twin, steps } of pairs) {
    const a = run(world, steps, on);
    const b = run(twin, steps, on);
    a.forEach((move, i) => {
      const other = b[i];
      const parted = other !== undefined && other.from === move.from && (other.to !== move.to || other.outcome !== move.outcome);
      for (const m of other === undefined ? [move] : [move, other]) {
        noteState(m.from);
        noteState(m.to);
        const key = keyOf(m);
        const edge = edges.get(key) ?? { from: m.from, to: m.to, action: m.action, actors: [], outcome: m.outcome, secret: false, flaws: [], seen: 0 };
        if (!edge.actors.includes(m.actor)) edge.actors.push(m.actor);
        edge.secret ||= parted;
        edge.seen = (edge.seen ?? 0) + 1;
        edges.set(key, edge);
      }
    });
  }
  const flawsOf = (key: string): string[] => {
    if (plain === undefined || plain.has(key)) return [];
    if (variantFlaws.length === 1) return variantFlaws;
    const named = alone.filter((a) => a.keys.has(key)).map((a) => a.flaw);
    if (named.length > 0) return named;
    // Only a combination shows it: the flaws it cannot do without.
    const needed = variantFlaws.filter((flaw) => !seenWithout(flaw).has(key));
    return needed.length > 0 ? needed : variantFlaws;
  };
  const transitions = [...edges.entries()].map(([key, edge]) => ({ ...edge, actors: [...edge.actors].sort(), flaws: flawsOf(key) }));
  transitions.sort((x, y) => states.indexOf(x.from) - states.indexOf(y.from) || states.indexOf(x.to) - states.indexOf(y.to) || x.action.localeCompare(y.action));
  return {
    model: model.name,
    title: `${model.name}: observed, not declared (variant ${options.variant})`,
    source: 'observed',
    variant: options.variant,
    flaws: variantFlaws,
    start: observedStart,
    states,
    transitions,
    note: `observed, not declared: ${cases} generated twin cases (seed ${seed}) run through the simulator, a path no case took is missing`,
  };
}

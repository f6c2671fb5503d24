import type { JsonObject } from '../model/json.js';
import type { Simulation, Step, StepResult } from '../model/model.js';
import { evaluate, parseExpression } from './expression.js';
import { stepScope, type SpecContext } from './spec-context.js';
import { victimOf } from './spec-policy.js';
import type { SpecWorld } from './spec-world.js';
import { renderValue } from './template.js';

/** An action's declared `effects` on the world (appends to world lists), when their condition holds. */
function applyEffects(context: SpecContext, step: Step, world: SpecWorld): void {
  const action = context.spec.actions[step.action];
  for (const effect of action?.effects ?? []) {
    const scope = stepScope(context, step, world, victimOf(context, step, world));
    if (!context.holds(effect.if, scope)) continue;
    const list = world[effect.append];
    const value = renderValue(effect.value, { scope });
    if (Array.isArray(list)) list.push(value);
    else world[effect.append] = [value];
  }
}

/**
 * The reference semantics of a spec. With `screens`, each actor has a current screen and session
 * variables; a step takes the first transition whose action, from-screen, condition and flaw fit,
 * and the observation is the screen reached (plus what it `shows`). No transition fits: the step
 * is refused and the actor stays where it is. A step whose action `ends` sessions reports them
 * ended (each actor has one session per case, from its first step). Without `screens` the
 * simulator only keeps the world (live mode judges policies on it).
 */
export function specSimulator(context: SpecContext) {
  return (initial: SpecWorld, flaws: ReadonlySet<string>): Simulation<SpecWorld> => {
    const world = initial;
    const screens = context.spec.screens;
    const at = new Map<string, string>();
    const sessions = new Map<string, JsonObject>();
    const victims = new Map<string, number>();
    let sessionCounter = 0;
    const sessionIds = new Map<string, string>();
    return {
      world: () => world,
      step(step: Step): StepResult {
        applyEffects(context, step, world);
        if (!screens) return { observation: {}, outcome: 'ok' };
        const action = context.spec.actions[step.action];
        let victim = victimOf(context, step, world);
        if (action?.target === 'patient' && victim) victims.set(step.actor, world.patients.indexOf(victim));
        else if (victims.has(step.actor)) victim = world.patients[victims.get(step.actor) ?? 0];
        const current = at.get(step.actor) ?? screens.start;
        const session = sessions.get(step.actor) ?? {};
        const scope = { ...stepScope(context, step, world, victim), session, screen: current };
        const transition = screens.transitions.find((t) => {
          if (t.action !== step.action) return false;
          if (t.from !== undefined && !(Array.isArray(t.from) ? t.from : [t.from]).includes(current)) return false;
          if (t.flaw !== undefined && !flaws.has(t.flaw)) return false;
          return context.holds(t.if, scope);
        });
        if (!sessionIds.has(step.actor)) sessionIds.set(step.actor, `${step.actor}-${++sessionCounter}`);
        const sessionId = sessionIds.get(step.actor) ?? step.actor;
        // Sessions the action ends, whatever the screens say (as the live binding reports them):
        // `session-dies` then judges what their holders' later steps were allowed to do.
        const ended = (action?.ends ?? []).flatMap((end) => {
          const id = sessionIds.get(end.actor === 'self' ? step.actor : end.actor);
          return id === undefined ? [] : [{ session: id, reason: end.reason }];
        });
        if (!transition) return { observation: { screen: current, refused: true }, outcome: 'refused', session: sessionId, ...(ended.length > 0 ? { endedSessions: ended } : {}) };
        at.set(step.actor, transition.to);
        sessions.set(step.actor, { ...session, ...(transition.set ?? {}) });
        const observation: JsonObject = { screen: transition.to };
        for (const [name, path] of Object.entries(transition.shows ?? {})) {
          observation[name] = (evaluate(parseExpression(path), scope) ?? null) as JsonObject[string];
        }
        const result: StepResult = { observation, outcome: transition.outcome, session: sessionId };
        if (ended.length > 0) result.endedSessions = ended;
        if (transition.flaw !== undefined) result.flaws = [transition.flaw];
        if (transition.outcome === 'ok' && action?.change) {
          const owner = action.change.owner === 'victim' ? victim?.id : undefined;
          result.changes = [{ object: action.change.object, description: action.change.description, ...(owner ? { owner } : {}) }];
        }
        return result;
      },
    };
  };
}

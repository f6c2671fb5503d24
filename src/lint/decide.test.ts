import { describe, expect, it } from 'vitest';
import { parseExpression } from '../flow-spec/expression.js';
import { decide } from './decide.js';

const visitor = { actor: { name: 'visitor', roles: [] } };
const fields = { actor: ['name', 'roles'] };
const of = (text: string) => decide(parseExpression(text), visitor, fields);

describe('decide: a condition with only the actor known', () => {
  it('is false or true when the actor settles it, whatever the rest', () => {
    expect(of("actor.name == 'patient' and victim.doses >= 1")).toBe(false);
    expect(of("actor.name == 'visitor' or victim.doses >= 1")).toBe(true);
    expect(of("not (actor.name in ['patient', 'gp'])")).toBe(true);
    expect(of("actor.roles contains 'admin'")).toBe(false);
  });

  it('is unknown when the world, the victim or an unknown actor field decides', () => {
    expect(of("actor.name == 'visitor' and victim.doses >= 1")).toBe('unknown');
    expect(of('session.verified')).toBe('unknown');
    expect(of("actor.password == 'x'")).toBe('unknown');
  });
});

import { describe, expect, it } from 'vitest';
import { cloneWorld } from './clone-world.js';

describe('cloneWorld', () => {
  it('copies plain data all the way down, so changing the copy leaves the original alone', () => {
    const world = { patients: [{ id: 'p1', doses: [{ on: '2021-01-04' }], phone: null, note: undefined }], open: true, n: 3 };
    const copy = cloneWorld(world);
    expect(copy).toEqual(world);
    expect(Object.keys(copy.patients[0] ?? {})).toEqual(['id', 'doses', 'phone', 'note']);
    copy.patients[0]?.doses.push({ on: '2021-02-01' });
    copy.open = false;
    expect(world.patients[0]?.doses).toHaveLength(1);
    expect(world.open).toBe(true);
  });

  it('keeps shared parts shared and cycles cycles, as structuredClone does', () => {
    const head = { id: 'p1' };
    const world: { patients: object[]; household: { head: object }; self?: unknown } = { patients: [head], household: { head } };
    world.self = world;
    const copy = cloneWorld(world);
    expect(copy.household.head).toBe(copy.patients[0]);
    expect(copy.household.head).not.toBe(head);
    expect(copy.self).toBe(copy);
  });

  it('hands what is not plain data to structuredClone', () => {
    const world = { at: new Date('2021-01-04T00:00:00Z'), seen: new Set(['a']) };
    const copy = cloneWorld(world);
    expect(copy.at).toBeInstanceOf(Date);
    expect(copy.at).not.toBe(world.at);
    expect(copy.at.getTime()).toBe(world.at.getTime());
    expect([...copy.seen]).toEqual(['a']);
  });
});

import { createHash } from 'node:crypto';

/** A 32-bit fast-check seed derived from the run seed and a label, the same on every machine. */
export function deriveSeed(seed: number, label: string): number {
  return createHash('sha256').update(`${seed}:${label}`).digest().readInt32LE(0);
}

/** A fresh run seed when the user gave none. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}

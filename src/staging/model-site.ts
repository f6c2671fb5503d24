import type { Router } from './router.js';

/** One model's part of the staging site: its routes, its state, and how the seeding endpoint reaches it. */
export interface ModelSite {
  /** The model name, which is also the path prefix (`/<name>/…`). */
  readonly name: string;
  readonly title: string;
  register(router: Router): void;
  /** Replaces the world (after a shallow shape check) and clears sessions; returns a problem, or undefined when seeded. */
  seed(world: unknown): string | undefined;
  /** The server state as JSON: `{ world, audit, sessions, credentials, … }`. */
  state(): Record<string, unknown>;
  /** Moves the model's clock on (models whose world has a clock); returns false when the model has none. */
  advanceClock(minutes: number): boolean;
}

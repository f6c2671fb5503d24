/** How one kind of request went over a run: sent, done, refused, failed, and the last problem. */
export interface RequestOutcome {
  /** What was sent, in words: `set-up of each patient: POST /signup`, `log-in of patient`, `extractor "csrf" of step "open"`. */
  what: string;
  phase: 'setup' | 'login' | 'extract' | 'cleanup';
  /** Where it is written (spec `file:line:column field.path`), when known. */
  where?: string;
  sent: number;
  /** Done as it should be (a success status, its okIf; an extractor that matched). */
  ok: number;
  /** Answered, but not as success (a refusal status, refusedIf; an extractor that missed). */
  refused: number;
  /** No usable answer: a timeout, a connection error, a spent budget. */
  failed: number;
  /** The last problem, in words: `answered 409 at /signup`, `timed out after 10000 ms`, `the page was /login (200)`. */
  last?: string;
}

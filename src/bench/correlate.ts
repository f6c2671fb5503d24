/**
 * Correlation for replaying a recorded run, as load-testing tools do it: values a site makes
 * up per run (session ids, CSRF tokens, one-time codes) differ between the recording and the
 * replay, so each answer of the replay is lined up with the recorded answer, and every value
 * that differs at the same place is swapped in the requests that follow.
 */

/** Token-like values (16+ URL-safe characters) and six-digit codes. */
const volatile = /[A-Za-z0-9_-]{16,}|(?<![0-9])[0-9]{6}(?![0-9])/g;

export function volatileValues(text: string): string[] {
  return text.match(volatile) ?? [];
}

/**
 * Learn from one answer: the i-th volatile value of the recorded answer stands for the i-th
 * value of the replayed one. Answers whose counts differ are not lined up (nothing learned).
 */
export function correlate(recorded: string, replayed: string, into: Map<string, string>): void {
  const a = volatileValues(recorded);
  const b = volatileValues(replayed);
  if (a.length !== b.length) return;
  for (const [i, value] of a.entries()) {
    const now = b[i];
    if (now !== undefined && now !== value) into.set(value, now);
  }
}

/** The text with every recorded value that has a replayed counterpart swapped for it. */
export function translate(text: string, map: ReadonlyMap<string, string>): string {
  if (map.size === 0) return text;
  return text.replace(volatile, (value) => map.get(value) ?? value);
}

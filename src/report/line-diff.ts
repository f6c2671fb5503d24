/** One line of a two-sided diff: in both, only in A (removed) or only in B (added). */
export interface DiffLine {
  kind: 'same' | 'a' | 'b';
  text: string;
}

/** Beyond this many lines a side, the diff is line by line at the same position (no search). */
const MAX_LINES = 2000;

/**
 * The lines of `a` and `b` as one diff, by their longest common subsequence: lines in both are
 * `same`, the others `a` (only in world A) or `b` (only in world B), each removal before the
 * addition that replaces it.
 *
 * @example
 * lineDiff(['{', '  "status": "vaccinated"', '}'], ['{', '  "status": "unvaccinated"', '}'])
 * // → same '{', a '  "status": "vaccinated"', b '  "status": "unvaccinated"', same '}'
 */
export function lineDiff(a: readonly string[], b: readonly string[]): DiffLine[] {
  if (a.length > MAX_LINES || b.length > MAX_LINES) return positional(a, b);
  const n = a.length;
  const m = b.length;
  // lengths[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lengths[i] as Uint32Array;
    const next = lengths[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) row[j] = a[i] === b[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i] as string });
      i++;
      j++;
    } else if ((lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0)) {
      out.push({ kind: 'a', text: a[i++] as string });
    } else {
      out.push({ kind: 'b', text: b[j++] as string });
    }
  }
  while (i < n) out.push({ kind: 'a', text: a[i++] as string });
  while (j < m) out.push({ kind: 'b', text: b[j++] as string });
  return out;
}

function positional(a: readonly string[], b: readonly string[]): DiffLine[] {
  const out: DiffLine[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x !== undefined && x === y) out.push({ kind: 'same', text: x });
    else {
      if (x !== undefined) out.push({ kind: 'a', text: x });
      if (y !== undefined) out.push({ kind: 'b', text: y });
    }
  }
  return out;
}

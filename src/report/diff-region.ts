/** A run of rows of a side-by-side diff: shown (a difference and its context) or folded (equal rows far from any). */
export interface DiffSegment {
  kind: 'shown' | 'folded';
  /** Indexes of the rows, in order. */
  rows: number[];
}

/**
 * The region of a diff worth reading first: every differing row with `context` rows before and
 * after it shown, the equal rows in between and around folded, unless fewer than `minFold` of
 * them (folding two rows hides more than it saves). No difference: all folded.
 *
 * @example
 * diffRegion([false, false, false, false, false, true, false], 1)
 * // → [{ kind: 'folded', rows: [0, 1, 2, 3] }, { kind: 'shown', rows: [4, 5, 6] }]
 */
export function diffRegion(differs: readonly boolean[], context = 3, minFold = 3): DiffSegment[] {
  const shown = differs.map(() => false);
  differs.forEach((d, i) => {
    if (!d) return;
    for (let j = Math.max(0, i - context); j <= Math.min(differs.length - 1, i + context); j++) shown[j] = true;
  });
  if (shown.includes(true)) {
    // Short runs of equal rows are shown rather than folded.
    let i = 0;
    while (i < shown.length) {
      if (shown[i]) {
        i++;
        continue;
      }
      let j = i;
      while (j < shown.length && !shown[j]) j++;
      if (j - i < minFold) for (let k = i; k < j; k++) shown[k] = true;
      i = j;
    }
  }
  const segments: DiffSegment[] = [];
  shown.forEach((s, i) => {
    const kind = s ? 'shown' : 'folded';
    const last = segments.at(-1);
    if (last && last.kind === kind) last.rows.push(i);
    else segments.push({ kind, rows: [i] });
  });
  return segments;
}

/**
 * Pure statistics for the `timing` oracle: percentile cropping, Welch's t-test, and the
 * difference of two medians with a distribution-free confidence interval. No I/O, no
 * randomness: the same samples always give the same numbers.
 */

/**
 * Default |t| above which two timing classes are said to differ (`leak`).
 *
 * Why 4.5 (as dudect's "definitely"): under the null hypothesis Welch's t is close to a standard
 * normal for the sample sizes used here (≥ 20 per class after cropping), and
 * P(|Z| > 4.5) = 6.8 × 10⁻⁶ per look. The sampler looks at most `maxLooks` times (checkpoints that
 * double the sample size), so by a union bound the false-positive rate of one whole adaptive test
 * is at most `looks × 6.8 × 10⁻⁶` — below 10⁻⁴ for the default caps. Over 100 null repetitions the
 * expected number of false `leak` verdicts is then below 0.01. The bound assumes independent
 * samples; interleaving the classes in random order protects it from drift (warm-up, GC, other
 * load), and the null test (two classes from the same world) catches a machine where it fails.
 */
export const defaultTimingThreshold = 4.5;

/** Two-sided tail of the standard normal: P(|Z| > z). */
export function normalTwoSidedTail(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** The false-positive bound a threshold promises for a test that looks `looks` times (union bound). */
export function falsePositiveBound(threshold: number, looks: number): number {
  return Math.min(1, looks * normalTwoSidedTail(threshold));
}

/** Complementary error function (Numerical Recipes' erfcc, relative error < 1.2 × 10⁻⁷). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample variance (n − 1 in the denominator). */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) * (x - m), 0) / (xs.length - 1);
}

/** The p-quantile (0 ≤ p ≤ 1) by linear interpolation between order statistics (type 7, as R's default). */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return (sorted[lo] ?? 0) + (h - lo) * ((sorted[hi] ?? 0) - (sorted[lo] ?? 0));
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/**
 * Crop outliers the way dudect does: drop every sample above the `p`-quantile of the two classes
 * pooled. One cut for both classes, so cropping cannot by itself create a difference between them;
 * response times are skewed to the right (a GC pause, a scheduler hiccup), so only the upper tail
 * is cut.
 */
export function crop(a: readonly number[], b: readonly number[], p = 0.95): { a: number[]; b: number[]; cut: number } {
  const cut = quantile([...a, ...b], p);
  return { a: a.filter((x) => x <= cut), b: b.filter((x) => x <= cut), cut };
}

export interface WelchResult {
  /** Welch's t: (mean b − mean a) / sqrt(var a / n a + var b / n b). 0 when both variances are 0 and means equal. */
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  meanA: number;
  meanB: number;
}

/** Welch's unequal-variances t statistic and its degrees of freedom. Needs at least 2 samples per class. */
export function welch(a: readonly number[], b: readonly number[]): WelchResult {
  const meanA = mean(a);
  const meanB = mean(b);
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const se2 = va + vb;
  if (!(se2 > 0)) return { t: meanA === meanB ? 0 : Math.sign(meanB - meanA) * Number.POSITIVE_INFINITY, df: a.length + b.length - 2, meanA, meanB };
  const t = (meanB - meanA) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  return { t, df, meanA, meanB };
}

/**
 * Standard error of a sample median, distribution-free (McKean–Schrader / Bonett–Price): the
 * order statistics at ranks n/2 ∓ z√n/2 bracket the median with ≈ 95% confidence, so their
 * distance divided by 2z estimates its standard error — without assuming a shape and without
 * a bootstrap.
 */
export function medianStandardError(xs: readonly number[], z = 1.96): number {
  const n = xs.length;
  if (n < 3) return Number.NaN;
  const sorted = [...xs].sort((x, y) => x - y);
  const half = (z * Math.sqrt(n)) / 2;
  const lo = Math.max(0, Math.min(n - 1, Math.round(n / 2 - half) - 1));
  const hi = Math.max(0, Math.min(n - 1, Math.round(n / 2 + half) - 1));
  return ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) / (2 * z);
}

export interface MedianDifference {
  /** median(b) − median(a), in the samples' unit. */
  difference: number;
  /** 95% confidence interval of the difference: difference ± 1.96 · sqrt(se a² + se b²). */
  low: number;
  high: number;
}

/** Difference of medians (b − a) with a 95% normal-approximation interval from the two medians' standard errors (Bonett & Price 2002). */
export function medianDifference(a: readonly number[], b: readonly number[], z = 1.96): MedianDifference {
  const difference = median(b) - median(a);
  const se = Math.sqrt(medianStandardError(a) ** 2 + medianStandardError(b) ** 2);
  return { difference, low: difference - z * se, high: difference + z * se };
}

/** Default upper quantile kept when cropping (pooled): the slowest 5% of samples are dropped. */
export const defaultCropQuantile = 0.95;
/** Default smallest difference of medians worth reporting (ms): below it, evidence is "clearly absent". */
export const defaultMinEffectMs = 0.2;

export interface Comparison {
  /** Samples per class after cropping. */
  n: { a: number; b: number };
  t: number;
  df: number;
  /** Difference of medians b − a (ms) with its 95% CI, after cropping. */
  effect: MedianDifference;
  /**
   * `differ`: |t| > threshold. `same`: the effect's CI lies inside ±minEffect (evidence clearly
   * absent). `undecided`: neither yet (more samples may decide).
   */
  decision: 'differ' | 'same' | 'undecided';
}

/** Crop both classes at one pooled quantile, then Welch's t and the difference of medians. */
export function compareTimes(a: readonly number[], b: readonly number[], options: { threshold: number; cropQuantile: number; minEffectMs: number }): Comparison {
  const cropped = crop(a, b, options.cropQuantile);
  const n = { a: cropped.a.length, b: cropped.b.length };
  if (n.a < 3 || n.b < 3) {
    return { n, t: 0, df: 0, effect: { difference: Number.NaN, low: Number.NaN, high: Number.NaN }, decision: 'undecided' };
  }
  const { t, df } = welch(cropped.a, cropped.b);
  const effect = medianDifference(cropped.a, cropped.b);
  const decision = Math.abs(t) > options.threshold ? 'differ' : effect.low > -options.minEffectMs && effect.high < options.minEffectMs ? 'same' : 'undecided';
  return { n, t, df, effect, decision };
}

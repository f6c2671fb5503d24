/**
 * Which page of the site stands for which screen of the spec, learned from the steps both sides
 * did (`ok` on both): each screen's page is the one the site showed most often for it; a screen
 * the site showed as other pages too, or a page the site showed for two screens, is where the
 * site parts from the spec.
 */
export interface ScreenPages {
  /** screen → page → steps that showed it. */
  counts: Record<string, Record<string, number>>;
  /** The page the site shows most often for `screen`. */
  pageOf(screen: string): string | undefined;
  /** The screen `page` stands for: the one it was shown for most often. */
  screenOf(page: string): string | undefined;
}

/** Learn screen ↔ page from (screen, page) pairs of steps both sides did. */
export function screenPages(pairs: Iterable<{ screen: string; page: string }>): ScreenPages {
  const counts: Record<string, Record<string, number>> = {};
  for (const { screen, page } of pairs) {
    const pages = (counts[screen] ??= {});
    pages[page] = (pages[page] ?? 0) + 1;
  }
  const most = (entries: [string, number][]): string | undefined => entries.reduce<[string, number] | undefined>((best, e) => (best === undefined || e[1] > best[1] ? e : best), undefined)?.[0];
  const pageOf = new Map(Object.entries(counts).map(([screen, pages]) => [screen, most(Object.entries(pages))]));
  const byPage = new Map<string, [string, number][]>();
  for (const [screen, pages] of Object.entries(counts)) for (const [page, n] of Object.entries(pages)) byPage.set(page, [...(byPage.get(page) ?? []), [screen, n]]);
  const screenOf = new Map([...byPage].map(([page, screens]) => [page, most(screens)]));
  return { counts, pageOf: (screen) => pageOf.get(screen), screenOf: (page) => screenOf.get(page) };
}

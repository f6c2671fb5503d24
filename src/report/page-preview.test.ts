import { describe, expect, it } from 'vitest';
import { observedPages, pagePreview, pageSkeleton } from './page-preview.js';

const page = (status: string, extra: string[] = []) => ({
  type: 'html',
  title: 'Screening',
  structure: ['html', '  body', `    input[type=hidden][name=status][value=${status}]`, '    img[src=/x.png][alt=<b>]'],
  text: [...extra, `Status: ${status}`, 'Continue'],
});

describe('pagePreview', () => {
  it('rebuilds the page a visitor reads, marks what the other page lacks, and lists hidden fields', () => {
    const a = pageSkeleton(page('vaccinated'));
    const b = pageSkeleton(page('unvaccinated'));
    if (!a || !b) throw new Error('not pages');
    const html = pagePreview(a, b);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).toContain('<p class="title">Screening</p>');
    expect(html).toContain('<p><mark>Status: vaccinated</mark></p><p>Continue</p>');
    expect(html).toContain('<p class="field"><mark>input[type=hidden][name=status][value=vaccinated]</mark></p>');
    // Nothing of the page becomes markup that loads or runs: only its hidden fields are listed, as text.
    expect(html).not.toContain('<img');
    expect(html).not.toContain('x.png');
  });

  it('folds long runs of equal text away from the difference', () => {
    const extra = Array.from({ length: 20 }, (_, i) => `Paragraph ${i}`);
    const a = pageSkeleton(page('vaccinated', extra));
    const b = pageSkeleton(page('unvaccinated', extra));
    if (!a || !b) throw new Error('not pages');
    const html = pagePreview(a, b);
    expect(html).toContain('<details><summary>18 equal text blocks</summary><p>Paragraph 0</p>');
    expect(html).toContain('</details><p>Paragraph 18</p><p>Paragraph 19</p><p><mark>Status: vaccinated</mark></p>');
  });

  it('escapes the page text and finds the pages of an observation', () => {
    const hostile = pageSkeleton({ type: 'html', title: '<script>x</script>', structure: [], text: ['a & <b>'] });
    if (!hostile) throw new Error('not a page');
    const html = pagePreview(hostile, undefined);
    expect(html).toContain('<p class="title">&lt;script&gt;x&lt;/script&gt;</p><p>a &amp; &lt;b&gt;</p>');
    expect(pageSkeleton({ type: 'json', value: {} })).toBeUndefined();
    const pages = observedPages({ responses: [{ body: page('x') }, { body: { type: 'json', value: 1 } }] });
    expect(pages.map((p) => p?.title)).toEqual(['Screening', undefined]);
  });
});

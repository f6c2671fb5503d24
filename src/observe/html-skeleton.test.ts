import { describe, expect, it } from 'vitest';
import { htmlSkeleton } from './html-skeleton.js';
import { maskedPageSkeleton } from './skeleton-memo.js';
import { maskVolatile } from './volatile-masks.js';

const structure = (html: string): string[] => htmlSkeleton(html, maskVolatile)['structure'] as string[];

describe('htmlSkeleton', () => {
  it('keeps hidden inputs with their values: a hidden status shows, random tokens read ‹token›, secret-named fields ‹token›', () => {
    const lines = structure(`<form action="/book?step=2&amp;who=me" method="post">
      <input type="hidden" name="status" value="vaccinated">
      <input type="hidden" name="ref" value="3f9a7c2e41b84d0f9a1c">
      <input type="hidden" name="_csrf" value="short">
      <input type="password" name="pw" value="hunter2">
      <button name="go" value="second-dose" formaction="/book/77?dose=2">Go</button></form>`);
    expect(lines.map((l) => l.trim())).toEqual(
      expect.arrayContaining([
        'form[action=/book?step={n}&who=me][method=post]',
        'input[type=hidden][name=status][value=vaccinated]',
        'input[type=hidden][name=ref][value=‹token›]',
        'input[type=hidden][name=_csrf][value=‹token›]',
        'input[type=password][name=pw]',
        'button[name=go][value=second-dose][formaction=/book/{n}?dose={n}]',
      ]),
    );
    const other = structure('<form><input type="hidden" name="status" value="unvaccinated"></form>');
    expect(other.map((l) => l.trim())).toContain('input[type=hidden][name=status][value=unvaccinated]');
  });

  it('keeps class, id, data-*, aria-*, disabled, style and image sources with query values', () => {
    const lines = structure(`<div id="summary" class="panel panel--amber" data-dose-count="1" aria-hidden="true" aria-describedby="hint" style="display:none">
      <img src="/badges/status.png?v=vaccinated" alt="Status"><button disabled>Book</button>
      <select name="slot"><option value="s1" selected>9am</option></select><textarea name="notes">Allergic</textarea></div>`);
    const trimmed = lines.map((l) => l.trim());
    expect(trimmed).toContain('div#summary.panel.panel--amber[style=display:none][data-dose-count=1][aria-hidden=true][aria-describedby=hint]');
    expect(trimmed).toContain('img[src=/badges/status.png?v=vaccinated][alt=Status]');
    expect(trimmed).toContain('button[disabled]');
    expect(trimmed).toContain('option[value=s1][selected]');
    expect(trimmed).toContain('textarea[name=notes]');
    expect(htmlSkeleton('<textarea name="notes">Allergic</textarea>', maskVolatile)['text']).toEqual(['Allergic']);
  });

  it('a remembered skeleton serves a step with typed values exactly as a new parse would (hidden values included)', () => {
    const page = '<form><input type="hidden" name="surname" value="Ngata-Vasvas"><p>Hello</p></form>';
    const plain = maskedPageSkeleton(page, undefined);
    expect((plain['structure'] as string[]).map((l) => l.trim())).toContain('input[type=hidden][name=surname][value=Ngata-Vasvas]');
    const mask = (t: string): string => t.split('Ngata-Vasvas').join('‹familyName›');
    const typed = maskedPageSkeleton(page, { values: { familyName: 'Ngata-Vasvas' }, mask });
    expect((typed['structure'] as string[]).map((l) => l.trim())).toContain('input[type=hidden][name=surname][value=‹familyName›]');
    expect(maskedPageSkeleton(page, undefined)).toBe(plain);
  });
});

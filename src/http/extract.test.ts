import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputValue, inputValueReadingWholePage, pageForms, pageLinks } from './extract.js';

const page = `<!doctype html><html><body>
<form action="/identity" method="post"><input type="hidden" name="_csrf" value="tok123">
<input name="nhsNumber" value=""><input type="checkbox" name="remember" value="1">
<input type="checkbox" name="agree" value="yes" checked><select name="slot"><option value="a">A</option><option value="b" selected>B</option></select>
<textarea name="reason">why</textarea><button type="submit">Continue</button></form>
<a href="/bookings/BK1001">BK1001</a><a href="/sign-out">Sign out</a>
</body></html>`;

describe('extract', () => {
  it('reads forms as a browser would submit them', () => {
    expect(pageForms(page)).toEqual([
      { action: '/identity', method: 'post', fields: { _csrf: 'tok123', nhsNumber: '', agree: 'yes', slot: 'b', reason: 'why' } },
    ]);
  });
  it('finds a CSRF token and links', () => {
    expect(inputValue(page, '_csrf')).toBe('tok123');
    expect(inputValue(page, 'missing')).toBeUndefined();
    expect(pageLinks(page)).toEqual(['/bookings/BK1001', '/sign-out']);
  });
  it('copes with broken HTML', () => {
    expect(inputValue('<form><table><input name=_csrf value=x><p>unclosed <b>tags', '_csrf')).toBe('x');
  });
});

describe('extract reads a page the way a browser does', () => {
  it('skips inputs inside comments and scripts, and reads textarea content as text', () => {
    const tricky = `<!-- <input name="_csrf" value="commented"> -->
<script>document.write('<input name="_csrf" value="scripted">')</script>
<form action="/a" method="POST"><textarea name="note">
<b>not a tag</b> &amp; more</textarea><input type="hidden" name="_csrf" value="real&amp;one"></form>`;
    expect(inputValue(tricky, '_csrf')).toBe('real&one');
    expect(pageForms(tricky)).toEqual([{ action: '/a', method: 'post', fields: { note: '<b>not a tag</b> & more', _csrf: 'real&one' } }]);
  });

  it('ignores a form opened inside another, keeps the first of two same-named attributes', () => {
    const nested = '<form action="/outer"><input name="a" value="1" value="2"><form action="/inner"><input name="b" value="3"></form><input name="c" value="4">';
    expect(pageForms(nested)).toEqual([{ action: '/outer', method: 'get', fields: { a: '1', b: '3' } }]);
    // After the first </form> no form is open: "c" is an input of no form, still found by name.
    expect(inputValue(nested, 'c')).toBe('4');
  });

  it('gives fields to the form they sit in even when a table breaks the tree, and leaves buttons out', () => {
    const table = '<table><form action="/t" method="post"><tr><td><input name="x" value="1"><input type="submit" name="go" value="Go"><select name="s"><optgroup><option value="p">P<option value="q" selected>Q</select></table>';
    expect(pageForms(table)).toEqual([{ action: '/t', method: 'post', fields: { x: '1', s: 'q' } }]);
  });

  it('keeps a field named __proto__ as a field', () => {
    const [form] = pageForms('<form><input name="__proto__" value="v"></form>');
    expect(Object.keys(form?.fields ?? {})).toEqual(['__proto__']);
    expect(inputValue('<form><input name="__proto__" value="v"></form>', '__proto__')).toBe('v');
  });

  it('reads a page only up to the end of the first form with the field, and always agrees with a pass over the whole page', () => {
    // Pages made of the markup that decides a field's value: forms opened, closed, nested and
    // left open; the same name twice in one form; checkboxes, buttons, textareas and selects;
    // markup hidden in comments and scripts; a name written with an entity.
    const fragment = fc.constantFrom(
      '<form>',
      '</form>',
      '<form><form>',
      '<input name="_csrf" value="a">',
      '<input name="_csrf" value="b">',
      '<input type="checkbox" name="_csrf" value="c">',
      '<input type="checkbox" name="_csrf" value="d" checked>',
      '<input type="submit" name="_csrf" value="e">',
      '<input name="&#95;csrf" value="f">',
      '<textarea name="_csrf">\ng</textarea>',
      '<textarea name="_csrf"></form>h</textarea>',
      '<select name="_csrf"><option value="i"><option value="j" selected></select>',
      '<select name="_csrf"><option value="k">',
      '<!-- <form><input name="_csrf" value="l"></form> -->',
      '<script></form><input name="_csrf" value="m"></script>',
      '<input name="other" value="n">',
      '<div><p>text',
      '</div>',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 12 }), fc.constantFrom('_csrf', 'other', 'missing'), (parts, name) => {
        const html = parts.join('\n');
        expect(inputValue(html, name)).toBe(inputValueReadingWholePage(html, name));
      }),
      { seed: 13, numRuns: 3000 },
    );
    // A page whose later form repeats the field: the first form's value, read without the rest.
    expect(inputValue('<form><input name="_csrf" value="first"></form><form><input name="_csrf" value="second"></form>', '_csrf')).toBe('first');
    expect(inputValue('<form><input name="_csrf" value="one"><input name="_csrf" value="two"></form>', '_csrf')).toBe('two');
  });
});

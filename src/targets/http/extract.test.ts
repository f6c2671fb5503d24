import { describe, expect, it } from 'vitest';
import { inputValue, pageForms, pageLinks } from './extract.js';

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

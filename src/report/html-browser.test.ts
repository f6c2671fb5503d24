import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { oracles } from '../oracles/index.js';
import { longDifferenceField, longObservationDocument } from './evidence-documents.js';
import { renderHtml } from './html.js';
import { testDocuments } from './test-documents.js';

/*
 * The HTML report of a finding with a long live observation (a 44-line page differing near its
 * end, then a JSON answer), opened in a real headless chromium at 1280×800: the differing field
 * must be in view without scrolling, the equal fields folded, and the two pages shown in iframes
 * that may run nothing.
 */

/** The system chromium (BOOKFUZZ_CHROMIUM names another one). */
const chromium = process.env['BOOKFUZZ_CHROMIUM'] ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromium);
const skipReason = `skipped: ${chromium} is absent (apt-get install -y chromium; .ci/run installs it when run as root)`;
const viewport = { width: 1280, height: 800 };

if (!hasChromium) console.warn(`html-browser: the report test in chromium is ${skipReason}`);

describe.skipIf(!hasChromium)(hasChromium ? 'the HTML report in chromium' : `the HTML report in chromium (${skipReason})`, () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const timings: string[] = [];

  beforeAll(async () => {
    const started = performance.now();
    const { chromium: browserType } = await import('playwright-core');
    // The browser starts while the documents are computed (a model run of 300 cases).
    const launching = browserType.launch({ executablePath: chromium, args: ['--no-sandbox'] });
    const docs = await testDocuments();
    timings.push(`documents ${Math.round(performance.now() - started)} ms`);
    const html = renderHtml([longObservationDocument(docs.vulnerable)], oracles);
    browser = await launching;
    page = await browser.newPage({ viewport });
    page.on('request', (request) => requests.push(request.url()));
    await page.setContent(html, { waitUntil: 'load' });
    timings.push(`documents and browser ${Math.round(performance.now() - started)} ms`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    console.log(`html-browser: ${timings.join(', ')}`);
  });

  it('shows the differing field, its differing part marked, in the first viewport', async () => {
    const first = page.locator('tr.first');
    await expect(first.count()).resolves.toBe(1);
    await expect(first.locator('td').first().textContent()).resolves.toBe(`≠ ${longDifferenceField}`);
    expect(await page.evaluate('window.scrollY')).toBe(0);
    for (const element of [first, first.locator('mark').first(), first.locator('mark').last()]) {
      expect(await element.isVisible()).toBe(true);
      const box = await element.boundingBox();
      if (!box) throw new Error('no box');
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
    }
    await expect(first.locator('mark').last().textContent()).resolves.toBe('unv');
  });

  it('folds the equal fields, which open on a click', async () => {
    const folded = page.locator('table.region > tbody > tr.folded details');
    expect(await folded.count()).toBeGreaterThanOrEqual(2);
    const early = page.locator('table.region td', { hasText: /^responses\[0\]\.body\.structure\[20\]$/ });
    expect(await early.isVisible()).toBe(false);
    await folded.first().locator('summary').click();
    expect(await early.isVisible()).toBe(true);
  });

  it('shows the two pages side by side in iframes sandboxed without scripts', async () => {
    const frames = page.locator('.pages iframe');
    expect(await frames.count()).toBe(2);
    const boxes = [];
    for (let i = 0; i < 2; i++) {
      const frame = frames.nth(i);
      expect(await frame.getAttribute('sandbox')).toBe('');
      expect(await frame.getAttribute('allow')).toBeNull();
      boxes.push(await frame.boundingBox());
    }
    const [left, right] = boxes;
    if (!left || !right) throw new Error('no iframe box');
    expect(Math.abs(left.y - right.y)).toBeLessThan(1);
    expect(left.x + left.width).toBeLessThanOrEqual(right.x);
    const world = (i: number) => page.frameLocator('.pages iframe').nth(i);
    await expect(world(0).locator('mark', { hasText: 'Status on record: vaccinated' }).isVisible()).resolves.toBe(true);
    await expect(world(1).locator('mark', { hasText: 'Status on record: unvaccinated' }).isVisible()).resolves.toBe(true);
  });

  it('shows the JSON bodies as a highlighted diff', async () => {
    await expect(page.locator('pre.json-diff .del').allTextContents()).resolves.toEqual(['-       "status": "vaccinated",', '-       "doses": 2']);
    await expect(page.locator('pre.json-diff .ins').allTextContents()).resolves.toEqual(['+       "status": "unvaccinated",', '+       "doses": 0']);
  });

  it('fits each word of the runs table on one line, and fetched nothing', async () => {
    // Browser code as text: this project's types have no DOM.
    const broken = await page.evaluate(`(() => {
      const out = [];
      const walker = document.createTreeWalker(document.querySelector('table.runs'), NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        if (text.trim() === '' || text.trim() === ',') continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) out.push(text);
      }
      return out;
    })()`);
    expect(broken).toEqual([]);
    expect(requests.filter((url) => url !== 'about:blank')).toEqual([]);
  });
});

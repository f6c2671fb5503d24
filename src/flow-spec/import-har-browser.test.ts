import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fc from 'fast-check';
import type { Har } from 'har-format';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { identityArb } from '../identity/identity.js';
import { fuzz } from '../index.js';
import { startHarSite, type HarSiteMode, type HarSitePerson } from './fixtures/har-site.js';
import { importHar } from './import-har.js';

/*
 * The HAR importer on a recording made by a real browser (chromium driven by playwright-core) on
 * a site with conventions of its own: its own seeding endpoint and token header, people under
 * its own keys, a date of birth typed in three fields, a spaced NHS number, a postcode without
 * its space, a CSRF token per render. The skeleton must seed through that endpoint with
 * `{{seedToken}}`, template each value in the site's form, and after the one edit (the secret)
 * find the leak on the leaky site and nothing on the fixed one. The same assertions run on a
 * recording committed beside the site, so a machine without chromium still covers the importer.
 */

/** The system chromium (BOOKFUZZ_CHROMIUM names another one). */
const chromium = process.env['BOOKFUZZ_CHROMIUM'] ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromium);
const committedHar = fileURLToPath(new URL('./fixtures/har-site.har', import.meta.url));
const token = 'har-site-test-token';
const skipReason = `skipped: ${chromium} is absent (apt-get install -y chromium; .ci/run installs it when run as root)`;

/** Two people in the site's own shape, from bookfuzz's generators (test ranges only). */
function recordedPeople(): HarSitePerson[] {
  const [one, two] = fc.sample(identityArb(), { seed: 24, numRuns: 2 });
  if (!one || !two) throw new Error('no identities');
  const dmy = (iso: string) => iso.split('-').reverse().join('/');
  return [
    { nhs: one.nhsNumber, forename: one.givenName, surname: one.familyName, born: dmy(one.dateOfBirth), postcode: one.postcode, doses: 0, registered: true },
    { nhs: two.nhsNumber, forename: two.givenName, surname: two.familyName, born: dmy(two.dateOfBirth), postcode: two.postcode, doses: 2, registered: false },
  ];
}

/** Walk the journey in chromium, recording a HAR at `harPath`: seed through the page, then the form. */
async function recordJourney(harPath: string): Promise<void> {
  const { chromium: browserType } = await import('playwright-core');
  const site = await startHarSite({ mode: 'leaky', token });
  const browser = await browserType.launch({ executablePath: chromium, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ recordHar: { path: harPath, content: 'embed' } });
    const page = await context.newPage();
    await page.goto(`${site.url}/`);
    const people = recordedPeople();
    // The test's own seeding call, made from the page so that the recording has it.
    const status = await page.evaluate(
      async ({ people, token }) => (await fetch('/test-api/people', { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-token': token }, body: JSON.stringify({ reset: true, people }) })).status,
      { people, token },
    );
    expect(status).toBe(201);
    const person = people[0];
    if (!person) throw new Error('no person');
    const [day = '', month = '', year = ''] = person.born.split('/');
    await Promise.all([page.waitForURL('**/check'), page.click('#start')]);
    await page.fill('input[name=nhs_number]', person.nhs.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3'));
    await page.fill('input[name=dob-day]', day);
    await page.fill('input[name=dob-month]', month);
    await page.fill('input[name=dob-year]', year);
    await page.fill('input[name=postcode]', person.postcode.replace(/\s+/g, ''));
    await Promise.all([page.waitForURL('**/screening'), page.click('button[type=submit]')]);
    await context.close();
  } finally {
    await browser.close();
    await site.close();
  }
}

interface SeedRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  json: { reset: boolean; people: unknown };
  expect?: number[];
}
interface Skeleton {
  identities: { count: number; fields: Record<string, unknown> };
  secrets: Record<string, unknown>;
  setup: { seed: SeedRequest[] };
  actions: Record<string, { target?: string; requests: { method: string; path: string; form?: Record<string, string> }[] }>;
}

/** Fuzz the spec text against the fixture site in `mode` with the site's token as `--seed-token`. */
async function fuzzSite(yaml: string, mode: HarSiteMode, runs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bookfuzz-har-'));
  const file = join(dir, 'vaccination-record.yaml');
  writeFileSync(file, yaml);
  const site = await startHarSite({ mode, token });
  try {
    return await fuzz(file, { target: site.url, seedToken: token, runs, seed: 5, oracles: ['indistinguishable'] });
  } finally {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a user gets from the recording: the skeleton, then the one edit, then a finding (leaky) or none (fixed). */
async function expectImportWorks(har: Har): Promise<void> {
  const yaml = importHar(har, { name: 'vaccination-record' });
  const spec = parse(yaml) as Skeleton;

  // The site's own seeding call, kept where it was, the token left to --seed-token.
  expect(spec.setup.seed).toHaveLength(1);
  const seed = spec.setup.seed[0];
  expect(seed).toMatchObject({ method: 'POST', path: '/test-api/people', headers: { 'x-test-token': '{{seedToken}}' }, expect: [201] });
  expect(Object.keys(seed?.headers ?? {})).toEqual(['x-test-token']);
  expect(seed?.json).toEqual({
    reset: true,
    people: {
      $each: 'world.patients',
      as: 'p',
      do: {
        nhs: '{{p.nhsNumber}}',
        forename: '{{p.givenName}}',
        surname: '{{p.familyName}}',
        born: '{{p.dateOfBirth | day}}/{{p.dateOfBirth | month}}/{{p.dateOfBirth | year}}',
        postcode: '{{p.postcode}}',
        doses: '{{p.doses}}',
        registered: '{{p.registered}}',
      },
    },
  });
  expect(spec.identities).toMatchObject({ count: 2, fields: { doses: { oneOf: [0, 2] }, registered: { oneOf: [true, false] } } });
  expect(spec.secrets).toEqual({});
  expect(yaml).not.toContain(token);

  // The journey: one action, the form's values in the site's own forms, the victim's.
  expect(Object.keys(spec.actions)).toEqual(['send-check']);
  const action = spec.actions['send-check'];
  expect(action?.target).toBe('patient');
  expect(action?.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /', 'GET /check', 'POST /check']);
  expect(action?.requests[2]?.form).toEqual({
    csrf_token: '{{extract.csrf-token}}',
    nhs_number: '{{victim.nhsNumber | spaced}}',
    'dob-day': '{{victim.dateOfBirth | day}}',
    'dob-month': '{{victim.dateOfBirth | month}}',
    'dob-year': '{{victim.dateOfBirth | year}}',
    postcode: '{{victim.postcode | nospace}}',
  });

  // The one edit of the walk-through: say what is secret and from whom.
  const edited = yaml.replace('secrets: {}', 'secrets:\n  status: { field: doses, values: [0, 1, 2], hiddenFrom: [visitor] }');
  expect(edited).not.toBe(yaml);
  const leaky = await fuzzSite(edited, 'leaky', 40);
  expect(leaky.stats.steps).toBeGreaterThan(0);
  expect(leaky.findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/visitor can tell the worlds apart after "send-check"/));
  const fixed = await fuzzSite(edited, 'fixed', 40);
  expect(fixed.stats.steps).toBeGreaterThan(0);
  expect(fixed.findings).toEqual([]);
}

describe('importHar on a recording by a real browser, on a site with its own conventions', () => {
  if (!hasChromium) console.warn(`import-har-browser: the chromium recording test is ${skipReason}`);

  it.skipIf(!hasChromium)(hasChromium ? 'records the journey in chromium, imports it and fuzzes the site with --seed-token' : `records the journey in chromium (${skipReason})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bookfuzz-har-'));
    const harPath = join(dir, 'journey.har');
    try {
      await recordJourney(harPath);
      // BOOKFUZZ_RECORD_HAR=1 refreshes the committed recording from this one.
      if (process.env['BOOKFUZZ_RECORD_HAR'] === '1') copyFileSync(harPath, committedHar);
      await expectImportWorks(JSON.parse(readFileSync(harPath, 'utf8')) as Har);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('imports the committed chromium recording (src/flow-spec/fixtures/har-site.har) the same way', async () => {
    await expectImportWorks(JSON.parse(readFileSync(committedHar, 'utf8')) as Har);
  }, 120_000);
});

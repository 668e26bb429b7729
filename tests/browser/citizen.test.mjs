// Browser tests: Debian's Chromium driven by playwright-core against the real server with the
// example cooperations loaded (`samvirke serve --demo`). Run by ./scripts/test:
//   SAMVIRKE_BIN=target/debug/samvirke node --test tests/browser/
// Screenshots of every page type at 320 px and 1280 px go to SAMVIRKE_SCREENSHOTS (kept by the run).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SHOTS, chooseMunicipality, launchBrowser, startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
// axe is evaluated through the DevTools protocol: the site's Content-Security-Policy forbids the
// inline script a script tag would be, and the tests keep that policy in force.
const AXE_SOURCE = readFileSync(AXE, 'utf8');
let BASE = '';

let server;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ base: BASE, server } = await startServer(['--demo']));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

async function ask(page, municipality, service, on) {
  await page.goto(`${BASE}/`);
  await chooseMunicipality(page, 'municipality', municipality);
  await page.selectOption('#service', service);
  await page.fill('#on', on);
  await Promise.all([page.waitForURL(/\/who\?/), page.click('form[action="/who"] button[type=submit]')]);
  return page.locator('#answer-heading').textContent();
}

test('a citizen finds who handles rehabilitation for a Dragør resident before and after 2021-09-01', async () => {
  const page = await browser.newPage();
  assert.equal(await ask(page, 'DK-0155', 'genoptraening-sel86', '2021-08-31'), 'Tårnby handles it');
  assert.match(await page.locator('main').textContent(), /Complaints\s*Tårnby/);
  assert.equal(await ask(page, 'DK-0155', 'genoptraening-sel86', '2021-09-01'), 'Dragør handles it');
  await page.close();
});

test('a Dragør resident is told that Tårnby performs § 86 training but that they go to Dragør, and how to reach it', async () => {
  // Main agreement 2.3 (shared/seeds/002): Dragør residents may be served in Dragør although Tårnby
  // performs the task; the contact block of Dragør's page gives the channels.
  const context = await browser.newContext({ viewport: { width: 320, height: 900 }, locale: 'da-DK' });
  const page = await context.newPage();
  await page.goto(`${BASE}/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-08-31`);
  assert.equal(await page.locator('#answer-heading').textContent(), 'Tårnby behandler den');
  const where = page.locator('section.contact');
  assert.equal(await where.locator('#contact-heading').textContent(), 'Hvor henvender du dig');
  assert.match(await where.textContent(), /Henvend dig til Dragør, din egen kommune: det siger aftalen, selv om det er Tårnby, der udfører opgaven\./);
  assert.match(await where.textContent(), /Borgmestersekretariatet/);
  assert.equal(await where.locator('a[href^="tel:"]').getAttribute('href'), 'tel:32890100');
  assert.match(await where.textContent(), /Digital Post\s*Digital Post til Borgmestersekretariatet/);
  assert.match(await page.locator('dl.summary').textContent(), /Indsigt i dine personoplysninger\s*Tårnby/);
  // The clauses the answer rests on, 2.3 among them, in the agreement's words.
  const clauses = page.locator('section.clauses');
  assert.equal(await clauses.locator('h3').textContent(), 'Det siger aftalen');
  assert.match(await clauses.textContent(), /Punkt 2\.3 – Borgeren\s*Hensynet til borgeren betyder/);
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.help}`), []);
  await page.screenshot({ path: `${SHOTS}/answer-contact-320-da-DK.png`, fullPage: true });
  // After the take-back Dragør performs it itself: the same place, for another reason.
  await page.goto(`${BASE}/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-09-01`);
  assert.match(await page.locator('section.contact').textContent(), /Henvend dig til Dragør, din egen kommune: den udfører selv opgaven\./);
  await context.close();
});

test('the form works with the keyboard only', async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE}/`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  // The municipality by type-ahead: a few letters, the arrow key to the suggestion, Enter.
  await page.focus('#municipality');
  await page.keyboard.type('ishoj');
  await page.locator('#municipality__listbox li', { hasText: 'Ishøj' }).first().waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#municipality'), 'Ishøj');
  assert.equal(await page.inputValue('#municipality-select'), 'DK-0183');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'service');
  await page.selectOption('#service', 'beskaeftigelse');
  await page.focus('#on');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/who\?/);
  assert.equal(await page.locator('#answer-heading').textContent(), 'Vallensbæk handles it');
  await page.close();
});

test('the type-ahead finds names as people type them, tells Lund in Sweden from Lund in Norway, and speaks the page language', async () => {
  const context = await browser.newContext({ locale: 'sv-SE' });
  const page = await context.newPage();
  await page.goto(`${BASE}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  await page.fill('#municipality', 'lund');
  const names = await page.locator('#municipality__listbox li').allTextContents();
  assert.ok(names.includes('Lund (Sverige)') && names.includes('Lund (Norge)'), names.join(', '));
  assert.equal(names[0].startsWith('Lund'), true, 'names that begin with the letters come first');
  await page.screenshot({ path: `${SHOTS}/typeahead-sv-1280.png` });
  // Each country's own services: a Swedish municipality is not offered Danish service concepts.
  await page.locator('#municipality__listbox li', { hasText: 'Lund (Sverige)' }).click();
  assert.equal(await page.locator('#service optgroup[data-country=DK]').evaluate((g) => g.hidden && g.disabled), true);
  await chooseMunicipality(page, 'municipality', 'DK-0155');
  assert.equal(await page.locator('#service optgroup[data-country=DK]').evaluate((g) => g.hidden || g.disabled), false);
  await page.fill('#municipality', 'qqqq');
  assert.equal((await page.locator('#municipality__listbox li').first().textContent()).trim(), 'Inget namn passar');
  // A name typed but not chosen sends nothing; the server names the field, in Swedish.
  await page.selectOption('#service', { index: 1 });
  await Promise.all([page.waitForURL(/\/who\?/), page.click('form[action="/who"] button[type=submit]')]);
  assert.match(await page.locator('main').textContent(), /Välj var du bor\./);
  assert.equal(new URL(page.url()).searchParams.get('municipality'), '');
  await context.close();
});

test('without JavaScript the municipality is a plain select that still answers', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE}/`);
  assert.equal(await page.locator('select#municipality').count(), 1);
  await page.selectOption('#municipality', 'DK-0155');
  await page.selectOption('#service', 'genoptraening-sel86');
  await page.fill('#on', '2021-09-01');
  await Promise.all([page.waitForURL(/\/who\?/), page.click('form[action="/who"] button[type=submit]')]);
  assert.equal(await page.locator('#answer-heading').textContent(), 'Dragør handles it');
  await context.close();
});

test('the language switch changes the page and remembers the choice', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${BASE}/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-08-31`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await Promise.all([page.waitForURL(/\/who\?/), page.click('a[hreflang=da]')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'da');
  assert.equal(await page.locator('#answer-heading').textContent(), 'Tårnby behandler den');
  await page.goto(`${BASE}/matrix`);
  assert.equal(await page.locator('h1').textContent(), 'Hvem samarbejder med hvem');
  await context.close();
});

test('the security policy lets every page work, no redirect leaves the site and no other site frames a page', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) refused.push(m.text()); });
  for (const path of ['/', '/matrix', '/cooperations/dragoer-taarnby', '/municipalities/DK-0155', '/staff/login']) {
    await page.goto(`${BASE}${path}`);
  }
  // The type-ahead (the site's own script) still runs under the policy.
  await page.goto(`${BASE}/`);
  await page.fill('#municipality', 'drag');
  assert.ok((await page.locator('#municipality__listbox li').allTextContents()).some((n) => n.startsWith('Dragør')));
  assert.deepEqual(refused, []);
  // Whatever `back` or `next` says, the browser ends up on this site.
  const origin = new URL(BASE).origin;
  for (const back of ['%2F%09%2Fevil.example', '%2F%0D%0A%2Fevil.example', '%2F%5Cevil.example', '%5C%5Cevil.example', 'https%3A%2F%2Fevil.example', '%2F%2Fevil.example', 'javascript%3Aalert(1)']) {
    await page.goto(`${BASE}/lang/en?back=${back}`);
    assert.equal(new URL(page.url()).origin, origin, back);
    assert.equal(new URL(page.url()).pathname, '/', back);
  }
  await page.goto(`${BASE}/staff/login?next=%2F%09%2Fevil.example`);
  assert.equal(await page.inputValue('input[name=next]'), '/staff');
  // A page framed by another document is refused by the browser.
  await page.goto('about:blank');
  await page.setContent(`<iframe title="framed" src="${BASE}/"></iframe>`);
  await page.waitForTimeout(500);
  const framed = page.frames().find((f) => f !== page.mainFrame());
  assert.match(framed?.url() ?? '', /^chrome-error:/, 'the browser refused to load the page in the frame');
  await context.close();
});

const PAGES = [
  ['front', '/'],
  ['answer', '/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-08-31'],
  ['answer-error', '/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-02-30'],
  ['cooperation', '/cooperations/dragoer-taarnby'],
  ['annual-report', '/cooperations/dragoer-taarnby/report/2026'],
  ['mapping', '/cooperations/marker-ostfold-kartlegging/mapping'],
  ['municipality', '/municipalities/DK-0155?on=2020-06-01'],
  ['matrix', '/matrix'],
  ['open-data', '/open-data'],
  ['search', '/search?q=Dragor'],
  ['accessibility-statement', '/about/accessibility'],
  ['privacy', '/about/privacy'],
  ['contact', '/about/contact'],
  ['not-found', '/no/such/page'],
];

for (const [width, locale] of [[320, 'da-DK'], [1280, 'en-GB'], [1280, 'sv-SE'], [320, 'nb-NO']]) {
  test(`axe-core finds no WCAG 2.1 A/AA violations on any page type at ${width} px in ${locale}`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale });
    const page = await context.newPage();
    for (const [name, path] of PAGES) {
      await page.goto(`${BASE}${path}`);
      await page.evaluate(AXE_SOURCE);
      const result = await page.evaluate(async () => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
      const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      assert.deepEqual(found, [], `${name} at ${width} px in ${locale}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (name !== 'matrix') assert.ok(overflow <= 0, `${name} at ${width} px scrolls sideways by ${overflow} px`);
      await page.screenshot({ path: `${SHOTS}/${name}-${width}-${locale}.png`, fullPage: true });
    }
    await context.close();
  });
}

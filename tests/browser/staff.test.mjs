// Staff in the browser: log in, record a take-back with a reason and see it on the public pages and
// in the history; two browsers edit the same sub-agreement and the second gets the conflict page;
// axe-core on every staff page type. The server runs on its own SQLite file with the examples
// imported and two accounts made with `samvirke user add`, as an administrator would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { BIN, SHOTS, chooseMunicipality, launchBrowser, startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
// axe is evaluated through the DevTools protocol: the site's Content-Security-Policy forbids the
// inline script a script tag would be, and the tests keep that policy in force.
const AXE_SOURCE = readFileSync(AXE, 'utf8');
const EXAMPLES = new URL('../../examples/cooperations', import.meta.url).pathname;
// A made-up cooperation with money and three scenarios (two published), shared with the CLI tests.
const SCENARIOS = new URL('../../crates/samvirke/tests/fixtures/scenarios-vestegn.toml', import.meta.url).pathname;
const PASSWORD = 'a long pass phrase for the browser';
let BASE = '';
let dir;
let server;
let browser;

function samvirke(args, input) {
  const run = spawnSync(BIN, ['--db', join(dir, 'staff.db'), ...args], { input, encoding: 'utf8' });
  assert.equal(run.status, 0, `samvirke ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'samvirke-staff-'));
  samvirke(['import', EXAMPLES]);
  samvirke(['import', SCENARIOS]);
  // A settlement run for the evaluation page's cost chart.
  samvirke(['settle', 'vestegn-genoptraening', '--year', '2028']);
  // A settled year with its e-invoices issued, for the statement page's list of them.
  samvirke(['import', SCENARIOS.replace('scenarios-vestegn.toml', 'settle-dragoer.toml')]);
  samvirke(['settle', 'dragoer-taarnby-settle', '--year', '2025']);
  samvirke(['invoice', 'dragoer-taarnby-settle', '--year', '2025', '-o', join(dir, 'invoices')]);
  samvirke(['user', 'add', 'anna@dragoer.dk', '--role', 'editor', '--scope', 'DK-0155', '--password-stdin'], `${PASSWORD}\n`);
  samvirke(['user', 'add', 'bo@taarnby.dk', '--role', 'admin', '--password-stdin'], `${PASSWORD}\n`);
  samvirke(['user', 'add', 'tove@taarnby.dk', '--role', 'editor', '--scope', 'DK-0185', '--password-stdin'], `${PASSWORD}\n`);
  ({ base: BASE, server } = await startServer(['--db', join(dir, 'staff.db')]));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function login(context, email) {
  const page = await context.newPage();
  await page.goto(`${BASE}/staff`);
  assert.match(page.url(), /\/staff\/login\?next=/);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}/staff`), page.click('form[action="/staff/login"] button[type=submit]')]);
  return page;
}

async function save(page) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
  return response;
}

test('a staff member records a take-back with a reason and sees it on the public page and in the history', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await login(context, 'anna@dragoer.dk');
  assert.match(await page.locator('main').textContent(), /Signed in as anna@dragoer\.dk \(editor\)/);
  await page.click('a[href="/staff/cooperations/dragoer-taarnby"]');
  await page.click('text=Record a take-back');
  await page.selectOption('#f-by', 'DK-0155');
  await page.selectOption('#f-from_party', 'DK-0185');
  await page.fill('#f-effective', '2027-01-01');
  await page.check('input[name=services][value=natur-miljoe]');
  await page.check('input[name=ended][value="3"]');
  await page.fill('#f-summary', 'Dragør hjemtager natur og miljø pr. 1. januar 2027.');
  // Without a reason the form comes back with the problem and the values kept.
  let response = await save(page);
  assert.equal(response.status(), 422);
  assert.match(await page.locator('#error-summary').textContent(), /Fill in “Reason for the change”/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary', 'the error summary takes focus');
  assert.match(await page.locator('#f-reason-error').textContent(), /Fill in “Reason for the change”/);
  // The summary's link leads to the field.
  await page.click('#error-summary a[href="#f-reason"]');
  assert.match(page.url(), /#f-reason$/);
  assert.equal(await page.inputValue('#f-effective'), '2027-01-01');
  await page.fill('#f-reason', 'Dragør Byråds beslutning af 12. marts 2026');
  response = await save(page);
  assert.equal(response.status(), 200);
  assert.match(page.url(), /\/cooperations\/dragoer-taarnby\/history\?saved=1$/);
  assert.match(await page.locator('#saved').textContent(), /Your change was saved/);
  const newest = await page.locator('section.version').first().textContent();
  assert.match(newest, /Dragør Byråds beslutning af 12\. marts 2026/);
  assert.match(newest, /Take-back by Dragør from 2027-01-01: added/);
  assert.doesNotMatch(newest, /anna@dragoer\.dk/, 'the public history names no staff e-mail');
  assert.match(newest, /editor at Dragør/, 'but the role and the municipality');
  // The citizen's answer changes on the effective date, not before.
  const citizen = await browser.newPage({ locale: 'en-GB' });
  await citizen.goto(`${BASE}/who?municipality=DK-0155&service=natur-miljoe&on=2026-12-31`);
  assert.equal(await citizen.locator('#answer-heading').textContent(), 'Tårnby handles it');
  await citizen.goto(`${BASE}/who?municipality=DK-0155&service=natur-miljoe&on=2027-01-01`);
  assert.equal(await citizen.locator('#answer-heading').textContent(), 'Dragør handles it');
  await citizen.goto(`${BASE}/cooperations/dragoer-taarnby`);
  assert.match(await citizen.locator('main').textContent(), /Dragør takes back Nature and environment from Tårnby/);
  // The difference of the change shows the new take-back.
  await page.locator('section.version').first().locator('a[href*="/diff?"]').click();
  assert.match(await page.locator('pre.diff').textContent(), /\+\[\[take_back\]\]/);
  await citizen.close();
  await context.close();
});

test('a staff form works with the keyboard only: the error summary takes focus and its links lead to the fields', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await login(context, 'anna@dragoer.dk');
  await page.goto(`${BASE}/staff/cooperations/dragoer-taarnby/main-new`);
  // From the skip link to the main content, then field by field with Tab only.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  let focused = '';
  for (let i = 0; i < 40 && focused !== 'f-summary'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.id);
  }
  assert.equal(focused, 'f-summary', 'Tab reaches the summary field');
  await page.keyboard.type('Version 3: revised annex on payments.');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-reason');
  // No reason: Tab to the save button and press Enter.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Save');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary');
  assert.equal(await page.inputValue('#f-summary'), 'Version 3: revised annex on payments.', 'what was typed is kept');
  // The summary's first link, reached with Tab, moves focus to its field.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), '#f-reason');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#f-reason');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-reason');
  await context.close();
});

test('two browsers edit the same sub-agreement: the second gets the conflict page, nothing is overwritten', async () => {
  const annaContext = await browser.newContext({ locale: 'en-GB' });
  const boContext = await browser.newContext({ locale: 'en-GB' });
  const anna = await login(annaContext, 'anna@dragoer.dk');
  const bo = await login(boContext, 'bo@taarnby.dk');
  await anna.goto(`${BASE}/staff/cooperations/dragoer-taarnby/sub-4`);
  await bo.goto(`${BASE}/staff/cooperations/dragoer-taarnby/sub-4`);
  await anna.fill('#f-title', 'Delaftale 4: socialsager');
  await anna.fill('#f-reason', 'Titlen fra den underskrevne aftale');
  assert.equal((await save(anna)).status(), 200);
  await bo.fill('#f-title', 'Delaftale 4 (Tårnbys udgave)');
  await bo.fill('#f-reason', 'Tårnbys titel');
  const response = await save(bo);
  assert.equal(response.status(), 409);
  const conflict = await bo.locator('#conflict').textContent();
  assert.match(conflict, /Someone else saved a change first/);
  assert.match(conflict, /anna@dragoer\.dk/);
  assert.match(conflict, /Titlen fra den underskrevne aftale/);
  assert.match(conflict, /\+title = "Delaftale 4: socialsager"/);
  assert.match(conflict, /\+title = "Delaftale 4 \(Tårnbys udgave\)"/);
  assert.equal(await bo.inputValue('#f-title'), 'Delaftale 4 (Tårnbys udgave)', 'Bo keeps what he typed');
  await bo.screenshot({ path: `${SHOTS}/staff-conflict-1280-en-GB.png`, fullPage: true });
  const api = await (await fetch(`${BASE}/api/v1/cooperations/dragoer-taarnby`)).json();
  assert.equal(api.sub_agreements.find((s) => s.number === 4).title, 'Delaftale 4: socialsager');
  await annaContext.close();
  await boContext.close();
});

test('a caseworker registers a complaint: it goes to the body in force on the decision date, and only the two municipalities see it', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await login(context, 'tove@taarnby.dk');
  await page.click('a[href="/staff/cases"]');
  await page.click('a[href="/staff/cases/new"]');
  await page.selectOption('#f-kind', 'complaint');
  await page.selectOption('#f-service', 'genoptraening-sel86');
  await chooseMunicipality(page, 'f-municipality', 'DK-0155');
  await page.fill('#f-decided', '2020-03-01');
  await page.fill('#f-received', '2020-03-10');
  // An identity number is refused, with the reason next to the field.
  await page.fill('#f-reference', '010190-1234');
  let response = await save(page);
  assert.equal(response.status(), 422);
  assert.match(await page.locator('#f-reference-error').textContent(), /national identity number/);
  assert.equal(await page.getAttribute('#f-reference', 'aria-invalid'), 'true');
  await check(page, 'staff-case-problems', null, 1280, 'en-GB');
  await page.fill('#f-reference', '27.15.00-G01-123-20');
  response = await save(page);
  assert.equal(response.status(), 200);
  assert.match(page.url(), /\/staff\/cases\/1\?saved=1$/);
  assert.match(await page.locator(".confirmation").textContent(), /Saved/);
  const main = await page.locator('main').textContent();
  assert.match(main, /Handled byTårnby/);
  assert.match(main, /sub-agreement 1/);
  assert.match(main, /retssikkerhedsloven § 66/);
  assert.match(main, /overdue/);
  // The list puts it first, as overdue.
  await page.goto(`${BASE}/staff/cases`);
  assert.match(await page.locator('tbody tr').first().textContent(), /overdue.*27\.15\.00-G01-123-20/s);
  // Dragør's staff see it too (the citizen's municipality); an administrator without a
  // municipality does not: the case does not exist for them.
  const annaContext = await browser.newContext({ locale: 'en-GB' });
  const anna = await login(annaContext, 'anna@dragoer.dk');
  assert.equal((await anna.goto(`${BASE}/staff/cases/1`)).status(), 200);
  const boContext = await browser.newContext({ locale: 'en-GB' });
  const bo = await login(boContext, 'bo@taarnby.dk');
  assert.equal((await bo.goto(`${BASE}/staff/cases/1`)).status(), 404);
  await bo.goto(`${BASE}/staff/cases`);
  assert.doesNotMatch(await bo.locator('main').textContent(), /27\.15\.00/);
  await annaContext.close();
  await boContext.close();
  await context.close();
});

// The cooperation page links the report on the year that has ended.
const YEAR = new Date().getUTCFullYear() - 1;

test('Tårnby writes a fact sheet and submits it, Dragør approves it, and the annual report shows it', async () => {
  const context = await browser.newContext({ locale: 'da-DK' });
  const tove = await login(context, 'tove@taarnby.dk');
  await tove.goto(`${BASE}/cooperations/dragoer-taarnby`);
  await tove.click(`a[href="/cooperations/dragoer-taarnby/report/${YEAR}"]`);
  assert.equal(await tove.locator('h1').textContent(), `Årsrapport ${YEAR}`);
  await tove.goto(`${BASE}/staff/cooperations/dragoer-taarnby/report/${YEAR}/sheet-3`);
  await tove.fill('#f-section-results', 'Flere borgere fik genoptræning end året før.');
  await tove.fill('#f-section-outlook-short', 'Stabil efterspørgsel i 2026.');
  await tove.fill('#f-section-outlook-long', 'Flere ældre borgere frem mod 2030.');
  await tove.fill('#f-figure-cases', '1250');
  await check(tove, 'staff-fact-sheet', null, 1280, 'da-DK');
  await Promise.all([tove.waitForNavigation(), tove.click('button[value="submit"]')]);
  assert.match(await tove.locator('main').textContent(), /sendt til godkendelse/);
  const annaContext = await browser.newContext({ locale: 'da-DK' });
  const anna = await login(annaContext, 'anna@dragoer.dk');
  await anna.goto(`${BASE}/staff/cooperations/dragoer-taarnby/report/${YEAR}/sheet-3`);
  await check(anna, 'staff-fact-sheet-review', null, 320, 'da-DK');
  await anna.fill('#f-note', 'Godkendt på mødet den 3. februar.');
  await Promise.all([anna.waitForNavigation(), anna.click('button[value="approve"]')]);
  await anna.goto(`${BASE}/cooperations/dragoer-taarnby/report/${YEAR}`);
  const report = await anna.locator('article').textContent();
  assert.match(report, /Flere borgere fik genoptræning end året før\./);
  assert.match(report, /godkendt/);
  assert.match(report, /1\.250/);
  assert.equal(await anna.getAttribute('article', 'lang'), 'da');
  for (const [width, locale] of [[320, 'da-DK'], [1280, 'en-GB']]) {
    const viewer = await browser.newPage({ viewport: { width, height: 900 }, locale });
    await check(viewer, 'annual-report-filled', `/cooperations/dragoer-taarnby/report/${YEAR}`, width, locale);
    await viewer.close();
  }
  const pdf = await fetch(`${BASE}/cooperations/dragoer-taarnby/report/${YEAR}.pdf`);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  await annaContext.close();
  await context.close();
});

const CASE_PAGES = [
  ['staff-my-tasks', '/staff'],
  ['staff-cases', '/staff/cases'],
  ['staff-case-new', '/staff/cases/new'],
  ['staff-case', '/staff/cases/1'],
];

test('a planner scores a candidate area for her municipality and the mapping page ranks it with the new scores', async () => {
  const context = await browser.newContext({ locale: 'nb-NO' });
  const page = await login(context, 'bo@taarnby.dk');
  await page.goto(`${BASE}/staff/cooperations/marker-ostfold-kartlegging/assess.juridiske-sporsmal.NO-3116`);
  assert.equal(await page.getAttribute('html', 'lang'), 'nb');
  assert.equal(await page.inputValue('#f-score-need'), '', 'illustrative scores are not offered as the municipality\'s own');
  // A score without its justification: the summary takes focus and names the field.
  await page.selectOption('#f-score-need', '4');
  await page.fill('#f-reason', 'Skiptvets vurdering');
  await save(page);
  await page.waitForFunction(() => document.activeElement?.id === 'error-summary', null, { timeout: 5000 });
  assert.match(await page.locator('.error-summary').textContent(), /Hvorfor denne poengsummen for «Behov»/);
  assert.equal(await page.inputValue('#f-score-need'), '4', 'the chosen score is kept');
  for (const [criterion, score, why] of [['need', '4', 'Ingen egen jurist'], ['scale', '3', 'Felles vaktordning'], ['vulnerability', '4', 'Sårbart ved fravær']]) {
    await page.selectOption(`#f-score-${criterion}`, score);
    await page.fill(`#f-why-${criterion}`, why);
  }
  const response = await save(page);
  assert.equal(response.status(), 200);
  await page.goto(`${BASE}/cooperations/marker-ostfold-kartlegging/mapping`);
  // Skiptvet's view of the legal area is now (4 + 3 + 4) / 3 = 3,67.
  const row = page.locator('table.stack tbody tr', { hasText: 'juridiske spørsmål' });
  assert.equal((await row.locator('td').nth(6).textContent()).trim(), '3,67');
  await page.screenshot({ path: `${SHOTS}/mapping-after-scores-nb-1280.png`, fullPage: true });
  await context.close();
});

test('a planner compares two scenarios with the form and adopts one after the council has voted', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'da-DK' });
  const page = await context.newPage();
  await page.goto(`${BASE}/cooperations/vestegn-genoptraening/scenarios`);
  await page.check('#compare-glostrup-hjemtager');
  await page.check('#compare-albertslund-udtraeder');
  await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
  assert.match(page.url(), /compare\?s=albertslund-udtraeder&s=glostrup-hjemtager$/);
  const table = await page.locator('main table').first().innerText();
  // The columns follow the list (Albertslund's scenario first): Glostrup pays more if Albertslund
  // leaves, less if Glostrup takes the service back.
  assert.match(table, /Glostrup betaler i de beregnede år\s+\+130\.202,19\u00a0kr\.\s+−274\.354,63\u00a0kr\./);
  // The chart on the paper has a text alternative naming every payer's amounts.
  await page.goto(`${BASE}/cooperations/vestegn-genoptraening/scenarios/glostrup-hjemtager`);
  const chart = page.locator('figure.chart svg[role=img]');
  const label = await chart.evaluate((svg) => svg.getAttribute('aria-labelledby').split(' ').map((id) => document.getElementById(id).textContent).join(' '));
  assert.match(label, /Hver betalers udgift i 2028, før og efter/);
  assert.match(label, /Glostrup: 275\.862,07\u00a0kr\. før, 1\.507,44\u00a0kr\. efter/);
  await page.screenshot({ path: `${SHOTS}/scenario-paper-da-1280.png`, fullPage: true });
  await context.close();

  // Glostrup's editor adopts the take-back; the public answer follows.
  const staff = await login(await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'da-DK' }), 'bo@taarnby.dk');
  await staff.goto(`${BASE}/staff/cooperations/vestegn-genoptraening/scenarios/glostrup-hjemtager`);
  await staff.fill('#f-decision', 'hjemtagelse-vedtaget');
  await staff.fill('#f-decided_on', '2027-03-01');
  await staff.selectOption('#f-body', 'DK-0161');
  await staff.fill('#f-reason', 'Kommunalbestyrelsen 1. marts 2027, punkt 7');
  await Promise.all([staff.waitForNavigation(), staff.click('#adopt button[type=submit]')]);
  assert.match(staff.url(), /\?adopted=\d+/);
  assert.match(await staff.locator('main').innerText(), /Scenariet er vedtaget/);
  assert.match(await staff.locator('#adopt').innerText(), /Scenariet blev vedtaget 01\.03\.2027/);
  const who = await (await fetch(`${BASE}/api/v1/who?municipality=DK-0161&service=genoptraening&on=2028-02-01`)).json();
  assert.equal(who.responsible.id, 'DK-0161');
  await staff.context().close();
});

test('a municipality records its evaluation and the evaluation page shows it beside the cost it rests on', async () => {
  const page = await login(await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE' }), 'bo@taarnby.dk');
  await page.goto(`${BASE}/staff/cooperations/vestegn-genoptraening`);
  await Promise.all([page.waitForNavigation(), page.click('a[href$="/evaluate.DK-0161"]')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  // Nothing chosen: every problem at once, the summary takes focus.
  await page.fill('#f-reasons', '');
  await save(page);
  await page.waitForFunction(() => document.activeElement?.id === 'error-summary', null, { timeout: 5000 });
  const summary = await page.locator('.error-summary').innerText();
  assert.match(summary, /Motivering/);
  await page.fill('#f-on', '2026-11-02');
  await page.selectOption('#f-scope', '1');
  await page.selectOption('#f-delivers', 'yes');
  await page.selectOption('#f-value', 'partly');
  await page.fill('#f-reasons', 'Väntetiden har kortats; kostnaden per ärende har ökat.');
  await page.fill('#f-evidence', 'Avräkning 2028');
  await page.fill('#f-reason', 'Utvärdering i ledningsgruppen');
  const response = await save(page);
  assert.equal(response.status(), 200);
  await page.goto(`${BASE}/cooperations/vestegn-genoptraening/evaluation`);
  const chart = page.locator('figure.chart svg[role=img]');
  const label = await chart.evaluate((svg) => svg.getAttribute('aria-labelledby').split(' ').map((id) => document.getElementById(id).textContent).join(' '));
  assert.match(label, /Vad betalarna betalade varje år för Genoptræning/);
  assert.match(label, /2028: 1\u00a0000\u00a0000,00\u00a0kr/);
  const text = await page.locator('main').innerText();
  assert.match(text, /Väntetiden har kortats/);
  assert.match(text, /Avräkning 2028/);
  await page.screenshot({ path: `${SHOTS}/evaluation-after-save-sv-1280.png`, fullPage: true });
  await page.context().close();
});

test('a planner writes a scenario with the type-ahead and reads its decision paper', async () => {
  const page = await login(await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'da-DK' }), 'bo@taarnby.dk');
  await page.goto(`${BASE}/staff/cooperations/vestegn-genoptraening/scenarios`);
  await Promise.all([page.waitForNavigation(), page.click('a[href$="/scenario-new"]')]);
  await page.fill('#f-id', 'albertslund-hjemtager');
  await page.fill('#f-name', 'Albertslund hjemtager genoptræningen');
  await page.fill('#f-prepared', '2026-07-01');
  await page.selectOption('#f-c1_kind', 'take_back');
  await chooseMunicipality(page, 'f-c1_member', 'DK-0165');
  await page.check('input[name="c1_services"][value="genoptraening"]');
  // A day before the earliest lawful one is refused at the field, in Danish.
  await page.fill('#f-c1_from', '2027-01-01');
  await page.fill('#f-reason', 'Forslag til økonomiudvalget');
  await save(page);
  await page.waitForFunction(() => document.activeElement?.id === 'error-summary', null, { timeout: 5000 });
  assert.ok(await page.locator('.error-summary a[href="#f-c1_from"]').count() === 1, await page.locator('.error-summary').innerText());
  await page.fill('#f-c1_from', '2028-01-03');
  await chooseMunicipality(page, 'f-c1_member', 'DK-0165');
  const response = await save(page);
  assert.equal(response.status(), 200);
  assert.match(page.url(), /\/history\?saved=1$/);
  await page.goto(`${BASE}/staff/cooperations/vestegn-genoptraening/scenarios/albertslund-hjemtager`);
  const paper = await page.locator('main').innerText();
  assert.match(paper, /Albertslund hjemtager genoptræningen/);
  assert.match(paper, /03\.01\.2028/);
  await page.screenshot({ path: `${SHOTS}/scenario-written-da-1280.png`, fullPage: true });
  await page.context().close();
});

test('a paying member disputes a line of its bill and the performing member rejects it with a reason', async () => {
  const statement = '/cooperations/dragoer-taarnby-settle/settlement/2025';
  const payer = await login(await browser.newContext({ locale: 'en-GB' }), 'anna@dragoer.dk');
  await payer.goto(`${BASE}${statement}`);
  await payer.click(`a[href="/staff/cooperations/dragoer-taarnby-settle/settlement/2025/dispute"]`);
  assert.match(await payer.locator('h1').textContent(), /Dispute the settlement 2025 of/);
  // Without a reason the form comes back with the problem, the amount kept.
  await payer.selectOption('#f-line', '3');
  await payer.fill('#f-amount', '1,144,794.52');
  let response = await save(payer);
  assert.equal(response.status(), 422);
  assert.match(await payer.locator('#error-summary').textContent(), /Write the reason for the dispute/);
  assert.equal(await payer.inputValue('#f-amount'), '1,144,794.52');
  await payer.fill('#f-reason', 'The actual cost in the accounts is 1,170,000.00.');
  response = await save(payer);
  assert.equal(response.status(), 200);
  assert.match(payer.url(), /\/staff\/cooperations\/dragoer-taarnby-settle\/disputes\/1\?opened=1$/);
  assert.match(await payer.locator('.confirmation').textContent(), /The performing member is asked to answer by/);
  // The statement now says that it is disputed.
  await payer.goto(`${BASE}${statement}`);
  assert.match(await payer.locator('main').textContent(), /Open disputes/);
  // Every run of the year is a link away from the statement.
  await payer.click('a[href="/staff/cooperations/dragoer-taarnby-settle/settlement/2025/runs"]');
  assert.match(await payer.locator('h1').textContent(), /Settlement runs 2025/);
  assert.match(await payer.locator('main').textContent(), /Only one run has been recorded for 2025/);
  // A run recorded by `samvirke settle` without a reason is said in words, not the CLI's own line.
  assert.match(await payer.locator('main').textContent(), /No reason given/);
  assert.doesNotMatch(await payer.locator('main').textContent(), /settlement run 2025 for|samvirke-cli/);

  // Tårnby's staff find it on their overview, in their language, and answer it.
  for (const [width, locale] of [[320, 'da-DK'], [1280, 'en-GB']]) {
    const look = await login(await browser.newContext({ viewport: { width, height: 900 }, locale }), 'tove@taarnby.dk');
    await look.goto(`${BASE}/staff/cooperations/dragoer-taarnby-settle/disputes/1`);
    await check(look, 'staff-dispute-answer', null, width, locale);
    await look.context().close();
  }
  const payee = await login(await browser.newContext({ locale: 'en-GB' }), 'tove@taarnby.dk');
  await payee.click('a[href="/staff/cooperations/dragoer-taarnby-settle/disputes/1"]');
  await payee.fill('#f-note', 'The actual cost is as booked in the accounts of 2025.');
  const [answered] = await Promise.all([payee.waitForNavigation(), payee.click('button[name=decision][value=reject]')]);
  assert.equal(answered.status(), 200);
  assert.match(await payee.locator('.confirmation').textContent(), /The answer is recorded and the dispute is closed/);
  assert.match(await payee.locator('main').textContent(), /Rejected on/);
  await payer.goto(`${BASE}/staff/cooperations/dragoer-taarnby-settle/disputes/1`);
  assert.match(await payer.locator('main').textContent(), /as booked in the accounts of 2025/);
  await payer.context().close();
  await payee.context().close();
});

const STAFF_PAGES = [
  ['staff-login', '/staff/login', false],
  ['staff-overview', '/staff', true],
  ['staff-cooperation', '/staff/cooperations/dragoer-taarnby', true],
  ['staff-take-back', '/staff/cooperations/dragoer-taarnby/take-back', true],
  ['staff-delegation', '/staff/cooperations/dragoer-taarnby/delegation-0', true],
  ['staff-new', '/staff/cooperations/new/details', true],
  ['staff-mapping-hub', '/staff/cooperations/marker-ostfold-kartlegging', true],
  ['staff-area-move', '/staff/cooperations/marker-ostfold-kartlegging/move.smarte-samfunn', true],
  ['staff-area-assess', '/staff/cooperations/marker-ostfold-kartlegging/assess.smarte-samfunn.NO-3110', true],
  ['history', '/cooperations/dragoer-taarnby/history', false],
  ['scenarios', '/cooperations/vestegn-genoptraening/scenarios', false],
  ['scenario-paper', '/cooperations/vestegn-genoptraening/scenarios/glostrup-hjemtager', false],
  ['scenario-compare', '/cooperations/vestegn-genoptraening/scenarios/compare?s=glostrup-hjemtager&s=albertslund-udtraeder', false],
  ['scenario-replay', '/cooperations/dragoer-taarnby/scenarios/hjemtagelse-2021', false],
  ['projects', '/cooperations/vestegn-genoptraening/projects', false],
  ['projects-koebenhavn-syd', '/cooperations/koebenhavn-syd/projects', false],
  ['staff-scenarios', '/staff/cooperations/vestegn-genoptraening/scenarios', true],
  ['staff-scenario-adopt', '/staff/cooperations/vestegn-genoptraening/scenarios/gladsaxe-indtraeder', true],
  ['evaluation', '/cooperations/vestegn-genoptraening/evaluation', false],
  ['settlement', '/cooperations/vestegn-genoptraening/settlement/2028', false],
  ['settlement-invoices', '/cooperations/dragoer-taarnby-settle/settlement/2025', false],
  ['settlement-explain', '/cooperations/vestegn-genoptraening/settlement/2028/DK-0161', false],
  ['settlements-municipality', '/municipalities/DK-0161/settlements/2028', false],
  ['evaluation-dragoer-taarnby', '/cooperations/dragoer-taarnby/evaluation', false],
  ['staff-evaluate', '/staff/cooperations/vestegn-genoptraening/evaluate.DK-0161', true],
  ['staff-scenario-new', '/staff/cooperations/vestegn-genoptraening/scenario-new', true],
  ['staff-scenario-edit', '/staff/cooperations/vestegn-genoptraening/scenario.albertslund-udtraeder', true],
  ['staff-project-new', '/staff/cooperations/vestegn-genoptraening/project-new', true],
  ['staff-project-edit', '/staff/cooperations/vestegn-genoptraening/project.faelles-hjaelpemiddeldepot', true],
  ['diff', '/cooperations/dragoer-taarnby/diff?from=1&to=40', false],
  ['staff-disputes', '/staff/disputes', true],
  ['staff-dispute', '/staff/cooperations/dragoer-taarnby-settle/disputes/1', true],
  ['staff-dispute-new', '/staff/cooperations/dragoer-taarnby-settle/settlement/2025/dispute', true],
  ['staff-runs', '/staff/cooperations/dragoer-taarnby-settle/settlement/2025/runs', true],
];

for (const [width, locale] of [[320, 'da-DK'], [1280, 'en-GB'], [320, 'sv-SE'], [1280, 'nb-NO']]) {
  test(`axe-core finds no WCAG 2.1 A/AA violations on the staff pages at ${width} px in ${locale}`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale });
    const anonymous = await context.newPage();
    for (const [name, path, signedIn] of STAFF_PAGES.filter((p) => !p[2])) {
      await check(anonymous, name, path, width, locale);
    }
    const page = await login(context, 'bo@taarnby.dk');
    for (const [name, path] of STAFF_PAGES.filter((p) => p[2])) {
      await check(page, name, path, width, locale);
    }
    const caseworker = await login(await browser.newContext({ viewport: { width, height: 900 }, locale }), 'tove@taarnby.dk');
    for (const [name, path] of CASE_PAGES) {
      await check(caseworker, name, path, width, locale);
    }
    await caseworker.context().close();
    // A form with problems, as the user sees it after a failed save.
    await page.goto(`${BASE}/staff/cooperations/dragoer-taarnby/main-new`);
    await save(page);
    await check(page, 'staff-form-problems', null, width, locale);
    await context.close();
  });
}

async function check(page, name, path, width, locale) {
  if (path) await page.goto(`${BASE}${path}`);
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(found, [], `${name} at ${width} px in ${locale}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const wide = overflow > 0 ? await page.evaluate(() => [...document.querySelectorAll('main *')]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(-3).map((e) => `<${e.tagName.toLowerCase()}> ${e.textContent.slice(0, 60)}`).join('; ')) : '';
  assert.ok(overflow <= 0, `${name} at ${width} px scrolls sideways by ${overflow} px: ${wide}`);
  await page.screenshot({ path: `${SHOTS}/${name}-${width}-${locale}.png`, fullPage: true });
}

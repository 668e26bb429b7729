// Sign-in with the municipality's identity provider, end to end in Chromium: a real OpenID
// provider (oidc-provider, started by this test on 127.0.0.1) and `samvirke serve` configured for
// it with `--oidc-*`. An account signs in through the provider and out again; an ID token for
// another audience, or with another nonce, is refused although the provider signed it; a person
// the provider knows but Samvirke has no account for is told what to do; with
// `--no-password-login` the login page offers the provider only and a password login is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, SHOTS, launchBrowser, startServer } from './server.mjs';
import { startProvider } from './oidc-provider.mjs';

const CLIENT_ID = 'samvirke-test';
const CLIENT_SECRET = 'a client secret the provider and samvirke share';
let dir;
let provider;
let browser;
const servers = [];

function samvirke(args, input) {
  const run = spawnSync(BIN, ['--db', join(dir, 'oidc.db'), ...args], { input, encoding: 'utf8' });
  assert.equal(run.status, 0, `samvirke ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

// A port nobody listens on now, for a server whose address the provider must know in advance
// (its redirect URI).
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const PASSWORD = 'a long pass phrase for the browser';
let plain;
let closed;
let small;
let userinfo;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'samvirke-oidc-'));
  samvirke(['user', 'add', 'anna@dragoer.dk', '--role', 'editor', '--scope', 'DK-0155', '--password-stdin'], `${PASSWORD}\n`);
  // Two servers on one database: one with passwords too, one with the provider only. The
  // provider must know both addresses (their redirect URIs) before they start.
  const ports = [await freePort(), await freePort(), await freePort()];
  const bases = ports.map((p) => `http://127.0.0.1:${p}`);
  provider = await startProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: bases.slice(0, 2).map((b) => `${b}/staff/login/oidc/callback`), postLogoutRedirectUris: bases.slice(0, 2).map((b) => `${b}/`) });
  // A second provider whose ID tokens carry only the subject: the e-mail is at its userinfo endpoint.
  small = await startProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${bases[2]}/staff/login/oidc/callback`], claimsInIdToken: false });
  const start = async (port, base, extra, issuer = provider.issuer) => {
    const { server } = await startServer(['--db', join(dir, 'oidc.db')], {
      listen: `127.0.0.1:${port}`,
      serveArgs: ['--oidc-issuer', issuer, '--oidc-client-id', CLIENT_ID, '--oidc-name', 'Dragør Kommune', '--public-url', base, ...extra],
      env: { SAMVIRKE_OIDC_CLIENT_SECRET: CLIENT_SECRET },
    });
    servers.push(server);
    return base;
  };
  plain = await start(ports[0], bases[0], []);
  closed = await start(ports[1], bases[1], ['--no-password-login']);
  userinfo = await start(ports[2], bases[2], [], small.issuer);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.kill('SIGTERM');
  await provider?.close();
  await small?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// From Samvirke's login page through the provider's log-in and consent pages and back; resolves
// to the page on Samvirke where the browser lands.
async function signIn(page, base, login) {
  await page.goto(`${base}/staff/login`);
  await page.click('#oidc-login');
  await page.waitForURL((url) => url.origin === base || url.pathname.startsWith('/interaction/'));
  if (new URL(page.url()).pathname.startsWith('/interaction/')) {
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'the provider checks no password in its test pages');
    await page.click('button[type=submit]');
    await page.waitForURL((url) => url.origin === base || url.pathname.startsWith('/interaction/'));
    if (new URL(page.url()).pathname.startsWith('/interaction/')) {
      await page.click('button[type=submit]');
      await page.waitForURL((url) => url.origin === base);
    }
  }
  return page;
}

test('an account signs in through the identity provider and out again', async () => {
  const context = await browser.newContext({ locale: 'da-DK' });
  const page = await context.newPage();
  await page.goto(`${plain}/staff/login`);
  assert.equal(await page.locator('#oidc-login').textContent(), 'Log ind med Dragør Kommune');
  assert.equal(await page.locator('#password').count(), 1, 'the password form stays');
  await page.screenshot({ path: `${SHOTS}/oidc-login-1280.png`, fullPage: true });
  await signIn(page, plain, 'anna@dragoer.dk');
  assert.equal(new URL(page.url()).pathname, '/staff');
  assert.match(await page.textContent('body'), /anna@dragoer\.dk|Anna/);
  // The session is a Samvirke session like any other: a staff page opens.
  const staff = await page.goto(`${plain}/staff/cases`);
  assert.equal(staff.status(), 200);
  await page.goto(`${plain}/staff`);
  await page.locator('form[action="/staff/logout"] button').click();
  // Signing out of Samvirke ends the sign-in at the provider too (RP-initiated logout): the
  // provider asks, then sends the browser back to Samvirke's front page.
  await page.waitForURL((url) => url.origin === provider.issuer);
  await page.click('button[name=logout][value=yes]');
  await page.waitForURL(`${plain}/`);
  await page.goto(`${plain}/staff`);
  assert.equal(new URL(page.url()).pathname, '/staff/login', 'signed out');
  // The provider asks for the log-in again: its session ended too.
  await page.click('#oidc-login');
  await page.waitForURL((url) => url.origin === provider.issuer);
  assert.ok(new URL(page.url()).pathname.startsWith('/interaction/'), page.url());
  assert.equal(await page.locator('input[name=login]').count(), 1, 'the provider asks who it is again');
  await context.close();
});

for (const [mode, reason] of [['audience', 'udstedt til en anden tjeneste'], ['nonce', 'hører til et andet log-ind']]) {
  test(`an ID token with another ${mode} is refused although the provider signed it`, async () => {
    const context = await browser.newContext({ locale: 'da-DK' });
    const page = await context.newPage();
    provider.setTamper(mode);
    try {
      await signIn(page, plain, 'anna@dragoer.dk');
    } finally {
      provider.setTamper(null);
    }
    assert.equal(new URL(page.url()).pathname, '/staff/login/oidc/callback');
    const error = await page.locator('#login-error').textContent();
    assert.ok(error.includes(reason), error);
    assert.ok(error.includes('Dragør Kommune'), error);
    // The reference the message asks the reader to give is on the page (and in the log line).
    assert.match(await page.locator('p.reference').textContent(), /Fejlreference/);
    if (mode === 'audience') {
      await page.setViewportSize({ width: 320, height: 800 });
      await page.screenshot({ path: `${SHOTS}/oidc-refused-320-da-DK.png`, fullPage: true });
    }
    await page.goto(`${plain}/staff`);
    assert.equal(new URL(page.url()).pathname, '/staff/login', 'nothing was signed in');
    await context.close();
  });
}

test('a person without an account is told what to do; an old or foreign state is refused', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await signIn(page, plain, 'nobody@taarnby.dk');
  const error = await page.locator('#login-error').textContent();
  assert.ok(error.includes('Samvirke has no account for nobody@taarnby.dk') && error.includes('samvirke user add nobody@taarnby.dk'), error);
  const forged = await page.goto(`${plain}/staff/login/oidc/callback?code=x&state=made-up`);
  assert.equal(forged.status(), 400);
  assert.match(await page.locator('#login-error').textContent(), /Start it again/);
  await context.close();
});

test('with --no-password-login the provider is the only way in', async () => {
  const context = await browser.newContext({ locale: 'sv-SE' });
  const page = await context.newPage();
  await page.goto(`${closed}/staff/login`);
  assert.equal(await page.locator('#password').count(), 0);
  assert.equal(await page.locator('#oidc-login').textContent(), 'Logga in med Dragør Kommune');
  await page.setViewportSize({ width: 320, height: 800 });
  await page.screenshot({ path: `${SHOTS}/oidc-login-provider-only-320.png`, fullPage: true });
  const refused = await fetch(`${closed}/staff/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'samvirke_login_csrf=x' }, body: `email=anna%40dragoer.dk&password=${encodeURIComponent(PASSWORD)}&csrf=x`, redirect: 'manual' });
  assert.equal(refused.status, 403);
  assert.ok(!refused.headers.get('set-cookie')?.includes('samvirke_session='));
  await signIn(page, closed, 'anna@dragoer.dk');
  assert.equal(new URL(page.url()).pathname, '/staff');
  await context.close();
});

test('when the ID token carries only the subject, the e-mail address is read from the userinfo endpoint', async () => {
  const context = await browser.newContext({ locale: 'nb-NO' });
  const page = await context.newPage();
  await signIn(page, userinfo, 'anna@dragoer.dk');
  assert.equal(new URL(page.url()).pathname, '/staff');
  assert.match(await page.textContent('body'), /anna@dragoer\.dk/);
  // Someone the provider knows but Samvirke does not: named from the userinfo answer too.
  const other = await context.newPage();
  await context.clearCookies();
  await signIn(other, userinfo, 'nobody@taarnby.dk');
  assert.match(await other.locator('#login-error').textContent(), /nobody@taarnby\.dk/);
  await context.close();
});

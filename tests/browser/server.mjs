// Starts `samvirke ... serve --listen 127.0.0.1:0` and Debian's Chromium for a test file. The
// server says its address on its first line; port 0 lets the system pick a free port.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

export const BIN = process.env.SAMVIRKE_BIN ?? 'target/debug/samvirke';
export const SHOTS = process.env.SAMVIRKE_SCREENSHOTS ?? 'target/browser-screenshots';

/** Runs samvirke with `args` before `serve` (e.g. ['--demo'] or ['--db', path]); resolves to { base, server }. */
/** `listen`, `serveArgs` and `env` set the address, options of `serve` and environment when given. */
export async function startServer(args, { listen = '127.0.0.1:0', serveArgs = [], env = {} } = {}) {
  const server = spawn(BIN, [...args, 'serve', '--listen', listen, ...serveArgs], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SAMVIRKE_LOG: 'warn', ...env } });
  let log = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${log}`)), 60000);
    server.stderr.on('data', (d) => {
      // SAMVIRKE_SERVER_LOG=1 shows the servers' log lines while a test runs (for debugging).
      if (process.env.SAMVIRKE_SERVER_LOG) process.stderr.write(d);
      log += d;
      const m = log.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`the server exited (${code}): ${log}`)));
  });
  const health = await fetch(`${base}/health`).catch(() => null);
  if (!health?.ok) throw new Error(`the server does not answer: ${log}`);
  return { base, server };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.SAMVIRKE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Picks a municipality in the type-ahead: types the first letters of its name, then clicks the
// suggestion.
export async function chooseMunicipality(page, id, code) {
  const name = (await page.locator(`#${id}-select option[value="${code}"]`).textContent()).trim();
  await page.fill(`#${id}`, name.slice(0, 4));
  await page.locator(`#${id}__listbox li`, { hasText: name }).first().click();
  assert.equal(await page.inputValue(`#${id}`), name);
}

// Starts the real huiyin binary on a random port with a fresh SQLite database, and headless
// Chromium to drive it. Chromium must be there: a missing browser fails the test, it is not skipped.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { before, after } from 'node:test';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');

export function huiyinBinary() {
  const candidates = [
    process.env.HUIYIN_BIN,
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'debug/huiyin'),
    join(root, 'target/debug/huiyin'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`huiyin binary not found (tried ${candidates.join(', ')}); run cargo build first`);
  return found;
}

/** Runs `huiyin serve` and resolves once it prints its address (and the setup link, if any). */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'huiyin-browser-'));
  const child = spawn(huiyinBinary(), ['serve', '--listen', '127.0.0.1:0'], {
    env: { ...process.env, HUIYIN_DATABASE_URL: `sqlite://${dir}/huiyin.db`, HUIYIN_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const banner = [];
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('huiyin did not start')), 60_000);
    let address = null;
    lines.on('line', (line) => {
      banner.push(line);
      const url = line.match(/http:\/\/[^\s)]+/)?.[0];
      if (!address && url) address = url;
      if (address && line.includes('/setup/')) { clearTimeout(timer); ok(address); }
    });
    child.on('exit', (code) => fail(new Error(`huiyin exited with ${code}`)));
  });
  const setupLink = banner.map((l) => l.match(/http:\/\/\S+\/setup\/\S+/)?.[0]).find(Boolean);
  return {
    base,
    setupLink,
    databaseUrl: `sqlite://${dir}/huiyin.db`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: install Debian's chromium`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** First run: the setup link creates unit XS (西山社区) and the administrator, who is signed in. */
export async function setUp(page, server) {
  await page.goto(server.setupLink);
  await page.fill('#unit_code', 'XS');
  await page.fill('#unit_name', '西山社区');
  await page.selectOption('#unit_kind', 'community');
  await page.fill('#username', 'admin');
  await page.fill('#display_name', '管理员');
  await page.fill('#password', 'correct horse battery');
  await page.fill('#password2', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.waitForURL('**/home');
}

/** Signs `username` in on a new page of its own browser context; returns the page. */
export async function signIn(browser, server, username, password) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL('**/home'), page.click('button[type=submit]')]);
  return page;
}

/** A fresh server and browser for one test file, stopped after it: `const env = serverAndBrowser();`
 * then `env.server` and `env.browser` inside the tests. */
export function serverAndBrowser() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The serious and critical violations axe-core finds on the page as it is. axe is evaluated through
 * the DevTools protocol, not added as a script tag: huiyin's content security policy forbids inline
 * script, and the test must not weaken it.
 */
export async function seriousViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Presses Tab until the element with this id has the focus (the keyboard alone). */
export async function tabTo(page, id) {
  for (let i = 0; i < 60 && (await page.evaluate(() => document.activeElement?.id)) !== id; i++) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), id, `Tab reaches #${id}`);
}

/** Runs a huiyin command on the server's database (e.g. `user add`), with `input` on its standard
 * input (a password); returns its output. */
export function cli(server, args, input) {
  const run = spawnSync(huiyinBinary(), args, {
    env: { ...process.env, HUIYIN_DATABASE_URL: server.databaseUrl, HUIYIN_LOG: 'warn' },
    encoding: 'utf8',
    input,
  });
  if (run.status !== 0) throw new Error(`huiyin ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** Calls the JSON API with a token; returns the parsed body, failing on an error status. */
export async function api(server, token, method, path, body) {
  const response = await fetch(`${server.base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

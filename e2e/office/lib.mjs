// The office web app's end-to-end harness: a real `weibao-office serve` on a loopback port with
// the demo, staff accounts made by its CLI, Debian's chromium driven headless through
// chromium-driver (WebDriver), and the real `weibao` CLI as the engineer's laptop.
import { remote } from 'webdriverio';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const env = {
  office: process.env.E2E_OFFICE,
  cli: process.env.E2E_CLI,
  web: process.env.E2E_WEB,
  work: process.env.E2E_WORK,
  art: process.env.E2E_ART,
  driverPort: Number(process.env.E2E_DRIVER_PORT ?? 4460),
  port: Number(process.env.E2E_OFFICE_PORT ?? 8490),
};
export const data = () => join(env.work, 'office');
export const url = () => `http://127.0.0.1:${env.port}`;

export function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

/** `weibao-office --data DIR …`, its stdout. */
export function office(...args) {
  return execFileSync(env.office, ['--data', data(), ...args], { encoding: 'utf8' });
}

/** A member of staff: the one-time password is alone on the last line. */
export function addStaff(name, role) {
  const out = office('staff', 'add', name, '--role', role).trim().split('\n');
  return out[out.length - 1].trim();
}

/** The laptop: `weibao --db L …`, its stdout (its progress lines on stderr stay out of the log). */
export function laptop(db, args) {
  return execFileSync(env.cli, ['--db', db, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function sqlite(db, query) {
  return execFileSync('sqlite3', [db], { input: query, encoding: 'utf8' }).trim();
}

/** Start the office server (stopped at exit). */
export async function serve() {
  const child = spawn(env.office, ['--data', data(), 'serve', '--listen', `127.0.0.1:${env.port}`, '--web', env.web], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  process.on('exit', () => child.kill());
  for (let i = 0; i < 100; i++) {
    if (log.includes('listening')) return child;
    if (child.exitCode !== null) throw new Error(`weibao-office exited: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`weibao-office not listening: ${log}`);
}

/** Headless chromium at 1366×768 through chromium-driver. */
export async function browser() {
  const b = await remote({
    hostname: '127.0.0.1',
    port: env.driverPort,
    logLevel: 'error',
    capabilities: {
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: '/usr/bin/chromium',
        args: ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--window-size=1366,768', '--lang=zh-CN', '--disable-gpu'],
      },
    },
  });
  // The page itself 1366×768 (the window's own bars are not part of what a user sees).
  const inner = await b.execute(() => [window.innerWidth, window.innerHeight]);
  await b.setWindowSize(1366 + 1366 - inner[0], 768 + 768 - inner[1]);
  return b;
}

let shot = 0;
/** A screenshot of the whole window into test-artifacts/screens/office/NN-name.png. */
export async function screenshot(b, name) {
  const dir = join(env.art, 'screens', 'office');
  mkdirSync(dir, { recursive: true });
  shot += 1;
  await b.saveScreenshot(join(dir, `${String(shot).padStart(2, '0')}-${name}.png`));
}

export async function type(b, sel, text) {
  const el = await b.$(sel);
  await el.waitForDisplayed({ timeout: 10000 });
  await el.clearValue();
  await el.setValue(text);
}

export async function tap(b, sel) {
  const el = await b.$(sel);
  await el.waitForClickable({ timeout: 10000 });
  await el.click();
}

export async function text(b, sel) {
  const el = await b.$(sel);
  await el.waitForDisplayed({ timeout: 10000 });
  return el.getText();
}

/** Wait until `sel` exists and its text contains `want`. */
export async function waitText(b, sel, want, timeout = 15000) {
  let last = '';
  await b.waitUntil(async () => {
    const el = await b.$(sel);
    if (!(await el.isExisting())) return false;
    last = await el.getText();
    return last.includes(want);
  }, { timeout, timeoutMsg: `${sel} never showed ${JSON.stringify(want)}; last: ${JSON.stringify(last.slice(0, 400))}` });
  return last;
}

export async function login(b, name, password) {
  await b.url(`${url()}/`);
  await type(b, 'input[name=name]', name);
  await type(b, 'input[name=password]', password);
  await tap(b, '[data-testid=login] button[type=submit]');
  await waitText(b, '[data-testid=me]', name);
}

export async function logout(b) {
  await tap(b, '[data-testid=logout]');
  await (await b.$('[data-testid=login]')).waitForDisplayed({ timeout: 10000 });
}

export async function go(b, area) {
  await tap(b, `nav a[data-area=${area}]`);
}

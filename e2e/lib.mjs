// Helpers for driving the real app through tauri-driver: a session per test, actions that are
// counted (so we can say how many taps an inspection item costs), waits, screenshots.
import { remote } from 'webdriverio';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const env = {
  bin: process.env.E2E_BIN,
  cli: process.env.E2E_CLI,
  db: process.env.E2E_DB,
  work: process.env.E2E_WORK,
  art: process.env.E2E_ART ?? 'test-artifacts',
  port: Number(process.env.E2E_PORT ?? 4444),
};

/** Start the app (a fresh process on the shared test database) and return a driver. */
export async function launch() {
  const browser = await remote({
    hostname: '127.0.0.1',
    port: env.port,
    logLevel: 'error',
    connectionRetryCount: 0,
    capabilities: { 'wdio:enforceWebDriverClassic': true, 'tauri:options': { application: env.bin } },
  });
  // The screen the issue names for every screenshot: a common laptop's 1366×768. The app's
  // own default window (tauri.conf.json) stays smaller, to fit beside a taskbar.
  await browser.setWindowRect(0, 0, 1366, 768);
  return new App(browser);
}

export class App {
  constructor(browser) {
    this.b = browser;
    /** UI actions a person would do: taps and typed fields (one per field, not per key). */
    this.actions = 0;
  }

  $(sel) { return this.b.$(sel); }
  $$(sel) { return this.b.$$(sel); }

  async el(sel, timeout = 10000) {
    const e = await this.b.$(sel);
    await e.waitForDisplayed({ timeout, timeoutMsg: `not shown within ${timeout} ms: ${sel}` });
    return e;
  }

  /** One tap. */
  async tap(sel) {
    try {
      const e = await this.el(sel);
      await e.scrollIntoView({ block: 'center' });
      await e.click();
    } catch (err) {
      // The screen re-rendered between finding the element and clicking it (a view reloaded
      // after a write): find it again, once. Still one action for the person.
      if (!/interactable|stale/i.test(String(err?.message))) throw err;
      await this.b.pause(300);
      const e = await this.el(sel);
      await e.scrollIntoView({ block: 'center' });
      // WebKitWebDriver sometimes calls a visible, enabled button at the top of its own
      // hit-test point "not interactable" (the archive's 现场更正). It must be what the page
      // shows at its centre; then the page's own click, as a tap would give.
      const onTop = await this.b.execute((el) => {
        const r = el.getBoundingClientRect();
        return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
      }, e);
      if (!onTop) throw err;
      await this.b.execute((el) => el.click(), e);
    }
    this.actions += 1;
  }

  /** Type into a field (one action: focus and type). */
  async type(sel, text) {
    const e = await this.el(sel);
    await e.scrollIntoView({ block: 'center' });
    await e.click();
    await e.clearValue();
    if (text !== '') await e.addValue(text);
    this.actions += 1;
  }

  async text(sel) { return (await this.el(sel)).getText(); }

  /** Wait until `sel`'s text contains `needle`. */
  async waitText(sel, needle, timeout = 10000) {
    await this.b.waitUntil(async () => {
      const e = await this.b.$(sel);
      return (await e.isExisting()) && (await e.getText()).includes(needle);
    }, { timeout, timeoutMsg: `"${needle}" not in ${sel} within ${timeout} ms` });
  }

  /** Screenshot into test-artifacts/screens/NAME.png, after the screen has settled. */
  async shot(name) {
    const dir = join(env.art, 'screens');
    mkdirSync(dir, { recursive: true });
    await this.b.pause(300);
    await this.b.saveScreenshot(join(dir, `${name}.png`));
  }

  async quit() {
    try { await this.b.deleteSession(); } catch { /* the app may already be gone */ }
  }
}

export function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

/** The files a database is made of (the SQLite file, its journal, its photo folder). */
export const DB_FILES = ['', '-wal', '-shm', '.blobs'];

function moveDatabase(from, to) {
  for (const ext of DB_FILES) if (existsSync(from + ext)) renameSync(from + ext, to + ext);
}

/** Run `body` on a database of its own (the app starts empty, as on a new laptop), then put
 *  the suite's shared database back, whatever happened. */
export async function withOwnDatabase(body) {
  const shared = `${env.db}.shared`;
  moveDatabase(env.db, shared);
  try {
    return await body();
  } finally {
    for (const ext of DB_FILES) rmSync(env.db + ext, { recursive: true, force: true });
    moveDatabase(shared, env.db);
  }
}

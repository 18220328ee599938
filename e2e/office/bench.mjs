// The board's first paint in headless chromium at 1366×768 (run by `cargo bench -p
// weibao-office --bench board`, which starts the server and chromium-driver): log in, open the
// board, and time from navigation to the first board row on screen, plus the browser's own
// first-contentful-paint. Prints figures; asserts nothing.
import { remote } from 'webdriverio';

const base = process.env.BENCH_URL;
const b = await remote({
  hostname: '127.0.0.1', port: Number(process.env.E2E_DRIVER_PORT), logLevel: 'error',
  capabilities: { browserName: 'chrome', 'goog:chromeOptions': { binary: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--window-size=1366,768', '--disable-gpu'] } },
});
try {
  await b.url(`${base}/`);
  await (await b.$('input[name=name]')).setValue(process.env.BENCH_USER);
  await (await b.$('input[name=password]')).setValue(process.env.BENCH_PASSWORD);
  await (await b.$('[data-testid=login] button[type=submit]')).click();
  await (await b.$('[data-testid=me]')).waitForDisplayed({ timeout: 60000 });
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    await b.url(`${base}/#/board`);
    await b.waitUntil(async () => (await b.$('table[data-testid=board] tbody tr')).isExisting(), { timeout: 120000, interval: 20 });
    const wall = Date.now() - t0;
    const [fcp, rows] = await b.execute(() => [
      performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      document.querySelectorAll('table[data-testid=board] tbody tr').length,
    ]);
    runs.push({ wall, fcp, rows });
  }
  for (const [i, r] of runs.entries()) {
    console.log(`board first paint, load ${i + 1}: ${r.wall} ms to the first row (${r.rows} rows on the page), first-contentful-paint ${r.fcp === null ? '—' : `${Math.round(r.fcp)} ms`}`);
  }
} finally {
  await b.deleteSession().catch(() => {});
}

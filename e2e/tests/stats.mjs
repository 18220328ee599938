// The customer's quarter on screen and exported as the workbook sent to the customer.
import { existsSync, readFileSync } from 'node:fs';
import { launch, assert } from '../lib.mjs';

export const tests = [
  {
    name: 'statistics: the quarter of a customer on screen, exported as a workbook with its three sheets, and its signed device status report',
    async run() {
      const app = await launch();
      try {
        await app.tap('[data-nav="stats"]');
        await app.el('[data-screen="stats"]', 30000);
        await app.el('[data-testid="stats"]', 20000);
        const faults = Number(await app.text('[data-testid="faults"]'));
        assert(Number.isInteger(faults) && faults >= 1, `the demo quarter has faults: ${faults}`);
        await app.shot('60-stats');
        // A quarter that does not exist is named, not guessed.
        await app.type('input[name="quarter"]', '2026Q5');
        await app.tap('form button[type="submit"]');
        await app.waitText('[data-testid="error"]', '2026Q5');
        const now = new Date(Date.now() + 8 * 3600 * 1000); // China time, as the app counts
        await app.type('input[name="quarter"]', `${now.getUTCFullYear()}Q${Math.floor(now.getUTCMonth() / 3) + 1}`);
        await app.tap('form button[type="submit"]');
        await app.el('[data-testid="stats"]');
        await app.tap('[data-testid="stats-export"]');
        const shown = await app.text('[data-testid="exported"]');
        const path = shown.slice(shown.indexOf('/')).trim();
        assert(existsSync(path), `the workbook is on disk: ${path}`);
        // An XLSX is a zip; its member names are stored as plain text in the zip's directory.
        const bytes = readFileSync(path);
        assert(bytes.subarray(0, 4).toString('latin1') === 'PK\x03\x04', 'a zip (XLSX)');
        for (const n of [1, 2, 3]) assert(bytes.includes(`xl/worksheets/sheet${n}.xml`), `sheet ${n} in ${path}`);
        // The quarter's device status report: made, signed and filed by the core, next to it.
        await app.tap('[data-testid="status-report"]');
        await app.el('[data-testid="status-report-path"]', 60000);
        const pdf = (await app.text('[data-testid="status-report-path"]')).trim();
        assert(existsSync(pdf), `the status report is on disk: ${pdf}`);
        assert(readFileSync(pdf).subarray(0, 5).toString('latin1') === '%PDF-', 'a PDF');
        await app.shot('61-status-report');
      } finally {
        await app.quit();
      }
    },
  },
];

// Minimum stock: the engineer sets a minimum for buffer pads in the van from the stock screen
// (a figure the core refuses is named, nothing saved), the line turns to "restock", and Today
// warns before the last pad goes. The minimum is put back as it was at the end.
import { execFileSync } from 'node:child_process';
import { launch, assert, env } from '../lib.mjs';

const VAN = '张伟车载库';
const PAD = 'PAD-BG';

/** How Today writes an on-hand figure. */
const t0 = (n) => `现有 ${n}`;

function padLine() {
  const out = execFileSync(env.cli, ['--db', env.db, '--json', 'stock', 'show', VAN]);
  return JSON.parse(out.toString()).find((l) => l.part_code === PAD);
}

export const tests = [
  {
    name: 'stock: a minimum set on the stock screen, a bad figure named, the low part warned on Today',
    async run() {
      const before = padLine();
      assert(before && before.minimum !== null, `the demo van has a pad minimum: ${JSON.stringify(before)}`);
      // Above both what is on hand and the minimum now: a change, and a low line.
      const above = Math.max(before.on_hand, before.minimum) + 1;
      const app = await launch();
      try {
        await app.tap('[data-nav="stock"]');
        await app.el('[data-screen="stock"]', 30000);
        await app.tap(`[data-location="${VAN}"]`);
        const row = `[data-testid="stock-lines"] tr[data-part="${PAD}"]`;
        await app.el(row);
        // A negative minimum: the core's message names the field, the old minimum stays.
        await app.tap(`${row} [data-testid="minimum-edit"]`);
        await app.type(`${row} [data-testid="minimum-input"]`, '-1');
        await app.tap(`${row} [data-testid="minimum-save"]`);
        await app.waitText('[data-testid="error"]', '最低库存');
        const field = await (await app.$('[data-testid="error"]')).getAttribute('data-field');
        assert(field === 'stock_minimum.minimum', `the error names the field: ${field}`);
        assert(padLine().minimum === before.minimum, 'the refused figure changed nothing');
        await app.shot('90-stock-minimum-refused');
        // One more than on hand: the line says restock.
        await app.type(`${row} [data-testid="minimum-input"]`, String(above));
        await app.tap(`${row} [data-testid="minimum-save"]`);
        await app.waitText(`${row} [data-testid="minimum"]`, String(above));
        await app.el(`${row} [data-testid="restock"]`);
        await app.el('[data-testid="low-count"]');
        assert(padLine().minimum === above && padLine().low, 'stored and low');
        await app.shot('91-stock-low');
        // Today warns, with the van, the part, what is on hand and the shortfall.
        await app.tap('[data-nav="today"]');
        await app.el('[data-screen="today"]');
        const warn = `[data-testid="low-stock"] [data-part="${PAD}"]`;
        await app.waitText(warn, '道闸缓冲垫');
        const text = await app.text(warn);
        assert(text.includes(VAN) && text.includes(`${t0(before.on_hand)}`) && text.includes(`需补 ${above - before.on_hand}`), text);
        await app.shot('92-today-low-stock');
        await app.tap('[data-testid="to-stock"]');
        await app.el('[data-screen="stock"]');
      } finally {
        await app.quit();
        execFileSync(env.cli, ['--db', env.db, 'stock', 'minimum', VAN, PAD, String(before.minimum)]);
      }
    },
  },
];

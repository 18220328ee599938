// The suite: runs tests in order (they share one database: the first loads the demo through
// the first-start screen) and ends with the plain "N passed, N failed" line.
import { tests as setup } from './tests/setup.mjs';
import { tests as browse } from './tests/browse.mjs';
import { tests as repair } from './tests/repair.mjs';
import { tests as inspection } from './tests/inspection.mjs';
import { tests as templates } from './tests/templates.mjs';
import { tests as english } from './tests/english.mjs';
import { tests as durability } from './tests/durability.mjs';
import { tests as sla } from './tests/sla.mjs';
import { tests as sync } from './tests/sync.mjs';
import { tests as newcomer } from './tests/newcomer.mjs';
import { tests as stats } from './tests/stats.mjs';
import { tests as paperForm } from './tests/paper_form.mjs';
import { tests as labels } from './tests/labels.mjs';
import { tests as stock } from './tests/stock.mjs';
import { tests as archiveEdit } from './tests/archive_edit.mjs';

const all = [...setup, ...browse, ...sla, ...inspection, ...templates, ...english, ...durability, ...repair, ...paperForm, ...stats, ...labels, ...archiveEdit, ...stock, ...sync, ...newcomer];
const filter = process.argv[2];
let passed = 0;
let failed = 0;
for (const t of all) {
  if (filter && !t.name.includes(filter) && !t.always) continue;
  const t0 = Date.now();
  try {
    await t.run();
    passed += 1;
    console.log(`ok   ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${t.name}: ${e?.stack ?? e}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

// English all the way (issue 12, point 7): switched to English, a whole quarterly inspection of
// a demo lane — Today, the runner (refused while items are missing, then every item), the
// customer's signature and the signed report — shows no Chinese on any screen except data
// the customer gave: names of customers, sites, lanes, devices, people, addresses, what they
// reported. That allow-list is read from the database, not written by hand.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, assert, env } from '../lib.mjs';
import { answerRow, sign } from './inspection.mjs';

/** Chinese (and Japanese/Korean) characters and CJK/full-width punctuation: the same ranges as
 *  the core's `domain::values::is_cjk`. */
const CJK = /[\u2E80-\u2FDF\u3000-\u303F\u3040-\u30FF\u3100-\u31FF\u3200-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\u{20000}-\u{3FFFF}]/u;

/** Every text value the customer or the office gave, from the tables that hold such data (and
 *  the phenomena customers reported, but not those an inspection wrote), longest first. */
function customerData() {
  const queries = [
    'SELECT * FROM company', 'SELECT * FROM engineer', 'SELECT * FROM customer', 'SELECT * FROM contact',
    'SELECT * FROM site', 'SELECT * FROM lane', 'SELECT * FROM device', 'SELECT * FROM contract',
    'SELECT phenomenon, location, contact_name, taken_by FROM fault_report WHERE work_order_id NOT IN (SELECT work_order_id FROM inspection_fault)',
  ];
  const values = new Set();
  for (const q of queries) {
    const out = execFileSync('sqlite3', ['-readonly', '-json', env.db, q], { encoding: 'utf8' });
    for (const row of out.trim() ? JSON.parse(out) : []) {
      for (const v of Object.values(row)) if (typeof v === 'string' && CJK.test(v)) values.add(v.trim());
    }
  }
  return [...values].filter((v) => v).sort((a, b) => b.length - a.length);
}

/** The screen's visible text with the customer's data taken out; fails naming any Chinese left. */
async function assertEnglish(app, screen, allowed) {
  let text = await app.b.execute(() => document.body.innerText);
  for (const v of allowed) text = text.split(v).join(' ');
  const lines = text.split('\n').filter((l) => CJK.test(l));
  assert(lines.length === 0, `${screen}: Chinese outside the customer's data:\n  ${lines.slice(0, 8).join('\n  ')}`);
  return text.length;
}

export const tests = [
  {
    name: 'English all the way: quarterly inspection from Today to the signed report shows no Chinese but the customer\'s data',
    async run() {
      const photo = join(env.work, 'lane-en.jpg');
      execFileSync('convert', ['-size', '1200x900', 'plasma:fractal', '-quality', '85', photo]);
      const signer = '王建国'; // typed by the customer below
      // Besides the customer's data, two words stay Chinese on purpose: the product's name in
      // the side bar (维保) and the switch back to Chinese, which names its language in it (中文).
      const allowed = [...customerData(), signer, '维保', '中文'];
      console.log(`     allow-list from the database: ${allowed.length} values`);
      const app = await launch();
      try {
        await app.el('[data-screen="today"]', 30000);
        await app.tap('[data-testid="lang"]');
        await app.waitText('[data-screen="today"]', 'Today');
        await app.el('[data-due]');
        await assertEnglish(app, 'Today', allowed);
        await app.shot('en-01-today');

        // The last due lane (the Chinese inspection test takes the first).
        const lanes = await app.$$('[data-due]');
        const lane = await lanes[lanes.length - 1].getAttribute('data-due');
        await app.tap(`[data-due="${lane}"]`);
        await app.el('[data-screen="inspection"]');
        await app.el('[data-key]');
        await assertEnglish(app, 'Inspection (start)', allowed);
        await app.shot('en-02-inspection-start');

        // Completing too early: the missing items are listed in English, by their labels.
        await app.tap('[data-testid="complete"]');
        await app.waitText('[data-testid="error"][data-kind="inspection_incomplete"]', 'required items are unanswered');
        await assertEnglish(app, 'Inspection (incomplete)', allowed);
        await app.shot('en-03-inspection-incomplete');

        let items = 0;
        for (let guard = 0; guard < 400; guard++) {
          const row = await app.$('[data-answered="no"]');
          if (!(await row.isExisting())) break;
          await answerRow(app, row, photo, 'OK');
          items += 1;
        }
        await app.tap('[data-testid="complete"]');
        await app.el('[data-testid="to-signature"]');
        const chars = await assertEnglish(app, 'Inspection (completed)', allowed);
        console.log(`     ${items} items answered in English; ${chars} characters of the completed runner checked`);
        await app.shot('en-04-inspection-completed');

        await app.tap('[data-testid="to-signature"]');
        await app.el('[data-screen="signature"]');
        await assertEnglish(app, 'Signature', allowed);
        await sign(app);
        await app.type('input[name="signer"]', signer);
        await app.shot('en-05-signature');
        await app.tap('[data-testid="finish"]');
        await app.el('[data-screen="report"]', 60000);
        await app.el('[data-testid="pdf-pages"] img', 60000);
        await app.tap('[data-testid="verify"]');
        await app.waitText('[data-testid="verify-status"]', 'Signature valid');
        await assertEnglish(app, 'Report', allowed);
        await app.b.pause(800);
        await app.shot('en-06-report');
      } finally {
        // The later tests expect the first-start language.
        try {
          if ((await app.text('[data-testid="lang"]')) === '中文') await app.tap('[data-testid="lang"]');
        } catch { /* the app is gone; the next launch reads the stored choice */ }
        await app.quit();
      }
    },
  },
];

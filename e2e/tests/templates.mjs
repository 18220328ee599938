// Any checklist template started from a lane (issue 14): the daily maintenance (§7.1) run end
// to end through the same inspection screen to its signed report, titled as one; and the
// baseline inspection at contract start (§7.9), whose failed item is marked pre-existing on
// the fault and on the device's history.
import { execFileSync } from 'node:child_process';
import { existsSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, assert, env } from '../lib.mjs';
import { answerRow, sign } from './inspection.mjs';

/** Sites → the `n`-th lane from the end (the other tests take the first lanes). */
async function openLane(app, n) {
  await app.tap('[data-nav="sites"]');
  await app.el('[data-lane]');
  const lanes = await app.$$('[data-lane]');
  const code = await lanes[lanes.length - n].getAttribute('data-lane');
  await app.tap(`[data-lane="${code}"]`);
  await app.el('[data-testid="lane-templates"] [data-template]');
  return code;
}

/** Answer every unanswered row (conditional rows appear as their conditions are met). */
async function answerAll(app, photo) {
  let items = 0;
  for (let guard = 0; guard < 400; guard++) {
    const row = await app.$('[data-answered="no"]');
    if (!(await row.isExisting())) break;
    await answerRow(app, row, photo);
    items += 1;
  }
  return items;
}

export const tests = [
  {
    name: 'templates: daily maintenance started from a lane → every item → complete → signed report titled 日常维护记录',
    async run() {
      const photo = join(env.work, 'daily.jpg');
      execFileSync('convert', ['-size', '1600x1200', 'plasma:fractal', '-quality', '85', photo]);
      const app = await launch();
      try {
        await app.el('[data-screen="today"]', 30000);
        const lane = await openLane(app, 1);
        // The lane offers every template the core lists: the three shipped kinds at least.
        for (const kind of ['daily', 'quarterly', 'baseline']) {
          assert(await app.$(`[data-template-kind="${kind}"]`).isExisting(), `the lane offers a ${kind} template`);
        }
        await app.shot('80-lane-templates');
        await app.tap('[data-template-kind="daily"]');
        await app.el('[data-screen="inspection"]');
        await app.waitText('[data-screen="inspection"]', '日常维护');
        await app.el('[data-key]');
        await app.shot('81-daily-start');
        app.actions = 0;
        const items = await answerAll(app, photo);
        console.log(`     daily maintenance of ${lane}: ${items} items answered with ${app.actions} UI actions`);
        await app.shot('82-daily-answered');
        await app.tap('[data-testid="complete"]');
        await app.el('[data-testid="to-signature"]');
        await app.tap('[data-testid="to-signature"]');
        await app.el('[data-screen="signature"]');
        await sign(app);
        await app.type('input[name="signer"]', '李华');
        await app.tap('[data-testid="finish"]');
        await app.el('[data-screen="report"]', 60000);
        await app.el('[data-testid="pdf-pages"] img', 60000);
        await app.waitText('[data-testid="verify-status"]', '签名有效');
        await app.b.pause(1000);
        await app.shot('83-daily-report');
        const pdf = await app.text('[data-testid="pdf-path"]');
        assert(existsSync(pdf), `PDF on disk: ${pdf}`);
        copyFileSync(pdf, join(env.art, 'daily-maintenance-report.pdf'));
        const text = execFileSync('pdftotext', ['-l', '1', pdf, '-'], { encoding: 'utf8' });
        assert(text.includes('日常维护记录'), `the report is titled 日常维护记录: ${text.slice(0, 200)}`);
        assert(!text.includes('巡检记录'), 'not titled as a periodic inspection');
        const out = execFileSync(env.cli, ['verify', pdf], { encoding: 'utf8' });
        assert(out.includes('有效 valid'), `weibao verify accepts the PDF: ${out}`);
      } finally {
        await app.quit();
      }
    },
  },
  {
    name: 'templates: baseline inspection started from a lane, its failed item pre-existing on the fault and the device history',
    async run() {
      const photo = join(env.work, 'baseline.jpg');
      execFileSync('convert', ['-size', '1600x1200', 'plasma:fractal', '-quality', '85', photo]);
      const app = await launch();
      try {
        await app.el('[data-screen="today"]', 30000);
        await openLane(app, 2);
        await app.tap('[data-template-kind="baseline"]');
        await app.el('[data-screen="inspection"]');
        await app.waitText('[data-screen="inspection"]', '基线');
        await app.el('[data-key]');
        await app.shot('84-baseline-start');
        // A device found worn (a failing option of its condition): confirmed as a fault, which
        // says it was pre-existing.
        const failKey = await app.b.execute(() => {
          const rows = [...document.querySelectorAll('[data-key*="@"]')];
          const row = rows.find((r) => r.querySelector('button[data-fails="true"]'));
          return row?.getAttribute('data-key') ?? null;
        });
        assert(failKey, 'a device item with a failing option exists');
        const device = failKey.split('@')[1];
        await app.tap(`[data-key="${failKey}"] button[data-fails="true"]`);
        await app.el(`[data-key="${failKey}"] [data-testid="confirm-fault"]`);
        await app.tap(`[data-key="${failKey}"] [data-testid="confirm-fault"]`);
        await app.el('[data-screen="workorder"]');
        await app.waitText('[data-screen="workorder"]', '既有问题');
        await app.shot('85-baseline-fault-pre-existing');
        await app.tap('[data-testid="back"]');
        await app.el(`[data-key="${failKey}"]`);
        await answerAll(app, photo);
        await app.tap('[data-testid="complete"]');
        await app.el('[data-testid="to-signature"]');
        await app.shot('86-baseline-completed');
        // The device's history says what was found there at takeover.
        await app.tap('[data-nav="sites"]');
        await (await app.$('[data-testid="search-mode"]')).selectByAttribute('value', 'code');
        await app.type('[data-testid="search-text"]', device);
        await app.tap('[data-testid="search-go"]');
        await app.tap(`[data-device="${device}"]`);
        await app.waitText('.timeline', '既有问题（接管前已存在）');
        await app.shot('87-device-history-pre-existing');
      } finally {
        await app.quit();
      }
    },
  },
];

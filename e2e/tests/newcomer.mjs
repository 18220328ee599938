// A newcomer's first day, on a laptop of their own: start empty, import the office's inventory
// file (after a file with a bad row is refused), add a device found at the lane by hand, repair
// a fault on an imported device and find the signed report again from the device's history.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, assert, env, withOwnDatabase } from '../lib.mjs';
import { sign } from './inspection.mjs';

/** The office's inventory as a workbook, made the way the office makes one: records added with
 *  the CLI into a scratch database, then `weibao export`. And a CSV with a row that is wrong. */
function inventoryFiles() {
  const src = join(env.work, 'office-inventory.db');
  rmSync(src, { force: true });
  const cli = (...args) => execFileSync(env.cli, ['--db', src, ...args], { encoding: 'utf8' });
  cli('add', 'customer', '渭南物流园', '--contact', '李志强', '--phone', '0913-2345678');
  cli('add', 'site', '--customer', '渭南物流园', '渭南物流园卡口');
  cli('add', 'lane', '--site', '渭南物流园卡口', '--code', 'L01', '1号进口车道');
  const lane = '渭南物流园卡口/L01';
  cli('add', 'device', '--lane', lane, '--code', 'WN01-L01-BG01', '--type', '道闸', '--model', 'JSDZ0601',
    '--manufacturer', '捷顺科技', '--serial', 'JS24010001', '--warranty-end', '2027-06-30');
  cli('add', 'device', '--lane', lane, '--code', 'WN01-L01-CM01', '--type', '摄像机', '--model', 'DS-2CD3T47',
    '--manufacturer', '海康威视', '--serial', 'HK24010001');
  const xlsx = join(env.work, 'weinan-inventory.xlsx');
  rmSync(xlsx, { force: true });
  cli('export', '--out', xlsx);
  const bad = join(env.work, 'sites-with-a-mistake.csv');
  writeFileSync(bad, '客户名称,站点名称\n没有这个客户,渭南二号卡口\n');
  return { xlsx, bad };
}

/** Choose a file in the import card (the file input, made visible for the driver). */
async function chooseFile(app, path) {
  const input = await app.$('[data-testid="import-file"]');
  await app.b.execute((el) => { el.style.opacity = '1'; el.style.position = 'static'; }, input);
  await input.addValue(path);
}

export const tests = [
  {
    name: 'newcomer: start empty, import the inventory, repair a fault on an imported device, find the signed report from its history',
    async run() {
      const { xlsx, bad } = inventoryFiles();
      await withOwnDatabase(async () => {
        const app = await launch();
        try {
          await app.el('[data-testid="profile-form"]', 30000);
          await app.type('[data-testid="profile-form"] input[name="company"]', '秦川机电维保');
          await app.type('[data-testid="profile-form"] input[name="name"]', '刘洋');
          await app.type('[data-testid="profile-form"] input[name="phone"]', '138 0000 1234');
          await app.type('[data-testid="profile-form"] input[name="report_prefix"]', 'QC');
          await app.tap('[data-testid="profile-form"] button[type="submit"]');
          // Starting empty lands on the inventory; the empty screens say where to go.
          await app.el('[data-screen="inventory"]', 30000);
          await app.tap('[data-nav="today"]');
          await app.tap('[data-testid="to-inventory"]');
          await app.el('[data-screen="inventory"]');
          await app.shot('50-newcomer-inventory');

          // A file with a bad row: the problem is listed by file, row and column; nothing is written.
          await chooseFile(app, bad);
          await app.waitText('[data-testid="import-problems"]', '没有这个客户', 20000);
          await app.waitText('[data-testid="import-problems"]', 'sites-with-a-mistake.csv');
          await app.shot('51-import-problems');
          // The office's workbook: checked first (counts), then imported.
          await chooseFile(app, xlsx);
          const summary = await app.el('[data-testid="import-summary"]', 20000);
          assert((await summary.getAttribute('data-imported')) === 'no', 'a dry run first');
          await app.tap('[data-testid="import-go"]');
          await app.el('[data-testid="import-done"]', 20000);
          await app.shot('52-import-done');

          // A loop detector found at the lane, not in the office's file: added by hand.
          const form = '[data-testid="add-device"]';
          await (await app.el(`${form} select[name="lane_id"]`)).selectByVisibleText('渭南物流园卡口 · L01 1号进口车道');
          await (await app.el(`${form} select[name="device_type"]`)).selectByAttribute('value', 'loop_detector');
          await app.type(`${form} input[name="code"]`, 'WN01-L01-LD01');
          await app.type(`${form} input[name="model"]`, 'PD132');
          await app.type(`${form} input[name="manufacturer"]`, '深圳安视');
          await app.type(`${form} input[name="serial"]`, 'AS24010007');
          await app.tap(`${form} button[type="submit"]`);
          await app.waitText(`${form} [data-testid="made"]`, 'WN01-L01-LD01');
          await app.shot('53-added-by-hand');

          // The imported gate: its archive, a fault reported with the contract's level terms.
          await app.tap('[data-nav="sites"]');
          await app.tap('[data-lane="L01"]');
          await app.el('[data-device="WN01-L01-LD01"]');
          await app.tap('[data-device="WN01-L01-BG01"]');
          await app.el('[data-screen="device"]');
          await app.tap('[data-testid="report-fault"]');
          await app.tap('[data-level="2"]');
          const def = await app.text('[data-testid="level-definition"]');
          assert(def.length > 8 && /小时|分钟/.test(def), `level 2's definition and limits are shown: ${def}`);
          await app.type('textarea[name="phenomenon"]', '道闸落杆后反弹，限位开关失灵');
          await app.type('input[name="contact_name"]', '李志强');
          await app.type('input[name="contact_phone"]', '0913-2345678');
          await app.tap('form button[type="submit"]');
          await app.el('[data-screen="workorder"]');
          for (const to of ['assigned', 'responded', 'on_site']) {
            await app.tap(`[data-testid="advance"][data-to="${to}"]`);
            await app.el(`[data-testid="advance"]:not([data-to="${to}"])`);
          }
          await app.type('textarea[name="found_state"]', '落杆到位后反弹约 30 度，限位开关触点松动');
          await app.type('textarea[name="process"]', '紧固限位开关并调整行程，试抬落杆 20 次正常');
          await app.type('textarea[name="analysis"]', '长期振动导致限位开关固定螺丝松动');
          await app.waitText('[data-testid="save-state"]', '已保存');
          // No van stock on a laptop that never synced: the panel says so instead of a blank.
          await app.el('[data-testid="parts-panel"] p');
          await app.tap('[data-testid="advance"][data-to="resolved"]');
          await app.waitText('[data-testid="wo-state"]', '已解决');

          // The person who reported the fault is offered as the signer.
          await app.tap('[data-testid="to-signature"]');
          await app.el('[data-screen="signature"]');
          await app.b.waitUntil(async () => (await app.$('input[name="signer"]').getValue()) === '李志强',
            { timeout: 10000, timeoutMsg: 'the fault reporter is offered as signer' });
          await sign(app);
          await app.tap('[data-testid="finish"]');
          await app.el('[data-screen="report"]', 60000);
          await app.waitText('[data-testid="verify-status"]', '签名有效', 60000);
          const number = await app.text('[data-testid="report-number"]');
          assert(number.startsWith('QC'), `the report is numbered with the newcomer's prefix: ${number}`);
          await app.tap('[data-testid="back"]');
          await app.el('[data-screen="workorder"]');

          // Found again later from the device's history.
          await app.tap('[data-nav="sites"]');
          await app.tap('[data-lane="L01"]');
          await app.tap('[data-device="WN01-L01-BG01"]');
          await app.el('[data-screen="device"]');
          await app.shot('54-newcomer-device-history');
          await app.tap(`[data-testid="history-report"][data-report="${number}"]`);
          await app.waitText('[data-testid="report-number"]', number);
          await app.el('[data-testid="pdf-pages"] img', 60000);
          await app.shot('55-newcomer-report');

          // The profile is editable; a bad phone is named, a good one saved.
          await app.tap('[data-nav="profile"]');
          await app.el('[data-screen="profile"]');
          await app.type('[data-testid="profile-edit"] input[name="phone"]', '12');
          await app.tap('[data-testid="profile-edit"] button[type="submit"]');
          await app.waitText('[data-testid="profile-edit"] [data-testid="error"]', '手机');
          await app.type('[data-testid="profile-edit"] input[name="phone"]', '139 1111 2222');
          await app.tap('[data-testid="profile-edit"] button[type="submit"]');
          await app.el('[data-testid="profile-saved"]');
          await app.shot('56-profile');
        } finally {
          await app.quit();
        }
      });
    },
  },
];

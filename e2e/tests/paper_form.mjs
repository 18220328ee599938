// The whole 报障登记表 and 客户服务记录表 in the app: a fault reported by fax with its time,
// place, caller, phone and who took it; the repair with backup and restore, the customer's
// opinion and satisfaction and the handling result; signed — and the PDF holds every value.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch, assert, env } from '../lib.mjs';
import { sign } from './inspection.mjs';

const FORM = {
  phenomenon: '读卡器读卡距离变短，须贴近才能读卡',
  fault_time: '2026-11-30T07:45',
  location: '2号出口车道 读卡器立柱',
  contact_name: '陈建国',
  contact_phone: '029-86366001',
  taken_by: '客服中心 周敏',
};
const RECORD = {
  found_state: '读卡器天线接头受潮氧化，读卡距离约 2 厘米',
  process: '清洁并更换天线接头，加装防水护套，测试卡连续读卡 30 次正常',
  backup_restore: '更换前导出读卡器白名单与参数，更换后导入并逐项核对',
  customer_feedback: '读卡恢复正常，处理及时',
};
const RESULT = '已修复，读卡距离恢复至 8 厘米';

export const tests = [
  {
    name: 'paper forms: a fault with every 报障登记表 field, the service record with feedback and satisfaction, signed; the PDF holds every value',
    async run() {
      const app = await launch();
      try {
        await app.tap('[data-nav="sites"]');
        await app.tap('[data-lane]');
        await app.tap('[data-device*="-CR"]');
        await app.el('[data-screen="device"]');
        await app.tap('[data-testid="report-fault"]');
        // The channels are the core's list (an option is never "displayed" in a closed select).
        await app.b.waitUntil(async () => app.$('select[name="channel"] option[value="fax"]').isExisting(),
          { timeout: 10000, timeoutMsg: 'the core lists the channels' });
        await app.type('textarea[name="phenomenon"]', FORM.phenomenon);
        // datetime-local takes its value as the webview's own control does: set and announce it.
        const when = await app.el('input[name="fault_time"]');
        await app.b.execute((el, v) => { el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); }, when, FORM.fault_time);
        for (const k of ['location', 'contact_name', 'contact_phone', 'taken_by']) await app.type(`input[name="${k}"]`, FORM[k]);
        await (await app.el('select[name="channel"]')).selectByAttribute('value', 'fax');
        await app.shot('57-fault-register-form');
        await app.tap('form button[type="submit"]');
        await app.el('[data-screen="workorder"]');
        await app.waitText('[data-testid="fault-register"]', '传真');
        await app.waitText('[data-testid="fault-register"]', FORM.taken_by);
        for (const to of ['assigned', 'responded', 'on_site']) {
          await app.tap(`[data-testid="advance"][data-to="${to}"]`);
          await app.el(`[data-testid="advance"]:not([data-to="${to}"])`);
        }
        for (const [k, v] of Object.entries(RECORD)) await app.type(`textarea[name="${k}"]`, v);
        await (await app.el('select[name="satisfaction"]')).selectByVisibleText('4 · 满意');
        await app.waitText('[data-testid="save-state"]', '已保存');
        // The handling result, in the engineer's words (the core offers the record's when empty).
        await app.type('input[name="fault_result"]', RESULT);
        await app.tap('[data-testid="save-result"]');
        await app.b.pause(500);
        await app.shot('58-service-record-form');
        await app.tap('[data-testid="advance"][data-to="resolved"]');
        await app.waitText('[data-testid="wo-state"]', '已解决');
        await app.tap('[data-testid="to-signature"]');
        await app.el('[data-screen="signature"]');
        await app.b.waitUntil(async () => (await app.$('input[name="signer"]').getValue()) === FORM.contact_name,
          { timeout: 10000, timeoutMsg: 'the caller is offered as signer' });
        await sign(app);
        await app.tap('[data-testid="finish"]');
        await app.el('[data-screen="report"]', 60000);
        await app.waitText('[data-testid="verify-status"]', '签名有效', 60000);
        await app.el('[data-testid="pdf-pages"] img', 60000);
        await app.b.pause(1000);
        await app.shot('59-paper-form-report');
        const pdf = await app.text('[data-testid="pdf-path"]');
        assert(existsSync(pdf), `PDF on disk: ${pdf}`);
        copyFileSync(pdf, join(env.art, 'paper-form-report.pdf'));
        const flat = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
        const values = [FORM.phenomenon, '2026-11-3007:45', '传真', ...Object.values(FORM).slice(2), ...Object.values(RECORD), '满意', RESULT];
        for (const v of values) {
          const want = v.replace(/\s+/g, '');
          assert(flat.includes(want), `the signed report holds ${v}`);
        }
        console.log(`     ${values.length} values of the two paper forms found in the signed PDF`);
      } finally {
        await app.quit();
      }
    },
  },
];

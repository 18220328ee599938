// A fault repair from 报障 to resolved, using a part from the van, which the stock screen shows.
import { launch, assert } from '../lib.mjs';

async function openFirstDevice(app) {
  await app.tap('[data-nav="sites"]');
  await app.tap('[data-lane]');
  await app.tap('[data-device]');
  await app.el('[data-screen="device"]');
}

export const tests = [
  {
    name: 'fault repair: report, advance, service record, van part used, stock screen shows it',
    async run() {
      const app = await launch();
      try {
        await openFirstDevice(app);
        await app.tap('[data-testid="report-fault"]');
        // Bad input first: an empty phenomenon is refused with a Chinese message naming it.
        await app.tap('form button[type="submit"]');
        await app.waitText('[data-testid="error"]', '不能为空');
        assert((await app.$('[data-testid="error"]').getAttribute('data-field')) === 'fault.phenomenon', 'names fault.phenomenon');
        await app.type('textarea[name="phenomenon"]', '抬杆后不落杆，主控板指示灯异常闪烁');
        await app.tap('form button[type="submit"]');
        await app.el('[data-screen="workorder"]');
        for (const to of ['assigned', 'responded', 'on_site']) {
          await app.tap(`[data-testid="advance"][data-to="${to}"]`);
          await app.el(`[data-testid="advance"]:not([data-to="${to}"])`);
        }
        await app.type('textarea[name="found_state"]', '道闸停在抬起位置，主控板 LED 红灯闪烁');
        await app.type('textarea[name="process"]', '更换缓冲垫，复位主控板，试抬落杆 20 次正常');
        await app.type('textarea[name="analysis"]', '缓冲垫老化导致限位误触发');
        await app.waitText('[data-testid="save-state"]', '已保存');
                // A buffer pad, as the service record says (any van part if the demo has none).
        const pad = await app.$('[data-testid="parts-panel"] tr[data-part="PAD-BG"]');
        const row = (await pad.isExisting()) ? pad : await app.el('[data-testid="parts-panel"] tr[data-part]');
        const partCode = await row.getAttribute('data-part');
        const before = parseInt(await row.$('td.num').getText(), 10);
        await app.tap(`[data-testid="parts-panel"] tr[data-part="${partCode}"] [data-testid="use-part"]`);
        await app.waitText('[data-testid="parts-used"]', '× 1');
        // The cause decides who pays: human damage bills the part and the labour; the quote
        // is the core's, and the customer agrees to it before the work.
        await (await app.el('[data-testid="billing"] select[name="cause"]')).selectByAttribute('value', 'human_damage');
        await app.type('[data-testid="billing"] input[name="labour_days"]', '1');
        await app.b.keys('Tab');
        await app.b.waitUntil(async () => Number(await app.text('[data-testid="total"]')) >= 500,
          { timeout: 10000, timeoutMsg: 'the quote counts a day of labour' });
        assert(!(await app.$('[data-testid="billing"] tr[data-billable="no"]').isExisting()), 'human damage: every line billable');
        await app.type('[data-testid="billing"] input[name="consent_signer"]', '王建国');
        await app.tap('[data-testid="agree"]');
        await app.waitText('[data-testid="consent"]', '王建国');
        await app.shot('06-fault-repair');
        await app.tap('[data-testid="advance"][data-to="resolved"]');
        await app.waitText('[data-testid="wo-state"]', '已解决');
        // The customer will not sign: the refusal and its reason go into the signed report.
        await app.tap('[data-testid="to-signature"]');
        await app.tap('[data-testid="mode-refuse"]');
        await app.type('textarea[name="reason"]', '负责人不在现场，电话确认已修复，拒绝代签');
        await app.shot('16-signature-refused');
        await app.tap('[data-testid="finish"]');
        await app.el('[data-screen="report"]', 60000);
        await app.waitText('[data-testid="verify-status"]', '签名有效');
        await app.el('[data-testid="pdf-pages"] img', 60000);
        // Back from the signed report is the work order (the used pad is skipped).
        const number = await app.text('[data-testid="report-number"]');
        await app.tap('[data-testid="back"]');
        await app.el('[data-screen="workorder"]');
        // The report is found again: in the list of reports, and from the device's history.
        await app.tap('[data-nav="reports"]');
        await app.el(`[data-testid="reports"] tr[data-report="${number}"]`);
        await app.shot('40-reports');
        await app.tap(`tr[data-report="${number}"] [data-testid="open-report"]`);
        await app.waitText('[data-testid="report-number"]', number);
        await openFirstDevice(app);
        await app.tap(`[data-testid="history-report"][data-report="${number}"]`);
        await app.waitText('[data-testid="report-number"]', number);
        await app.tap('[data-testid="back"]');
        await app.el('[data-screen="device"]');
        await app.shot('41-device-history-report-link');
        // The stock screen shows the issue and the lower count.
        await app.tap('[data-nav="stock"]');
        await app.el('[data-testid="movements"] tr[data-kind="issue"]');
        const line = await app.$(`[data-testid="stock-lines"] tr[data-part="${partCode}"]`);
        const after = (await line.isExisting()) ? parseInt(await line.$('[data-testid="on-hand"]').getText(), 10) : 0;
        assert(after === before - 1, `van stock of ${partCode}: ${before} → ${after}`);
        await app.shot('07-stock');
      } finally {
        await app.quit();
      }
    },
  },
  {
    name: '备机 swap: a spare camera from the van replaces the faulty one; the archive shows its serial',
    async run() {
      const app = await launch();
      try {
        await app.el('[data-screen="today"]', 30000);
        await app.tap('button[data-wo]*=摄像机');
        await app.el('[data-screen="workorder"]');
        for (let i = 0; i < 4; i++) {
          const adv = await app.$('[data-testid="advance"]');
          if ((await adv.getAttribute('data-to')) !== 'on_site') break;
          await app.tap('[data-testid="advance"]');
          await app.b.pause(300);
        }
        await app.b.waitUntil(async () => (await app.$('[data-testid="advance"]').getAttribute('data-to')) === 'resolved',
          { timeoutMsg: 'work order on site' });
        await app.type('[data-testid="spare-serial"]', 'CAM-HK-SP001');
        await app.tap('[data-testid="parts-panel"] form button[type="submit"]');
        await app.waitText('[data-testid="parts-used"]', 'SN CAM-HK-SP001');
        await app.shot('18-spare-swap');
        await app.tap('button=设备档案');
        await app.waitText('[data-testid="serial"]', 'CAM-HK-SP001');
        await app.waitText('.timeline', '备机替换');
      } finally {
        await app.quit();
      }
    },
  },
];

// First start: the profile form names a bad field in Chinese; the demo loads from the UI.
import { launch, assert } from '../lib.mjs';

export const tests = [
  {
    name: 'first start: bad report prefix is refused in Chinese, then the demo loads',
    always: true,
    async run() {
      const app = await launch();
      try {
        await app.el('input[name="company"]', 30000);
        await app.shot('01-first-start');
        await app.type('input[name="company"]', '测试维保公司');
        await app.type('input[name="name"]', '赵六');
        await app.type('input[name="report_prefix"]', 'Z1');
        await app.tap('[data-testid="profile-form"] button[type="submit"]');
        await app.waitText('[data-testid="error"]', '报告编号前缀应为 2–6 个英文字母');
        const err = await app.$('[data-testid="error"]');
        assert((await err.getAttribute('data-field')) === 'engineer.report_prefix', 'error names the field');
        await app.tap('[data-testid="load-demo"]');
        await app.el('[data-screen="today"]', 60000);
        await app.el('[data-wo]', 10000);
        await app.shot('02-today');
      } finally {
        await app.quit();
      }
    },
  },
];

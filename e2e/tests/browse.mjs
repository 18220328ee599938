// Sites → lanes → devices, the device archive, and search.
import { launch, assert } from '../lib.mjs';

export const tests = [
  {
    name: 'browse: site → lane → device archive with history; search by text and by code',
    async run() {
      const app = await launch();
      try {
        await app.tap('[data-nav="sites"]');
        await app.el('[data-site]');
        await app.tap('[data-lane]');
        await app.el('[data-device]');
        await app.shot('03-sites-lanes-devices');
        const first = await app.$('[data-device]');
        const code = await first.getAttribute('data-device');
        await app.tap('[data-device]');
        await app.waitText('[data-screen="device"]', code);
        await app.shot('04-device-archive');
        await app.tap('[data-testid="back"]');
        await app.type('[data-testid="search-text"]', '读卡器');
        await app.tap('[data-testid="search-go"]');
        await app.el('[data-testid="hits"] [data-device]');
        await app.shot('05-search');
        await (await app.$('[data-testid="search-mode"]')).selectByAttribute('value', 'code');
        await app.type('[data-testid="search-text"]', code.toLowerCase());
        await app.tap('[data-testid="search-go"]');
        await app.b.waitUntil(async () => (await app.$$('[data-testid="hits"] [data-device]')).length === 1, { timeoutMsg: 'one hit by code' });
        assert((await app.$('[data-testid="hits"] [data-device]').getAttribute('data-device')) === code, 'the hit is the device');
        // The English switch: the UI's words and the core's labels both change.
        await app.tap('[data-testid="lang"]');
        await app.tap('[data-nav="today"]');
        await app.waitText('[data-screen="today"]', 'Today');
        await app.shot('15-today-english');
        await app.tap('[data-testid="lang"]');
        await app.waitText('[data-screen="today"]', '今日工作');
      } finally {
        await app.quit();
      }
    },
  },
];

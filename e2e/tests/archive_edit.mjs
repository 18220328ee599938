// A device's archive corrected at the lane (firmware version edited, seen in its history with
// the engineer's name), a bad edit named by its field, a secret archive that asks why before
// it opens and the read in the engineer's own access log, and a device found at the lane.
import { launch, assert } from '../lib.mjs';

const SITE = '宝鸡物流园北卡口';
const FIRMWARE = 'V2.1.3-e2e';

async function openLane(app) {
  await app.tap('[data-nav="sites"]');
  await app.el('[data-screen="sites"]', 30000);
  await app.tap(`[data-site="${SITE}"]`);
  await app.tap('[data-lane="L01"]');
  await app.el('[data-device]');
}

export const tests = [
  {
    name: 'archive: firmware edited at the lane shows in history with who; a secret archive asks why and the read is logged; a device found at the lane',
    async run() {
      const app = await launch();
      try {
        // The engineer, as the side bar names them (first line of the profile button).
        const me = (await app.text('[data-nav="profile"]')).split('\n')[0].trim();
        await openLane(app);
        // One request at a time: WebKitWebDriver drops the session on parallel element reads.
        const codes = [];
        for (const e of await app.$$('[data-device]')) codes.push(await e.getAttribute('data-device'));
        const gate = codes.find((c) => !c.includes('-PC'));
        const ipc = codes.find((c) => c.includes('-PC'));
        assert(gate && ipc, `the lane has a gate and an industrial PC: ${codes}`);

        // 现场更正: the firmware version, saved, shown, and in the history with who.
        await app.tap(`[data-device="${gate}"]`);
        await app.waitText('[data-screen="device"]', gate);
        await app.tap('[data-testid="edit-at-lane"]');
        await app.el('[data-testid="edit-form"]');
        await app.type('[data-testid="edit-form"] input[name="firmware"]', FIRMWARE);
        await app.shot('74-archive-edit-at-lane');
        await app.tap('[data-testid="edit-save"]');
        await app.waitText('[data-testid="edit-done"]', FIRMWARE);
        await app.waitText('[data-testid="firmware"]', FIRMWARE);
        const line = await app.$('.timeline li[data-kind="edited"]');
        const text = await line.getText();
        assert(text.includes(`固件/软件版本 — → ${FIRMWARE}`), `the history line: ${text}`);
        assert(text.includes(me), `the line names ${me}: ${text}`);
        await app.shot('75-archive-firmware-in-history');

        // A bad edit: the serial emptied is named, nothing stored. (Back up to the header first,
        // as a person scrolls.)
        await app.b.execute(() => document.querySelector('.content')?.scrollTo(0, 0));
        await app.tap('[data-testid="edit-at-lane"]');
        // Blanks, typed (clearing alone sends no input event to the form).
        await app.type('[data-testid="edit-form"] input[name="serial"]', '   ');
        await app.tap('[data-testid="edit-save"]');
        await app.el('[data-testid="edit-form"] [data-testid="error"]');
        const field = await (await app.$('[data-testid="edit-form"] [data-testid="error"]')).getAttribute('data-field');
        assert(field === 'device.serial', `the error names the serial: ${field}`);
        await app.waitText('[data-testid="edit-form"] [data-testid="error"]', '序列号');
        await app.shot('76-archive-edit-bad-serial');
        assert((await app.text('[data-testid="serial"]')).trim() !== '', 'the stored serial is still shown');

        // A secret archive (the lane's industrial PC): asked why, then opened and logged.
        await openLane(app);
        await app.tap(`[data-device="${ipc}"]`);
        await app.el('[data-testid="purpose-dialog"]');
        await app.waitText('[data-testid="purpose-dialog"]', '秘密');
        await app.type('[data-testid="purpose-dialog"] input[name="purpose"]', '更换硬盘前核对配置');
        await app.shot('77-secret-archive-asks-purpose');
        await app.tap('[data-testid="purpose-go"]');
        await app.waitText('[data-screen="device"]', ipc);
        await app.tap('[data-nav="profile"]');
        await app.waitText('[data-testid="access-log"]', ipc);
        const row = await app.text(`[data-testid="access-log"] tr[data-device="${ipc}"]`);
        assert(row.includes('更换硬盘前核对配置'), `the read with its purpose: ${row}`);
        await app.shot('78-my-access-log');

        // A device found at the lane: the lane's own add form, and its history says so.
        await openLane(app);
        await app.tap('[data-testid="add-found"]');
        const form = '[data-testid="add-device"]';
        const found = gate.replace(/-[A-Z]+\d+$/, '-SW09');
        await app.type(`${form} input[name="code"]`, found);
        await (await app.$(`${form} select[name="device_type"]`)).selectByAttribute('value', 'network_switch');
        await app.type(`${form} input[name="model"]`, 'S1720-10GW');
        await app.type(`${form} input[name="manufacturer"]`, '华为');
        await app.type(`${form} input[name="serial"]`, 'HW2409X001');
        await app.type(`${form} input[name="firmware"]`, 'V200R019');
        await app.tap(`${form} button[type="submit"]`);
        await app.waitText(`${form} [data-testid="made"]`, found);
        await app.el(`[data-device="${found}"]`);
        await app.shot('79-device-found-at-lane');
        await app.tap(`[data-device="${found}"]`);
        await app.waitText('.timeline', '现场发现并建档');
        await app.waitText('[data-testid="firmware"]', 'V200R019');
      } finally {
        await app.quit();
      }
    },
  },
];

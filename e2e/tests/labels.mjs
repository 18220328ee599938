// QR labels: a device found by a photo of its label (the label printed by the CLI, cut out of
// the sheet's raster as a person would photograph one), a photo with no code refused with the
// field named, and the lane's label sheet written into exports/ from the lane view.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, assert, env } from '../lib.mjs';

const SITE = '宝鸡物流园北卡口';

/** Choose `file` in the hidden file input behind "扫码查找" (one tap and a choice). */
async function choosePhoto(app, file) {
  const input = await app.$('[data-testid="label-photo"]');
  await app.b.execute((el) => { el.hidden = false; el.style.opacity = '1'; }, input);
  await input.addValue(file);
  // Hidden again for the screenshot (the screen may already have moved on to the device).
  try { await app.b.execute((el) => { el.hidden = true; }, input); } catch { /* gone */ }
  app.actions += 2;
}

export const tests = [
  {
    name: 'labels: a device found by a photo of its QR label; an unreadable photo named; the lane’s QR label sheet printed',
    async run() {
      // The label of the lane's first device, as printed by `weibao labels`, at 150 dpi.
      const pdf = join(env.work, 'labels.pdf');
      const out = execFileSync(env.cli, ['--db', env.db, '--json', 'labels', '--lane', `${SITE}/L01`, '--out', pdf]);
      const code = JSON.parse(out.toString()).codes[0];
      execFileSync('pdftoppm', ['-r', '150', '-png', '-x', '58', '-y', '92', '-W', '375', '-H', '262',
        '-singlefile', pdf, join(env.work, 'label')]);
      execFileSync('pdftoppm', ['-r', '100', '-png', '-y', '1050', '-H', '100', '-singlefile', pdf, join(env.work, 'blank')]);
      const app = await launch();
      try {
        await app.tap('[data-nav="sites"]');
        await app.el('[data-screen="sites"]', 30000);
        await app.el('[data-testid="find-by-label"]');
        await app.shot('70-find-by-label');
        // A photo with no code: the core's message beside the search, nothing opened.
        await choosePhoto(app, join(env.work, 'blank.png'));
        await app.waitText('[data-testid="error"]', '标签照片');
        const field = await (await app.$('[data-testid="error"]')).getAttribute('data-field');
        assert(field === 'label.photo', `the error names the field: ${field}`);
        await app.shot('71-label-unreadable');
        // The label: the device's archive opens.
        await choosePhoto(app, join(env.work, 'label.png'));
        await app.waitText('[data-screen="device"]', code, 20000);
        await app.shot('72-device-found-by-label');
        // The lane view: print the lane's QR labels into exports/.
        await app.tap('[data-nav="sites"]');
        await app.el('[data-screen="sites"]');
        await app.tap(`[data-site="${SITE}"]`);
        await app.tap('[data-lane="L01"]');
        await app.tap('[data-testid="print-labels"]');
        await app.el('[data-testid="labels-path"]', 30000);
        const path = (await app.text('[data-testid="labels-path"]')).trim();
        assert(path.includes('/exports/') && existsSync(path), `the label sheet is on disk: ${path}`);
        assert(readFileSync(path).subarray(0, 5).toString('latin1') === '%PDF-', 'a PDF');
        const text = execFileSync('pdftotext', [path, '-']).toString();
        assert(text.includes(code), `${code} printed on the sheet`);
        await app.shot('73-lane-labels-printed');
      } finally {
        await app.quit();
      }
    },
  },
];

// A whole quarterly inspection of a demo lane, from Today, as an engineer taps it: bad input
// first (letters in a number, completing with required items missing), one failure confirmed as
// a fault, photos, completion, then the customer's signature and the signed PDF.
import { execFileSync } from 'node:child_process';
import { existsSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, assert, env } from '../lib.mjs';

/** Answer one unanswered row the way a person would (a text item gets `text`); returns the
 *  actions it took. */
export async function answerRow(app, row, photo, text = '正常') {
  const before = app.actions;
  const kind = await row.getAttribute('data-kind');
  const key = await (await row.parentElement()).getAttribute('data-key');
  const sel = `[data-key="${key}"]`;
  if (kind === 'pass_fail') {
    await app.tap(`${sel} [data-answer="pass"]`);
  } else if (kind === 'yes_no' || kind === 'single_choice' || kind === 'multi_choice') {
    await app.tap(`${sel} button[data-fails="false"]`);
  } else if (kind === 'number' || kind === 'reading') {
    const input = await app.$(`${sel} input[data-answer="number"]`);
    const min = parseFloat((await input.getAttribute('data-min')) ?? '');
    const max = parseFloat((await input.getAttribute('data-max')) ?? '');
    const v = Number.isFinite(min) && Number.isFinite(max) ? (min + max) / 2 : Number.isFinite(min) ? min + 1 : Number.isFinite(max) ? max - 1 : 1;
    await app.type(`${sel} input[data-answer="number"]`, String(Math.round(v * 10) / 10));
    await app.b.keys('Enter');
  } else if (kind === 'text') {
    await app.type(`${sel} textarea`, text);
    await app.tap('h1'); // leave the field: saved on blur
  } else if (kind === 'photo') {
    await attachPhoto(app, sel, photo);
    // An item that wants several photos (the baseline's lane overview: at least 2) stays
    // unanswered after the first: take more, each a different picture (one photo counts once).
    // (The core keeps a photo below the minimum and leaves the item unanswered.)
    for (let extra = 1; extra <= 4; extra++) {
      await app.b.pause(500);
      const state = await app.$(`${sel} [data-answered]`).getAttribute('data-answered');
      const err = await app.$(`${sel} [data-testid="error"]`);
      if (state === 'yes' || (await err.isExisting())) break;
      const more = photo.replace(/\.jpg$/, `-${key.replace(/[^\w]/g, '_')}-${extra}.jpg`);
      execFileSync('convert', ['-size', '1600x1200', 'plasma:fractal', '-quality', '85', more]);
      await attachPhoto(app, sel, more);
    }
  }
  try {
    await app.b.waitUntil(async () => (await app.$(`${sel} [data-answered]`).getAttribute('data-answered')) === 'yes',
      { timeout: 10000, timeoutMsg: `row ${key} (${kind}) not saved` });
  } catch (e) {
    // What the screen said instead (an error box, a hidden field): the screenshot to look at.
    await app.shot(`fail-row-${key}`);
    const said = await app.$('[data-testid="error"]');
    const why = (await said.isExisting()) ? await said.getText() : 'no error shown';
    throw new Error(`${e.message}: ${why}`);
  }
  return app.actions - before;
}

/** One tap on "camera / file" and choosing the file: two actions, as a person does it. */
async function attachPhoto(app, sel, photo) {
  const input = await app.$(`${sel} input[type="file"]`);
  await app.b.execute((el) => { el.style.opacity = '1'; el.style.position = 'static'; }, input);
  await input.addValue(photo);
  app.actions += 2;
}

export const tests = [
  {
    name: 'quarterly inspection: Today → every item → complete → customer signature → signed PDF verified',
    async run() {
      const photo = join(env.work, 'lane.jpg');
      execFileSync('convert', ['-size', '1600x1200', 'plasma:fractal', '-quality', '85', photo]);
      const app = await launch();
      try {
        await app.el('[data-screen="today"]', 30000);
        const due = await app.el('[data-due]');
        const dueLane = `[data-due="${await due.getAttribute('data-due')}"][data-site="${await due.getAttribute('data-site')}"]`;
        await app.tap(dueLane);
        await app.el('[data-screen="inspection"]');
        await app.el('[data-key]');
        await app.shot('08-inspection-start');
        app.actions = 0;

        // Letters in a number: a clear Chinese message on that row, nothing stored.
        const numRow = await app.$('[data-kind="number"], [data-kind="reading"]');
        const numKey = await (await numRow.parentElement()).getAttribute('data-key');
        await app.type(`[data-key="${numKey}"] input[data-answer="number"]`, 'abc');
        await app.b.keys('Enter');
        await app.waitText(`[data-key="${numKey}"] [data-testid="error"]`, '需要一个数字');
        assert((await app.$(`[data-key="${numKey}"] [data-answered]`).getAttribute('data-answered')) === 'no', 'bad number not stored');
        await app.shot('09-inspection-bad-number');
        // Out of range: stored as typed and flagged at once (the core judges it, not the UI).
        const rangedKey = await app.b.execute(() => {
          const i = [...document.querySelectorAll('input[data-answer="number"]')].find((x) => x.dataset.max);
          return i?.closest('[data-key]')?.getAttribute('data-key') ?? null;
        });
        if (rangedKey) {
          const max = parseFloat(await app.$(`[data-key="${rangedKey}"] input[data-answer="number"]`).getAttribute('data-max'));
          await app.type(`[data-key="${rangedKey}"] input[data-answer="number"]`, String(max + 10));
          await app.b.keys('Enter');
          await app.el(`[data-key="${rangedKey}"] [data-testid="out-of-range"]`);
          await app.shot('09a-inspection-out-of-range');
          await app.type(`[data-key="${rangedKey}"] input[data-answer="number"]`, String(max));
          await app.b.keys('Enter');
          await app.b.waitUntil(async () => !(await app.$(`[data-key="${rangedKey}"] [data-testid="out-of-range"]`).isExisting()),
            { timeoutMsg: 'flag cleared once the value is in range' });
        }
        const badActions = app.actions;

        // Completing with required items missing: refused in Chinese, naming how many.
        await app.tap('[data-testid="complete"]');
        await app.waitText('[data-testid="error"][data-kind="inspection_incomplete"]', '必填项未填写');
        await app.shot('10-inspection-incomplete');
        app.actions = 0;

        // One failure, confirmed as a fault (the first pass/fail item that maps to a level).
        let items = 0;
        const failKey = await app.b.execute(() => {
          const b = document.querySelector('[data-kind="pass_fail"] [data-answer="fail"]');
          return b?.closest('[data-key]')?.getAttribute('data-key') ?? null;
        });
        assert(failKey, 'a pass/fail item exists');
        await app.tap(`[data-key="${failKey}"] [data-answer="fail"]`);
        items += 1;
        const canFault = await app.$(`[data-key="${failKey}"] [data-testid="confirm-fault"]`);
        await canFault.waitForDisplayed({ timeout: 5000 }).catch(() => {});
        let faultActions = 0;
        if (await canFault.isDisplayed()) {
          const a0 = app.actions;
          await app.tap(`[data-key="${failKey}"] [data-testid="confirm-fault"]`);
          await app.el('[data-screen="workorder"]');
          await app.shot('11-fault-from-inspection');
          await app.tap('[data-testid="back"]');
          await app.el(`[data-key="${failKey}"]`);
          faultActions = app.actions - a0;
        }

        // Every other row, in screen order, until none is left unanswered (conditional rows
        // appear as their conditions are met).
        for (let guard = 0; guard < 400; guard++) {
          const row = await app.$('[data-answered="no"]');
          if (!(await row.isExisting())) break;
          await answerRow(app, row, photo);
          items += 1;
        }
        const answerActions = app.actions - faultActions;
        await app.shot('12-inspection-answered');
        await app.tap('[data-testid="complete"]');
        await app.el('[data-testid="to-signature"]');
        const progress = await app.text('[data-testid="progress"]');
        // Completed: the answers are read-only, and a correction is added as a note.
        assert(await app.b.execute(() => document.querySelector('fieldset.answers')?.disabled === true), 'a completed inspection is read-only');
        await app.type('textarea[name="correction"]', '复测：开闸时间 2.1 s');
        await app.tap('[data-testid="add-correction"]');
        await app.waitText('[data-testid="addenda"]', '复测：开闸时间 2.1 s');
        console.log(`     figure: ${items} checklist items answered with ${answerActions} UI actions = ${(answerActions / items).toFixed(2)} actions per item` +
          ` (plus ${badActions} for the bad-number and out-of-range checks on 1 item, ${faultActions} to confirm the fault); ${progress}`);

        // Customer signature → signed PDF that `weibao verify` accepts.
        await app.tap('[data-testid="to-signature"]');
        await app.el('[data-screen="signature"]');
        // The customer reads the unsigned draft first (rendered from the store, numbered as draft).
        await app.tap('[data-testid="preview-draft"]');
        await app.el('.draft img', 60000);
        await app.b.pause(800);
        await app.shot('13a-signature-draft-preview');
        await app.tap('[data-testid="preview-draft"]');
        assert(await app.$('[data-testid="sign-here"]').isExisting(), 'an empty pad says where to sign');
        await sign(app);
        assert(!(await app.$('[data-testid="sign-here"]').isExisting()), 'the hint goes once signed');
        await app.type('input[name="signer"]', '王建国');
        // Leaving the pad (to look something up) keeps what was drawn and the signer's name.
        await app.tap('[data-testid="back"]');
        await app.el('[data-testid="to-signature"]');
        await app.tap('[data-testid="to-signature"]');
        await app.el('[data-screen="signature"]');
        assert(!(await app.$('[data-testid="sign-here"]').isExisting()), 'the drawn signature is still there');
        assert((await app.$('input[name="signer"]').getValue()) === '王建国', 'the signer is still there');
        await app.shot('13-signature');
        await app.tap('[data-testid="finish"]');
        await app.el('[data-screen="report"]', 60000);
        await app.el('[data-testid="pdf-pages"] img', 60000);
        await app.waitText('[data-testid="verify-status"]', '签名有效');
        // The preview is the stored PDF rendered by pdf.js: wait until page 1 is decoded, and
        // say how much of it is ink (a blank render would be a bug).
        const ink = parseFloat(await app.$('[data-testid="pdf-pages"] img').getAttribute('data-ink'));
        console.log(`     report preview page 1: ${(ink * 100).toFixed(1)} % ink`);
        assert(ink > 0.01, 'the preview shows the PDF page, not a blank');
        await app.b.pause(1000);
        await app.shot('14-report');
        const pdf = await app.text('[data-testid="pdf-path"]');
        assert(existsSync(pdf), `PDF on disk: ${pdf}`);
        copyFileSync(pdf, join(env.art, 'inspection-report.pdf'));
        const out = execFileSync(env.cli, ['verify', pdf], { encoding: 'utf8' });
        const verdict = out.split('\n').find((l) => l.startsWith('签名')) ?? '';
        assert(verdict.includes('有效 valid'), `weibao verify accepts the PDF: ${out}`);
        console.log(`     weibao verify ${pdf.split('/').pop()}: ${verdict.trim()}`);
        // Back from the signed report returns to the inspection, not to an empty pad.
        await app.tap('[data-testid="back"]');
        await app.el('[data-screen="inspection"]');
        assert(!(await app.$('[data-screen="signature"]').isExisting()), 'back skips the used signature pad');
        // Done today: the lane is no longer due on Today.
        await app.tap('[data-nav="today"]');
        await app.el('[data-screen="today"]');
        await app.el('[data-due]');
        assert(!(await app.$(dueLane).isExisting()), `the inspected lane ${dueLane} left Today's due list`);
      } finally {
        await app.quit();
      }
    },
  },
];

/** Draw a signature on the pad with pointer actions (a real stroke, not an injected image). */
export async function sign(app) {
  const pad = await app.el('[data-testid="signature-pad"]');
  await pad.scrollIntoView({ block: 'center' });
  // Pointer moves in viewport coordinates from the pad's on-screen box (WebKitWebDriver
  // refuses element-relative moves on a canvas it considers partly obscured).
  const r = await app.b.execute((el) => { const b = el.getBoundingClientRect(); return { x: b.left, y: b.top, w: b.width, h: b.height }; }, pad);
  const cx = Math.round(r.x + r.w / 2);
  const cy = Math.round(r.y + r.h / 2);
  const strokes = [
    [[-220, 20], [-180, -30], [-150, 30], [-110, -20], [-70, 25]],
    [[-20, -10], [20, 30], [60, -35], [100, 25], [150, -10], [210, 15]],
  ];
  for (const s of strokes) {
    const actions = app.b.action('pointer', { parameters: { pointerType: 'mouse' } });
    actions.move({ origin: 'viewport', x: cx + s[0][0], y: cy + s[0][1] }).down();
    for (const [x, y] of s.slice(1)) actions.move({ origin: 'viewport', x: cx + x, y: cy + y, duration: 40 });
    await actions.up().perform();
  }
  app.actions += strokes.length;
}

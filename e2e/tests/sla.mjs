// SLA clocks are the core's verdict at its clock: an engineer who arrived before the on-site
// deadline is "met", even when the deadline itself is long past (the UI used to say 已超期).
import { execFileSync } from 'node:child_process';
import { launch, assert, env } from '../lib.mjs';

/** Move the demo's on-site loop-detector job 30 days into the past, events and deadlines alike:
 * reported, responded and on site within minutes, both deadlines now weeks behind. */
function ageOnSiteJob() {
  const back = (col) => `${col} = strftime('%Y-%m-%dT%H:%M:%fZ', ${col}, '-30 days')`;
  // The state is derived from the work order's events (work_order_now), not stored.
  const job = "(SELECT id FROM work_order_now WHERE state = 'on_site' AND title LIKE '%地感线圈%')";
  const sql = `
    UPDATE work_order SET ${['reported_at', 'respond_by', 'on_site_by'].map(back).join(', ')}
      WHERE id IN ${job};
    UPDATE work_order_event SET ${back('at')} WHERE work_order_id IN ${job};
    UPDATE fault_report SET ${back('fault_time')} WHERE work_order_id IN ${job};
    SELECT count(*) FROM work_order WHERE id IN ${job} AND on_site_by < strftime('%Y-%m-%dT%H:%M:%fZ', 'now');`;
  return execFileSync('sqlite3', [env.db], { input: sql, encoding: 'utf8' }).trim();
}

export const tests = [
  {
    name: 'sla: on site before a deadline that has since passed shows met, not overdue',
    async run() {
      assert(ageOnSiteJob() === '1', 'the on-site demo job is aged past its on-site deadline');
      const app = await launch();
      try {
        await app.el('[data-screen="today"]', 30000);
        const row = await app.el('button[data-wo]*=地感线圈');
        const onSite = await row.$('[data-sla-step="on_site"]');
        assert((await onSite.getAttribute('data-sla')) === 'met', `Today row: on-site clock is ${await onSite.getAttribute('data-sla')}`);
        // The response and arrival were met and read so. (The repair, part and spare-unit clocks
        // of a job left unresolved for a month are rightly overdue beside them.)
        for (const kind of ['response', 'on_site']) {
          const text = await (await row.$(`[data-sla-clock="${kind}"]`)).getText();
          assert(!text.includes('超时') && !text.includes('超期'), `Today row: ${kind} says overdue: ${text}`);
        }
        const part = await row.$('[data-sla-clock="part"]');
        assert((await part.getAttribute('data-sla')) === 'breached', 'the unresolved job misses its 28-hour part clock');
        await app.tap('button[data-wo]*=地感线圈');
        await app.el('[data-screen="workorder"]');
        await app.el('.card [data-sla-step="on_site"]');
        for (const step of ['responded', 'on_site']) {
          const c = await app.$(`.card [data-sla-step="${step}"]`);
          assert((await c.getAttribute('data-sla')) === 'met', `${step} clock is ${await c.getAttribute('data-sla')}`);
          assert((await c.getText()).includes('按时完成'), `${step} clock reads 按时完成: ${await c.getText()}`);
        }
        await app.shot('19-sla-met-on-site');
      } finally {
        await app.quit();
      }
    },
  },
];

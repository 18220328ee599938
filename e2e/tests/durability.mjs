// "Every answer is saved as it is entered": answer a few items, kill -9 the app (no chance to
// flush anything), start it again, and find every answer where it was left.
import { execFileSync } from 'node:child_process';
import { launch, assert, env } from '../lib.mjs';

/** The app process started by our tauri-driver (a descendant of it), by id. */
function appPid() {
  const kids = (pid) => execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n').map((s) => s.trim()).filter(Boolean);
  const queue = [String(process.env.E2E_DRIVER_PID)];
  while (queue.length) {
    const p = queue.shift();
    let ks = [];
    try { ks = kids(p); } catch { ks = []; }
    for (const k of ks) {
      const comm = execFileSync('ps', ['-o', 'comm=', '-p', k], { encoding: 'utf8' }).trim();
      if (env.bin.endsWith(comm) || comm.startsWith('weibao-app')) return Number(k);
      queue.push(k);
    }
  }
  return null;
}

export const tests = [
  {
    name: 'durability: answers survive kill -9 of the app mid-inspection',
    async run() {
      let app = await launch();
      let laneCode;
      try {
        await app.tap('[data-nav="sites"]');
        await app.el('[data-lane]');
        const lanes = await app.$$('[data-lane]');
        laneCode = await lanes[1].getAttribute('data-lane');
        await app.tap(`[data-lane="${laneCode}"]`);
        await app.tap('[data-testid="start-inspection"]');
        await app.el('[data-screen="inspection"]');
        const rows = await app.$$('[data-kind="pass_fail"]');
        for (const r of rows.slice(0, 3)) {
          const key = await (await r.parentElement()).getAttribute('data-key');
          await app.tap(`[data-key="${key}"] [data-answer="pass"]`);
          await app.b.waitUntil(async () => (await app.$(`[data-key="${key}"] [data-answered]`).getAttribute('data-answered')) === 'yes');
        }
        const numKey = await (await (await app.$('[data-kind="number"], [data-kind="reading"]')).parentElement()).getAttribute('data-key');
        await app.type(`[data-key="${numKey}"] input[data-answer="number"]`, '7');
        await app.b.keys('Enter');
        await app.b.waitUntil(async () => (await app.$(`[data-key="${numKey}"] [data-answered]`).getAttribute('data-answered')) === 'yes');
        const pid = appPid();
        assert(pid, 'found the app process');
        process.kill(pid, 'SIGKILL');
      } finally {
        await app.quit();
      }
      app = await launch();
      try {
        await app.tap(`[data-inspection="${laneCode}"]`);
        await app.el('[data-screen="inspection"]');
        await app.waitText('[data-testid="progress"]', '4/');
        const answered = await app.$$('[data-answered="yes"]');
        assert(answered.length === 4, `4 answers after the kill, found ${answered.length}`);
        await app.shot('17-after-kill-resumed');
      } finally {
        await app.quit();
      }
    },
  },
];

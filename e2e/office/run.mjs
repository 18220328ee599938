// The office web app in a real browser (issue 15): a dispatcher registers a phone fault with
// every field and dispatches it; an engineer laptop (the real `weibao` CLI against the same
// server) syncs, repairs offline, signs and syncs back; the office sees the signed report
// verified, closes the work order, records the 回访; a complaint is registered and closed
// within its clock. Every screen is photographed at 1366×768 (test-artifacts/screens/office/).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addStaff, assert, browser, env, go, laptop, login, logout, office, screenshot, serve, sqlite, tap, text, type, url, waitText,
} from './lib.mjs';

const DEVICE = 'XA01-L03-BG01';
const SITE = '西安综合保税区卡口';
const FORM = {
  phone: '029-86366001', fault_time: '', phenomenon: '道闸无法抬杆，车辆排队', location: '3号车道入口道闸', contact: '陈建国', contact_phone: '029-86366001',
};
const steps = [];
const step = (name, run) => steps.push({ name, run });

office('demo');
const pw = { dispatcher: addStaff('王芳', 'dispatcher'), lead: addStaff('李明', 'tech_lead'), archivist: addStaff('赵档', 'archivist'), admin: addStaff('周管', 'admin') };
await serve();
const b = await browser();
const lap = join(env.work, 'laptop.db');
const photo = join(env.work, 'boom.jpg');
const signature = join(env.work, 'signature.png');
execFileSync('convert', ['-size', '1600x1200', 'plasma:orange-grey', photo]);
execFileSync('convert', ['-size', '400x140', 'xc:none', '-stroke', 'black', '-strokewidth', '4', '-draw', 'bezier 20,100 120,10 220,130 380,40', signature]);
let token = '';
let wo = '';

step('login: a wrong password is refused in Chinese, nothing is said about which part was wrong', async () => {
  await b.url(`${url()}/`);
  await screenshot(b, 'login');
  await type(b, 'input[name=name]', '王芳');
  await type(b, 'input[name=password]', 'not-the-password');
  await tap(b, '[data-testid=login] button[type=submit]');
  const err = await text(b, '[data-testid=error]');
  assert(/姓名或密码/.test(err), `the refusal: ${err}`);
  await screenshot(b, 'login-refused');
});

step('engineers: the administrator enrols an engineer for one site; the token shows once as text and QR', async () => {
  await login(b, '周管', pw.admin);
  const areas = await b.$$('nav a').map((a) => a.getAttribute('data-area'));
  assert(areas.join() === 'conflicts,org,contracts,paper,import,engineers,stock,stats', `the admin's menu comes from the server: ${areas}`);
  await go(b, 'engineers');
  await type(b, '[data-testid=e-name]', '王新');
  await tap(b, `input[data-site="${SITE}"]`);
  await tap(b, '[data-testid=e-enrol]');
  token = (await text(b, '[data-testid=token]')).trim();
  assert(/^[0-9a-f]{32,}$/i.test(token), `a token: ${token}`);
  assert(await (await b.$('[data-testid=token-qr] svg')).isExisting(), 'a QR code');
  await waitText(b, 'tr[data-engineer="王新"]', SITE);
  await screenshot(b, 'engineers-enrolled');
  await logout(b);
});

step('laptop: the engineer enrols with that token and pulls the sites given', async () => {
  laptop(lap, ['enrol', '--server', url(), '--token', token, '--attempts', '2']);
  laptop(lap, ['sync', '--server', url(), '--token', token, '--attempts', '2']);
  const n = Number(sqlite(lap, "SELECT COUNT(*) FROM device WHERE code LIKE 'XA01-%';"));
  assert(n > 0, `devices of ${SITE} on the laptop: ${n}`);
});

step('intake: a phone fault with every field of the 报障登记表, the contract and its SLA clocks at once', async () => {
  await login(b, '王芳', pw.dispatcher);
  await go(b, 'intake');
  await type(b, '[data-testid=phone]', FORM.phone);
  await tap(b, '[data-testid=find-caller]');
  await waitText(b, '[data-testid=caller]', '陈建国');
  await type(b, '[data-testid=device-query]', DEVICE);
  await tap(b, '[data-testid=find-device]');
  await waitText(b, '[data-testid=contract]', 'HT-');
  await type(b, '[data-testid=phenomenon]', FORM.phenomenon);
  await type(b, '[data-testid=location]', FORM.location);
  const channel = await (await b.$('[data-testid=channel]')).getValue();
  assert(channel === 'phone', `the channel defaults to phone: ${channel}`);
  await screenshot(b, 'intake-form');
  await tap(b, '[data-testid=register]');
  await waitText(b, '[data-testid=registered]', '已登记');
  wo = await (await b.$('[data-testid=registered]')).getAttribute('data-wo');
  const clocks = await text(b, '[data-testid=registered]');
  assert(/响应期限/.test(clocks) && /到场期限/.test(clocks), `the clocks: ${clocks}`);
  await screenshot(b, 'intake-registered');
  const row = sqlite(join(env.work, 'office', 'office.db'),
    `SELECT phenomenon || '|' || location || '|' || contact_name || '|' || contact_phone || '|' || channel || '|' || taken_by FROM fault_report WHERE work_order_id = '${wo}';`);
  assert(row === `${FORM.phenomenon}|${FORM.location}|陈建国|${FORM.contact_phone}|phone|王芳`, `stored: ${row}`);
});

step('board: the new fault is on the board with its clock; dispatched to the engineer covering the site', async () => {
  await go(b, 'board');
  await waitText(b, `tr[data-wo="${wo}"]`, '未派工');
  await screenshot(b, 'board');
  await tap(b, `[data-dispatch="${wo}"]`);
  const options = await text(b, '[data-testid=candidates]');
  assert(options.includes('王新') && !options.includes('张伟'), `only the engineer covering the site: ${options}`);
  await screenshot(b, 'board-dispatch');
  await tap(b, '[data-testid=dispatch-go]');
  await waitText(b, '[data-testid=dispatched]', '王新');
  await waitText(b, `tr[data-wo="${wo}"]`, '王新');
});

step('laptop: gets the assignment at its sync, repairs offline, the customer signs, syncs back', async () => {
  laptop(lap, ['sync', '--server', url(), '--token', token, '--attempts', '2']);
  const me = sqlite(lap, "SELECT value FROM meta WHERE key = 'current_engineer';");
  const assignee = sqlite(lap, `SELECT assignee_id || '|' || state FROM work_order_now WHERE id = '${wo}';`);
  assert(assignee === `${me}|assigned`, `assigned to this laptop's engineer: ${assignee} (me ${me})`);
  for (const to of ['responded', 'on_site', 'resolved']) laptop(lap, ['wo', 'advance', wo, '--to', to]);
  laptop(lap, ['wo', 'service', wo, '--found', '挡杆断裂', '--process', '更换挡杆并调试限位']);
  laptop(lap, ['photo', 'add', '--work-order', wo, photo, '--caption', '挡杆断裂']);
  laptop(lap, ['sign', '--work-order', wo, '--png', signature, '--signer', '陈建国']);
  laptop(lap, ['report', 'render', '--work-order', wo, '--out', join(env.work, 'report.pdf')]);
  // The quarter's device status report of the site, made and signed on the laptop too.
  laptop(lap, ['status-report', '--customer', '西安海关', '--site', SITE, '--quarter', '2026Q4', '--out', join(env.work, 'status.pdf')]);
  laptop(lap, ['sync', '--server', url(), '--token', token, '--attempts', '2']);
});

step('board: updates live — the signed work order leaves the board without a reload', async () => {
  await b.execute(() => { window.__sameBoard = true; });
  await b.waitUntil(async () => !(await (await b.$(`tr[data-wo="${wo}"]`)).isExisting()), { timeout: 20000, timeoutMsg: 'the signed work order stayed on the board' });
  assert(await b.execute(() => window.__sameBoard === true), 'no reload');
  await screenshot(b, 'board-live');
  await logout(b);
});

step('review: the technical lead sees the signed report verified, previews it, the photo; closes the work order', async () => {
  await login(b, '李明', pw.lead);
  await go(b, 'review');
  const row = `tr[data-verification="verified"]`;
  await waitText(b, '[data-testid=reports]', '陈建国');
  assert(await (await b.$(row)).isExisting(), 'the report is verified');
  await screenshot(b, 'review-list');
  await tap(b, `${row} a`);
  await waitText(b, '[data-testid=work-order]', '挡杆断裂');
  const report = await (await b.$('[data-preview]')).getAttribute('data-preview');
  await tap(b, `[data-preview="${report}"]`);
  await b.waitUntil(async () => Number(await (await b.$('[data-testid=pdf-pages]')).getAttribute('data-pages')) > 0, { timeout: 30000, timeoutMsg: 'the PDF never rendered' });
  const ink = Number(await (await b.$('[data-testid=pdf-pages] img')).getAttribute('data-ink'));
  assert(ink > 0.01, `the first page is not blank: ${ink}`);
  assert(await (await b.$('[data-testid=photos] img')).isExisting(), 'the photo shows');
  await screenshot(b, 'review-work-order');
  await type(b, '[data-testid=close-note]', '资料齐全，同意结案');
  await tap(b, '[data-testid=close-wo]');
  await waitText(b, '[data-testid=closed]', '已结案');
  await screenshot(b, 'review-closed');
  laptop(lap, ['sync', '--server', url(), '--token', token, '--attempts', '2']);
  const state = sqlite(lap, `SELECT state FROM work_order_now WHERE id = '${wo}';`);
  assert(state === 'closed', `the laptop sees it closed: ${state}`);
});

step('回访: the closed work order is due for a call; the call is recorded with satisfaction', async () => {
  await go(b, 'follow_ups');
  await waitText(b, `tr[data-follow-up="${wo}"]`, '陈建国');
  await screenshot(b, 'follow-ups');
  await tap(b, `[data-call="${wo}"]`);
  await type(b, '[data-testid=f-comments]', '抬杆恢复正常，满意');
  await tap(b, '[data-testid=f-save]');
  await waitText(b, '[data-testid=call-saved]', '回访已记录');
  await waitText(b, '[data-testid=calls]', '抬杆恢复正常');
  assert(!(await (await b.$(`tr[data-follow-up="${wo}"]`)).isExisting()), 'no longer due');
  await screenshot(b, 'follow-ups-recorded');
});

step('common faults and conflicts: the lead confirms the wording of a row grown from the repair; no conflict waits', async () => {
  await go(b, 'common_faults');
  await (await b.$('[data-testid=cf-customer]')).waitForDisplayed({ timeout: 10000 });
  await (await b.$('[data-testid=cf-customer]')).selectByVisibleText('西安海关');
  const row = `tr[data-phenomenon="${FORM.phenomenon}"]`;
  await waitText(b, '[data-testid=common-faults]', FORM.phenomenon);
  await tap(b, `[data-confirm-row="${FORM.phenomenon}"]`);
  await type(b, '.card textarea', '挡杆断裂（车辆剐蹭）');
  await tap(b, '[data-testid=confirm-save]');
  await waitText(b, row, '已确认');
  await waitText(b, row, '挡杆断裂（车辆剐蹭）');
  await screenshot(b, 'common-faults');
  await go(b, 'conflicts');
  await (await b.$('[data-testid=no-conflicts]')).waitForDisplayed({ timeout: 10000 });
  await screenshot(b, 'conflicts');
});

step('complaints: registered, answered by the second working day, corrected and closed', async () => {
  await go(b, 'complaints');
  await tap(b, '[data-testid=new-complaint]');
  await type(b, '[data-testid=c-customer]', '西安海关');
  await type(b, '[data-testid=c-complainant]', '陈建国');
  await type(b, '[data-testid=c-phone]', '029-86366001');
  await type(b, '[data-testid=c-content]', '道闸故障两次到场才修好，要求说明原因');
  await screenshot(b, 'complaint-form');
  await tap(b, '[data-testid=c-register]');
  await waitText(b, '[data-testid=complaints]', 'TS-');
  const number = await (await b.$('tr[data-complaint]')).getAttribute('data-complaint');
  await type(b, '[data-testid=s-investigation]', '首次到场未带挡杆备件');
  await type(b, '[data-testid=s-initial]', '车载库存增加挡杆');
  await tap(b, '[data-testid=s-save]');
  await waitText(b, `tr[data-complaint="${number}"]`, '已答复');
  const sla = await (await b.$(`tr[data-complaint="${number}"] [data-sla]`)).getAttribute('data-sla');
  assert(sla === 'met', `answered within its clock: ${sla}`);
  await type(b, '[data-testid=s-handled]', '维保部 王新');
  await type(b, '[data-testid=s-correction]', '每辆车配备挡杆两根');
  await type(b, '[data-testid=s-opinion]', '接受');
  await (await b.$('[data-testid=s-satisfaction]')).selectByAttribute('value', '4');
  await type(b, '[data-testid=s-summary]', '备件配置改进');
  await tap(b, '[data-testid=s-save]');
  await waitText(b, `tr[data-complaint="${number}"]`, '已关闭');
  await screenshot(b, 'complaint-closed');
});

step('stock and statistics: every location, the quarter on screen and its workbook', async () => {
  await go(b, 'stock');
  await waitText(b, 'main', '车载库存');
  await screenshot(b, 'stock');
  await go(b, 'stats');
  await (await b.$('[data-testid=customer]')).selectByVisibleText('西安海关');
  await tap(b, '[data-testid=show]');
  await waitText(b, '[data-testid=figures]', '/');
  await screenshot(b, 'stats');
  // The status report the engineer signed on the laptop arrived with sync: previewed here.
  await waitText(b, '[data-testid=status-reports]', SITE);
  await tap(b, '[data-status-report] button');
  await b.waitUntil(async () => Number(await (await b.$('[data-testid=status-pdf]')).getAttribute('data-pages')) > 0, { timeout: 30000, timeoutMsg: 'the status report never rendered' });
  await (await b.$('[data-testid=status-pdf] img')).scrollIntoView();
  await screenshot(b, 'stats-status-report');
  // And one made here, signed by the service centre (numbered KF-…).
  await tap(b, '[data-testid=make-status-report]');
  await waitText(b, '[data-testid=status-reports]', 'KF-', 60000);
  const kf = sqlite(join(env.work, 'office', 'office.db'), "SELECT r.number || '|' || e.name FROM status_report r JOIN engineer e ON e.id = r.engineer_id WHERE r.number LIKE 'KF-%';");
  assert(/^KF-.*\|客户服务中心$/.test(kf), `signed by the service centre: ${kf}`);
  await b.waitUntil(async () => Number(await (await b.$('[data-testid=status-pdf]')).getAttribute('data-pages')) > 0, { timeout: 30000, timeoutMsg: 'the office-made report never rendered' });
  await (await b.$('[data-testid=status-pdf] img')).scrollIntoView();
  await screenshot(b, 'stats-office-report');
  const href = await (await b.$('[data-testid=xlsx]')).getAttribute('href');
  const got = await b.execute(async (h) => { const r = await fetch(h); const buf = await r.arrayBuffer(); return [r.status, r.headers.get('content-type'), buf.byteLength, new Uint8Array(buf.slice(0, 2))[0]]; }, href);
  assert(got[0] === 200 && got[1].includes('spreadsheetml') && got[2] > 2000 && got[3] === 0x50, `the workbook: ${got}`);
  await logout(b);
});

step('intake: a call fixed on the phone — no engineer sent, the customer confirms on the phone, the report signed by the service centre', async () => {
  await login(b, '王芳', pw.dispatcher);
  await go(b, 'intake');
  await type(b, '[data-testid=phone]', FORM.phone);
  await tap(b, '[data-testid=find-caller]');
  await waitText(b, '[data-testid=caller]', '陈建国');
  await type(b, '[data-testid=device-query]', 'XA01-L01-BG01');
  await tap(b, '[data-testid=find-device]');
  await waitText(b, '[data-testid=contract]', 'HT-');
  await type(b, '[data-testid=phenomenon]', '道闸遥控抬杆无反应');
  await tap(b, '[data-testid=register]');
  await waitText(b, '[data-testid=registered]', '已登记');
  const fixed = await (await b.$('[data-testid=registered]')).getAttribute('data-wo');
  await type(b, '[data-testid=phone-fix-found]', '遥控器指示灯不亮');
  await tap(b, '[data-testid=phone-fix-do]');
  const missing = await text(b, '[data-testid=phone-fix] [data-testid=error]');
  assert(/处理过程/.test(missing), `the missing field is named: ${missing}`);
  await type(b, '[data-testid=phone-fix-process]', '电话指导值班员更换遥控器电池，抬杆恢复正常');
  const confirmer = await (await b.$('[data-testid=phone-fix-confirmer]')).getValue();
  assert(confirmer === '陈建国', `the caller confirms by default: ${confirmer}`);
  await screenshot(b, 'intake-phone-fix');
  await tap(b, '[data-testid=phone-fix-do]');
  await waitText(b, '[data-testid=phone-fixed]', 'KF-', 60000);
  await screenshot(b, 'intake-phone-fixed');
  const db = join(env.work, 'office', 'office.db');
  const got = sqlite(db, `SELECT w.state || '|' || e.name || '|' || p.confirmer || '|' || p.created_by FROM work_order_now w JOIN engineer e ON e.id = w.assignee_id JOIN phone_confirmation p ON p.work_order_id = w.id WHERE w.id = '${fixed}';`);
  assert(got === 'customer_signed|客户服务中心|陈建国|王芳', `signed with no engineer sent: ${got}`);
  await go(b, 'review');
  await waitText(b, '[data-testid=reports]', '电话确认');
  await screenshot(b, 'review-phone-fixed');
  await logout(b);
});

step('archive: a secret archive asks the purpose and is logged; the inventory imported with its bad rows named; the service centre may not read a secret archive', async () => {
  await login(b, '赵档', pw.archivist);
  await type(b, '[data-testid=a-code]', 'XA01-L03-PC01');
  await tap(b, '[data-testid=a-open]');
  const err = await text(b, '[data-testid=error]');
  assert(/目的/.test(err), `asks the purpose: ${err}`);
  await type(b, '[data-testid=a-purpose]', '季度设备状态报告');
  await tap(b, '[data-testid=a-open]');
  await waitText(b, '[data-testid=archive]', 'XA01-L03-PC01');
  await screenshot(b, 'archive-secret');
  // The keeper corrects its serial with the lane's own form; the change is in its history by name.
  await tap(b, '[data-testid=correct]');
  await type(b, '[data-testid=edit-form] input[name=serial]', 'IPC2026X0099');
  await tap(b, '[data-testid=edit-save]');
  await waitText(b, '[data-testid=edit-done]', 'IPC2026X0099');
  await waitText(b, '[data-testid=serial]', 'IPC2026X0099');
  await waitText(b, '[data-testid=history]', '赵档');
  await screenshot(b, 'archive-corrected');
  // And a lane found missing from the archive is added by hand with the desktop's own form.
  await go(b, 'org');
  const laneForm = '[data-testid=add-lane]';
  await (await b.$(laneForm)).waitForDisplayed({ timeout: 10000 });
  await b.waitUntil(async () => (await b.$$(`${laneForm} select[name=site_id] option`)).length > 1, { timeout: 10000, timeoutMsg: 'no sites offered' });
  await (await b.$(`${laneForm} select[name=site_id]`)).selectByVisibleText(`${SITE} · 西安海关`);
  await type(b, `${laneForm} input[name=code]`, 'L09');
  await type(b, `${laneForm} input[name=name]`, '9号临时车道');
  await tap(b, `${laneForm} button[type=submit]`);
  await waitText(b, `${laneForm} [data-testid=made]`, 'L09');
  await screenshot(b, 'org-by-hand');
  // A customer's address corrected below the forms; the change is named.
  await (await b.$('[data-testid=correct-kind]')).selectByAttribute('value', 'customer');
  await (await b.$('[data-testid=correct-record]')).selectByVisibleText('西安海关');
  await type(b, '[data-testid=correct-value]', '西安市未央区凤城八路 100 号');
  await tap(b, '[data-testid=correct-save]');
  await waitText(b, '[data-testid=correct-saved]', '客户地址');
  await screenshot(b, 'org-corrected');
  // A contract's period extended, then its terms edited as the document: a typo is named.
  await go(b, 'contracts');
  await waitText(b, '[data-testid=contracts]', '西安海关');
  const contract = await (await b.$('tr[data-contract]')).getAttribute('data-contract');
  await tap(b, `[data-edit="${contract}"]`);
  await type(b, '[data-testid=contract-end]', '2099-12-31');
  await tap(b, '[data-testid=contract-save]');
  const far = await text(b, '[data-testid=error]');
  assert(/结束日期/.test(far), `a date in 2099 is named: ${far}`);
  await type(b, '[data-testid=contract-end]', '2027-06-30');
  await tap(b, '[data-testid=contract-save]');
  await waitText(b, '[data-testid=contract-saved]', '合同结束日期');
  await waitText(b, `tr[data-contract="${contract}"]`, '2027-06-30');
  await screenshot(b, 'contract-corrected');
  await tap(b, `[data-terms="${contract}"]`);
  const terms = await (await b.$('[data-testid=terms-text]')).getValue();
  assert(/inspections_per_year/.test(terms), `the terms as a document: ${terms.slice(0, 200)}`);
  await type(b, '[data-testid=terms-text]', terms.replace('\nexclusions =', '\nexclusion ='));
  await tap(b, '[data-testid=terms-save]');
  const typo = await text(b, '[data-testid=error]');
  assert(/exclusion/.test(typo) && /拼写错误/.test(typo), `the typo is named: ${typo}`);
  await screenshot(b, 'contract-terms-refused');
  await type(b, '[data-testid=terms-text]', terms.replace(/inspections_per_year = \d+/, 'inspections_per_year = 6'));
  await tap(b, '[data-testid=terms-save]');
  await waitText(b, '[data-testid=contract-saved]', '合同条款');
  await screenshot(b, 'contracts');
  const added = sqlite(join(env.work, 'office', 'office.db'), "SELECT author FROM lane WHERE code = 'L09';");
  assert(added === '赵档', `the lane is in the office replica under the keeper's name: ${added}`);
  const logged = sqlite(join(env.work, 'office', 'office.db'), "SELECT author || '|' || purpose FROM archive_access ORDER BY rowid DESC LIMIT 1;");
  assert(logged === '赵档|季度设备状态报告', `the read is logged with who and why: ${logged}`);

  // The paper folder of the site lent for a purpose and given back; the read above is in the log.
  await go(b, 'paper');
  await waitText(b, '[data-testid=access-log]', '季度设备状态报告');
  await type(b, '[data-testid=l-site]', SITE);
  await type(b, '[data-testid=l-title]', '3号车道竣工资料');
  await type(b, '[data-testid=l-borrower]', '王新');
  await type(b, '[data-testid=l-purpose]', '改造前核对原始图纸');
  await type(b, '[data-testid=l-due]', '2099-01-01');
  await tap(b, '[data-testid=l-lend]');
  const late = await text(b, '[data-testid=error]');
  assert(/归还期限/.test(late), `a due date in 2099 is named: ${late}`);
  const due = await b.execute(() => new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10));
  await type(b, '[data-testid=l-due]', due);
  await tap(b, '[data-testid=l-lend]');
  await waitText(b, 'tr[data-loan="3号车道竣工资料"]', '借出中');
  await screenshot(b, 'paper-lent');
  await tap(b, '[data-return="3号车道竣工资料"]');
  await waitText(b, 'tr[data-loan="3号车道竣工资料"]', '已归还');
  await screenshot(b, 'paper-returned');

  // The archive keeper imports the inventory: a bad row is named by file, row and column with
  // nothing written; the right file is checked (counts), then imported.
  const bad = join(env.work, 'sites-with-a-mistake.csv');
  const good = join(env.work, 'new-site.csv');
  writeFileSync(bad, '客户名称,站点名称\n没有这个客户,西安新筑卡口\n');
  writeFileSync(good, '客户名称,站点名称\n西安海关,西安新筑卡口\n');
  await go(b, 'import');
  const choose = async (path) => {
    const input = await b.$('[data-testid="import-file"]');
    await b.execute((el) => { el.style.opacity = '1'; el.style.position = 'static'; }, input);
    await input.addValue(path);
  };
  await choose(bad);
  await waitText(b, '[data-testid="import-problems"]', '没有这个客户');
  await waitText(b, '[data-testid="import-problems"]', 'sites-with-a-mistake.csv');
  await screenshot(b, 'import-problems');
  await choose(good);
  const summary = await b.$('[data-testid="import-summary"]');
  await summary.waitForDisplayed({ timeout: 15000 });
  assert((await summary.getAttribute('data-imported')) === 'no', 'a dry run first');
  await tap(b, '[data-testid="import-go"]');
  await waitText(b, '[data-testid="import-done"]', '');
  await screenshot(b, 'import-done');
  const site = sqlite(join(env.work, 'office', 'office.db'), "SELECT COUNT(*) FROM site WHERE name = '西安新筑卡口';");
  assert(site === '1', `the imported site is in the office replica: ${site}`);
  await logout(b);
  await login(b, '王芳', pw.dispatcher);
  await go(b, 'archive');
  await type(b, '[data-testid=a-code]', 'XA01-L03-PC01');
  await type(b, '[data-testid=a-purpose]', '看看');
  await tap(b, '[data-testid=a-open]');
  const refused = await text(b, '[data-testid=error]');
  assert(/密级/.test(refused), `refused above the role's level: ${refused}`);
  await screenshot(b, 'archive-refused');
});

step('English: the switch turns the office app to English; the core labels follow', async () => {
  await tap(b, '[data-testid=lang]');
  await go(b, 'board');
  await waitText(b, 'nav', 'Dispatch board');
  await screenshot(b, 'board-english');
  await tap(b, '[data-testid=lang]');
});

step('engineers: the administrator revokes the engineer (asked twice); the laptop can no longer sync', async () => {
  await logout(b);
  await login(b, '周管', pw.admin);
  await go(b, 'engineers');
  await tap(b, '[data-revoke="王新"]');
  await screenshot(b, 'engineers-revoke-confirm');
  await tap(b, '[data-revoke-sure="王新"]');
  await waitText(b, 'tr[data-engineer="王新"]', '已吊销');
  let refused = '';
  try {
    laptop(lap, ['sync', '--server', url(), '--token', token, '--attempts', '1']);
  } catch (e) {
    refused = String(e.stderr ?? e);
  }
  assert(/令牌|token/i.test(refused), `the revoked laptop's sync is refused: ${refused.slice(0, 300)}`);
  await screenshot(b, 'engineers-revoked');
});

let passed = 0;
let failed = 0;
for (const s of steps) {
  const t0 = Date.now();
  try {
    await s.run();
    passed += 1;
    console.log(`ok   office: ${s.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL office: ${s.name}: ${e?.stack ?? e}`);
    try { await screenshot(b, 'FAIL'); } catch { /* the browser may be gone */ }
    break; // the steps build on each other
  }
}
await b.deleteSession().catch(() => {});
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

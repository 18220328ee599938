// The office web app's own words, Chinese first; the language switch, the core's labels and
// error texts are the desktop's (../lib/i18n.svelte, ../lib/labels.svelte).
import { ui } from '../lib/i18n.svelte';

const zh = {
  office: '维保办公室', login: '登录', logout: '退出', user: '姓名', password: '密码', login_hint: '客服中心、技术负责人、档案管理员和管理员使用。账号由管理员用 weibao-office staff add 建立。',
  area_board: '派工看板', area_intake: '报障登记', area_review: '审核', area_follow_ups: '回访', area_complaints: '投诉', area_archive: '设备档案', area_import: '导入台账', area_org: '添加档案', correct: '更正档案', correct_hint: '改动写入设备履历，署您的名字；工程师下次同步时收到。', area_paper: '纸质档案与查阅记录', lend: '借出', loan_site: '站点', loan_device: '设备统一编号（可选）', loan_title: '档案名称', borrower: '借阅人', loan_purpose: '目的', due_back: '归还期限', give_back: '归还', lent_by: '经办', access_log: '档案查阅记录', area_conflicts: '同步冲突', area_common_faults: '常见故障', show_resolved: '含已处理', no_conflicts: '没有待处理的冲突。', resolution_note: '处理说明（必填）', resolve: '处理', phenomenon: '故障现象', cause: '原因', remedy: '处理方法', count: '次数', confirmed_by: '已确认', confirm_row: '确认措辞', hide_row: '不发给客户', area_engineers: '工程师', area_stock: '库存', area_stats: '统计',
  role: '岗位', showing: '显示最紧迫的 {n} 单，共 {total} 单', live: '实时', updated: '更新于', open_wos: '未完成工单', none_open: '没有未完成的工单。', urgent_clock: '最紧迫时限', engineer: '工程师', unassigned: '未派工', dispatch: '派工', reassign: '改派', pick_engineer: '选择工程师（只列负责该站点的）', open_load: '手上 {n} 单', dispatched: '已派给 {name}：工程师下次同步时收到。',
  caller_phone: '来电号码', find_caller: '查找来电客户', no_caller: '没有登记这个号码的联系人：请照常填写联系人和电话。', device_query: '设备（统一编号、序列号或标签内容）', find_device: '查找设备', covered_by: '合同', no_contract: '不在任何合同内', billable_flag: '需收费：须客户同意报价', in_warranty: '在保', out_of_warranty: '已过保', register: '登记报障', registered: '已登记：', consent_by: '同意人', consent_record: '记录客户同意', consent_recorded: '已记录客户同意', fault_clock: '服务时限', level_choice: '故障级别', limit: '时限',
  complaints: '投诉处理记录', new_complaint: '登记投诉', customer: '客户', project: '项目', complainant: '投诉人', phone: '联系电话', content: '投诉内容和要求', taken_by: '受理人', blank_is_me: '（留空为本人）', answer_by: '答复期限', investigation: '调查结果', initial_action: '初步处理意见', handled_by: '服务人员（部门）', correction: '纠正、改进过程', customer_opinion: '客户意见', summary: '处理总结', save_step: '保存', state: '状态', number: '编号', received_at: '受理时间',
  engineers: '工程师', enrol: '登记工程师', sites: '负责站点', all_sites: '全部站点', report_prefix: '报告编号前缀（可选）', token_once: '令牌只显示这一次：请交给工程师，在笔记本上「连接办公室」时填写或扫码。', revoke: '吊销', revoke_sure: '确认吊销：此工程师的笔记本将无法再同步', revoked: '已吊销', save_sites: '保存站点', created: '建立时间',
  stock: '库存', low_stock: '低于最低库存', rma: '返厂维修的设备', faulty_serial: '故障件序列号', opened: '送修时间', rma_status: '进度', nothing_low: '没有低于最低库存的备件。', no_rma: '没有在修的设备。',
  stats: '季度统计', quarter: '季度', show: '查看', xlsx: '导出 XLSX', pick_customer: '选择客户', common_faults: '常见故障现象与处理', status_reports: '设备运行状态报告', no_status_reports: '还没有此客户的设备运行状态报告：在此以客户服务中心的名义生成，或由工程师在笔记本上生成后随同步到达。', make_status_report: '生成本季度报告（客户服务中心签署）', making: '正在生成并签署…',
  archive: '设备档案', device_code: '统一编号或序列号', history: '履历', open: '打开',
  to_review: '待审核', all: '全部', signed: '签字', verification: '校验', refused_sign: '客户拒签', verified: '已校验：签名有效、文件未改动', verify_failed: '校验失败', pending_file: '文件未到', close_wo: '审核通过并结案', close_note: '审核意见（可选）', closed_ok: '工单已结案：工程师下次同步时看到。', photos: '照片', reports: '报告', preview: '预览',
  follow_ups: '回访', after_wo: '结案后回访', monthly: '月度回访', month: '月份', due: '期限', attempts: '已拨 {n} 次', record_call: '记录回访', reached: '已接通', not_reached: '未接通', person: '接听人', comments: '意见', called_at: '回访时间', called_by: '回访人', calls: '回访记录', call_saved: '回访已记录',
  purpose: '查阅目的（秘密档案必填）', clearance: '密级',
  refresh: '刷新', loading: '正在加载…', nothing: '没有。', when: '时间', who: '谁', note: '说明', save: '保存', cancel: '取消', close: '关闭', details: '详情',
};
type Key = keyof typeof zh;
const en: Record<Key, string> = {
  office: 'weibao office', login: 'Log in', logout: 'Log out', user: 'User name', password: 'Password', login_hint: 'For the service centre, technical leads, archive keepers and administrators. An administrator makes accounts with weibao-office staff add.',
  area_board: 'Dispatch board', area_intake: 'Fault intake', area_review: 'Review', area_follow_ups: 'Follow-up calls', area_complaints: 'Complaints', area_archive: 'Device archive', area_import: 'Import inventory', area_org: 'Add archives', correct: 'Correct the archive', correct_hint: 'Changes go into the device history under your name; engineers get them at their next sync.', area_paper: 'Paper archives and reads', lend: 'Lend', loan_site: 'Site', loan_device: 'Device code (optional)', loan_title: 'Archive', borrower: 'Borrower', loan_purpose: 'Purpose', due_back: 'Due back', give_back: 'Returned', lent_by: 'By', access_log: 'Archive reads', area_conflicts: 'Sync conflicts', area_common_faults: 'Common faults', show_resolved: 'Include resolved', no_conflicts: 'No conflict waits for a decision.', resolution_note: 'Resolution note (required)', resolve: 'Resolve', phenomenon: 'Phenomenon', cause: 'Cause', remedy: 'Remedy', count: 'Count', confirmed_by: 'Confirmed', confirm_row: 'Confirm wording', hide_row: 'Leave out of the customer\'s copy', area_engineers: 'Engineers', area_stock: 'Stock', area_stats: 'Statistics',
  role: 'Role', showing: 'The {n} most urgent of {total}', live: 'Live', updated: 'Updated', open_wos: 'Open work orders', none_open: 'No open work orders.', urgent_clock: 'Most urgent clock', engineer: 'Engineer', unassigned: 'Unassigned', dispatch: 'Dispatch', reassign: 'Reassign', pick_engineer: 'Choose an engineer (only those covering the site)', open_load: '{n} open', dispatched: 'Dispatched to {name}: their laptop gets it at its next sync.',
  caller_phone: 'Caller phone', find_caller: 'Find the caller', no_caller: 'No contact with this number: write the contact and phone as usual.', device_query: 'Device (code, serial or label text)', find_device: 'Find the device', covered_by: 'Contract', no_contract: 'Outside every contract', billable_flag: 'Billable: the customer must agree to the quote', in_warranty: 'In warranty', out_of_warranty: 'Out of warranty', register: 'Register the fault', registered: 'Registered: ', consent_by: 'Agreed by', consent_record: 'Record the customer\'s consent', consent_recorded: 'Consent recorded', fault_clock: 'SLA clocks', level_choice: 'Fault level', limit: 'Limit',
  complaints: 'Complaint records', new_complaint: 'Register a complaint', customer: 'Customer', project: 'Project', complainant: 'Complainant', phone: 'Phone', content: 'Complaint and request', taken_by: 'Taken by', blank_is_me: '(blank: you)', answer_by: 'Answer by', investigation: 'Investigation', initial_action: 'First action', handled_by: 'Handled by (department)', correction: 'Correction and improvement', customer_opinion: 'Customer\'s opinion', summary: 'Summary', save_step: 'Save', state: 'State', number: 'Number', received_at: 'Received',
  engineers: 'Engineers', enrol: 'Enrol an engineer', sites: 'Sites covered', all_sites: 'All sites', report_prefix: 'Report number prefix (optional)', token_once: 'The token is shown only now: give it to the engineer to type or scan in "Connect to office" on the laptop.', revoke: 'Revoke', revoke_sure: 'Confirm: this engineer\'s laptop can no longer sync', revoked: 'Revoked', save_sites: 'Save sites', created: 'Created',
  stock: 'Stock', low_stock: 'Below minimum', rma: 'Units away for repair', faulty_serial: 'Faulty serial', opened: 'Sent', rma_status: 'Status', nothing_low: 'No part is below its minimum.', no_rma: 'No unit is away for repair.',
  stats: 'Quarterly statistics', quarter: 'Quarter', show: 'Show', xlsx: 'Export XLSX', pick_customer: 'Choose a customer', common_faults: 'Common faults and remedies', status_reports: 'Device status reports', no_status_reports: 'No device status report for this customer yet: make one here in the service centre\'s name, or an engineer makes one on the laptop and it arrives with sync.', make_status_report: 'Make this quarter\'s report (signed by the service centre)', making: 'Making and signing…',
  archive: 'Device archive', device_code: 'Code or serial', history: 'History', open: 'Open',
  to_review: 'To review', all: 'All', signed: 'Signed', verification: 'Verification', refused_sign: 'Refused to sign', verified: 'Verified: signature valid, file unchanged', verify_failed: 'Verification failed', pending_file: 'File not yet arrived', close_wo: 'Approve and close', close_note: 'Review remark (optional)', closed_ok: 'Work order closed: the engineer sees it at the next sync.', photos: 'Photos', reports: 'Reports', preview: 'Preview',
  follow_ups: 'Follow-up calls', after_wo: 'After closed work orders', monthly: 'Monthly calls', month: 'Month', due: 'Due', attempts: '{n} attempts', record_call: 'Record the call', reached: 'Reached', not_reached: 'Not reached', person: 'Person reached', comments: 'Comments', called_at: 'Called at', called_by: 'Called by', calls: 'Calls', call_saved: 'Call recorded',
  purpose: 'Purpose (required for secret archives)', clearance: 'Level',
  refresh: 'Refresh', loading: 'Loading…', nothing: 'None.', when: 'When', who: 'Who', note: 'Note', save: 'Save', cancel: 'Cancel', close: 'Close', details: 'Details',
};

export function ot(key: Key): string {
  return (ui.lang === 'en' ? en : zh)[key];
}

export function otf(key: Key, vars: Record<string, string | number>): string {
  return ot(key).replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** A stored instant (RFC 3339) as people in the office read it, like the core's own texts:
 *  China time, to the minute, `2026-12-02 18:14`. */
export function chinaTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`;
}

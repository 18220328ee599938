// zh-CN first, English on a switch. Messages from the core come in both languages already
// (`message` / `message_en`); this file only holds the UI's own words.
import type { AppError } from './api';

export type Lang = 'zh' | 'en';

function initialLang(): Lang {
  try {
    return localStorage.getItem('weibao.lang') === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export const ui = $state<{ lang: Lang }>({ lang: initialLang() });

export function setLang(l: Lang) {
  ui.lang = l;
  document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
  try {
    localStorage.setItem('weibao.lang', l);
  } catch {
    /* private mode: the switch still works for this session */
  }
}

const zh = {
  app: '维保', today: '今日工作', sites: '站点与设备', stock: '备件库存', reports: '报告', back: '返回', lang: 'English',
  loading: '正在加载…', saved: '已保存', saving: '正在保存…', retry: '重试', cancel: '取消', confirm: '确认', close: '关闭', corrections: '更正说明', correction_hint: '巡检已完成，答案不能再改；如需更正，请在此写明并添加。', add_correction: '添加更正', ask_open_faults: '有不合格项还没有报障。要为它们开报障工单吗？', open_faults_and_complete: '开报障并完成', complete_without_faults: '不报障，直接完成', draft_loading: '正在生成报告草稿…（约 2 秒）', opened_in_viewer: '已交给系统阅读器打开；如未弹出窗口，请到此位置打开文件',
  setup_title: '首次启动：连接办公室，或建立工程师档案', setup_hint: '档案保存在本机，离线可用。之后写入的每条记录都署您的名字；同时生成您签署报告用的数字签名密钥（只存在本机）。',
  company: '公司名称', name: '姓名', phone: '手机号（可选）', prefix: '报告编号前缀（2–6 个英文字母）',
  create_profile: '建立档案', or: '或者', load_demo: '载入演示数据', demo_hint: '3 个客户、5 个站点、20 条通道、约 300 台设备，以工程师「张伟」的身份使用。',
  demo_loading: '正在载入演示数据…', db_at: '数据库',
  mine: '我的工单', unassigned: '待派工单', nothing_today: '今天没有待办工作。', nothing_today_hint: '到期巡检和报障会出现在这里。还没有客户和设备时，请导入台账或手工添加。', stock_empty: '还没有库位和备件。连接办公室后，车载库存会随同步到达。', due_inspections: '到期巡检',
  level: '级', respond_by: '响应期限', respond_within: '响应时限', stats: '统计', stats_empty: '还没有客户：导入台账后可查看季度统计。', show: '查看', export_xlsx: '导出给客户（XLSX）', make_status_report: '生成设备运行状态报告', status_report_made: '设备运行状态报告已签署：', exported_to: '已导出：', inspections_done_due: '巡检 已检/应检', faults_total: '故障合计', mean_respond: '平均响应', mean_arrive: '平均到场', mean_repair: '平均修复（自到场）', kept_clock: '{clock}达标', faults_by: '故障分布', by_device_type: '按设备类型', by_level: '按级别', by_cause: '按原因', recurring: '重复故障设备', resolve_remotely: '远程/电话解决', by_phone: '电话指导解决', by_remote_session: '远程调试解决', remote_detail: '做了什么（例：指导客户重启读卡器）', charges: '费用', fault_cause: '故障原因', labour_days: '人工（人天，0.5 为单位）', travel_yuan: '差旅费（元）', survey_yuan: '现场勘察费（元）', cause_not_recorded: '尚未记录故障原因：暂按自然故障计。', repeat_repairs: '该设备一年内第 {n} 次维修：按合同应与客户商议更换新设备。', bill_item: '项目', amount_yuan: '金额（元）', charge: '计费', billable: '计费', free: '免费', total_due: '应收合计', line_labour: '人工', line_travel: '差旅', line_survey: '现场勘察', agreed_by: '客户已确认费用', consent_stale: '费用已变更，需客户重新确认。', refurbished_ok: '客户书面同意使用翻新件', customer_agrees: '客户同意费用', free_repair: '本次维修免费，无需客户确认费用。', all_parts: '显示全部备件', no_van: '没有车载库位：连接办公室同步后会出现。', no_fitting_parts: '车上没有适用于这台设备的备件。', on_site_within: '到场时限', on_site_by: '到场期限', reported_at: '报障时间',
  notes_search: '搜索维修记录（故障现象、到场情况、处理过程）', notes_search_hint: '例：缓冲垫开裂', notes_none: '没有记录提到这些文字。', fault_time: '故障发生时间', blank_is_now: '（留空为现在）', fault_location: '故障位置', channel: '报障方式', taken_by: '受理人', blank_is_me: '（留空为本人）', fault_result: '故障处理结果', save_result: '保存处理结果', backup_restore: '备份与恢复（备份了什么、如何恢复）', satisfaction: '客户满意度', sat_5: '非常满意', sat_4: '满意', sat_3: '一般', sat_2: '不满意', sat_1: '很不满意', sat_none: '未评价',
  due_by: '期限', sla: '服务时限', counted_in: '计时日历', sla_done: '完成', paused_by: '暂停顺延', pauses: '暂停记录', pause_clock: '暂停', pause_reason: '原因', pause_note: '说明', pause_which: '哪个时限', all_clocks: '全部时限', pause_from: '开始时间（留空为现在）', pause_end: '结束暂停', pause_running: '进行中', recorded_by: '记录人',
  find_by_label: '扫码查找', find_by_label_hint: '选择设备标签的照片（二维码、统一编号或厂家序列号条码）', print_labels: '打印二维码标签', labels_made: '二维码标签已生成：', labels_count: '{n} 张标签，{pages} 页',
  search: '搜索', search_ph: '统一编号、序列号、型号或任意文字', search_by: '按', by_text: '全文', by_code: '统一编号', by_serial: '序列号', by_model: '型号',
  no_hits: '没有找到设备。', lanes: '通道', devices: '设备', pick_site: '选择站点', pick_lane: '选择通道查看设备',
  archive: '设备档案', history: '履历', model: '规格型号', manufacturer: '生产厂家', serial: '序列号', code: '统一编号',
  manufacture_date: '出厂日期', install_date: '安装日期', warranty_end: '保修截止', in_warranty: '在保', out_warranty: '已过保',
  status: '运行状态', location: '位置', position: '安装位置', confidentiality: '档案密级', open_work_orders: '未完成工单',
  report_fault: '报障', fault_level: '故障级别', phenomenon: '故障现象', contact_name: '联系人', contact_phone: '联系电话', submit: '提交',
  work_order: '工单', advance_to: '推进到', state_found: '到场时设备状态', actions: '处理过程与措施', analysis: '原因分析',
  feedback: '客户意见', service_record: '客户服务记录', parts_used: '使用备件', van_stock: '车载库存', qty: '数量', use_part: '领用',
  swap: '备机替换', spare_serial: '备机序列号', do_swap: '替换', fault_report: '报障登记', transitions: '工单进程',
  to_signature: '请客户签字', signature: '客户签字', signer: '签字人姓名', clear: '清除', sign_done: '确认签字并生成报告',
  refused: '客户拒签', refusal_reason: '拒签原因', refuse_done: '记录拒签并生成报告', sign_empty: '请先在框内签字', sign_here: '请在此处签字',
  report: '服务报告', open_pdf: '用系统阅读器打开', print: '打印', verify: '校验签名', verified: '签名有效，报告未被改动', not_verified: '签名无效',
  report_number: '报告编号', pdf_path: '文件', page: '页',
  device: '设备', signed_at: '签署时间', signed_by: '签署人', find: '查找', from_day: '从', to_day: '到', report_search: '报告编号或标题', report_search_hint: '例如 XAMT-2026', reports_none: '还没有已签署的报告。客户签字后，报告会出现在这里。', reports_none_match: '没有符合条件的报告。', device_reports: '该设备的报告', open_report: '查看报告',
  low_stock: '库存不足', low_stock_hint: '以下备件低于最低库存，请尽快补货：', minimum_stock: '最低库存', restock: '需补货', set_minimum: '设最低库存', shortfall: '需补', low_count: '项低于最低库存', to_stock: '去库存',
  locations: '库位', on_hand: '现有', recent_movements: '最近出入库', unit: '单位', part: '备件', category: '类别', when: '时间', kind: '类型', note: '备注',
  inspection: '巡检', start_inspection: '开始巡检', progress: '进度', pass: '合格', fail: '不合格', na: '不适用',
  range_hint: '范围', out_of_range: '超出范围', photos: '照片', add_photo: '添加照片', drop_here: '把照片拖到这里',
  complete: '完成巡检', confirm_fault: '确认故障并报障', required: '必填', items: '项',
  not_yet: '此功能等待核心模块完成。', camera: '拍照 / 选文件', in_progress: '进行中的巡检', show_all: '显示全部', preview_draft: '预览报告（草稿）', next_missing: '转到未填的必填项', continue: '继续', due_on: '到期', start_on_lane: '在此车道开始：', from_office: '办公室模板',
  sync: '同步', sync_title: '与办公室同步', sync_now: '立即同步', syncing: '同步中…',
  ind_synced: '已同步 {t}', ind_pending: '待推送 {n}', ind_offline: '离线', ind_failed: '同步失败', ind_never: '尚未同步', ind_not_enrolled: '未连接办公室',
  office: '办公室', last_sync: '上次同步', last_try: '上次尝试', never: '从未', last_failure: '上次同步失败',
  pending_changes: '待推送的变更', photos_to_send: '待发送的照片和文件', photos_pending: '尚未收到的照片和文件', photos_pending_hint: '记录已到，照片随下次同步到达。', photos_set_aside: '被办公室搁置的文件', conflicts: '待处理的冲突', conflicts_hint: '冲突需要有人决定：请告知办公室。',
  set_aside: '被办公室搁置的变更', set_aside_none: '没有。', set_aside_hint: '办公室没有采用这些变更（原因如下），其余数据照常同步。请与办公室联系。',
  record: '记录', reason: '原因', table: '数据表', auto_sync_hint: '能连上办公室时，本机会在后台自动同步；离线时照常工作，数据都保存在本机。',
  sync_done: '同步完成：推送 {p} 条，拉取 {q} 条', already_running: '已经在同步，请稍候。', sync_progress: '已推送 {p} 条，已拉取 {q} 条',
  connect_office: '连接办公室', connect_hint: '填写办公室给您的地址和令牌。本机将以您在办公室登记的工程师身份工作，并下载客户、站点和设备。',
  server_url: '办公室地址', token: '令牌', connect: '连接并同步', connecting: '正在连接办公室…', not_enrolled_hint: '本机尚未连接办公室。连接后才能同步。',
  start_empty: '从空白开始（不连接办公室）', demo: '演示数据',
  start_empty_hint: '建立档案后，导入办公室的台账（XLSX/CSV），或手工添加客户、站点、通道和设备。',
  inventory: '台账', inventory_hint: '客户、站点、通道、设备和合同：导入办公室的台账文件，或在下面逐条添加。', import_or_add: '导入或添加',
  import_title: '导入台账文件', import_hint: 'XLSX（每类一个工作表：客户、站点、车道、设备、合同）或 CSV（每类一个文件，UTF-8 或 GBK）。先检查，确认后才写入；有任何错误则一行也不写。',
  choose_files: '选择文件…', import_checking: '正在检查…', import_refused: '有 {n} 处问题，未导入任何数据。改正文件后重新选择：',
  import_at: '位置', import_column: '列', import_problem: '问题', import_added: '新增', import_updated: '更新', import_unchanged: '不变',
  inv_customers: '客户', inv_sites: '站点', inv_lanes: '通道', inv_devices: '设备', inv_contracts: '合同', import_skipped: '跳过的工作表',
  import_done: '已导入。', import_nothing_new: '文件中没有新内容，无需导入。', import_go: '确认导入',
  add_by_hand: '手工添加', new_customer: '新客户', customer_name: '客户名称', address_opt: '地址（可选）', contact_opt: '联系人（可选）', contact_phone_opt: '联系电话（可选）',
  add: '添加', added: '已添加', new_site: '新站点', customer: '客户', choose: '请选择…', site_name: '站点名称', need_customer: '先添加客户。',
  new_lane: '新通道', site: '站点', lane_code: '通道编号', lane_name: '通道名称', need_site: '先添加站点。',
  new_device: '新设备', lane: '通道', device_type: '设备类型', need_lane: '先添加通道。',
  sites_empty: '还没有站点。', edit_profile: '我的档案', save: '保存', prefix_fixed_hint: '报告编号前缀一旦用于报告就不能再改（已签发的编号不能变）。',
  edit_at_lane: '现场更正', edit_at_lane_hint: '只改与现场不符的项；每项改动记入履历并署您的名字。', firmware: '固件/软件版本', notes_label: '备注', nothing_changed: '没有改动。', changed_fields: '已更正', by_whom: '记录人',
  purpose_title: '查阅涉密档案', purpose_hint: '该设备档案为涉密档案。请填写查阅目的，查阅将记入查阅记录。', purpose: '查阅目的', purpose_ph: '例：更换硬盘前核对配置', open_with_purpose: '查阅',
  access_log: '我的查阅记录', access_log_hint: '您查阅涉密（内部、秘密）设备档案的记录，办公室同步后也可查看。', access_log_none: '还没有查阅过涉密档案。', no_purpose: '（内部档案，无需填写）',
  add_found_device: '现场新增设备', add_found_hint: '现场发现的设备（台账里没有）：建档并记入履历“现场发现”。', found_added: '已建档',
  enrol_again: '更换办公室地址或令牌', enrol_again_hint: '令牌被撤销或办公室换了地址时，填写新的地址和令牌；本机数据保留，仍以同一位工程师的身份工作。',
};

export type Key = keyof typeof zh;

const en: Record<Key, string> = {
  app: 'weibao', today: 'Today', sites: 'Sites & devices', stock: 'Spare stock', reports: 'Reports', back: 'Back', lang: '中文',
  loading: 'Loading…', saved: 'Saved', saving: 'Saving…', retry: 'Retry', cancel: 'Cancel', confirm: 'Confirm', close: 'Close', corrections: 'Corrections', correction_hint: 'The inspection is complete and its answers are final; to correct one, write it here and add it.', add_correction: 'Add correction', ask_open_faults: 'Some failed items have no fault opened. Open fault work orders for them?', open_faults_and_complete: 'Open faults and complete', complete_without_faults: 'Complete without faults', draft_loading: 'Making the draft report… (about 2 s)', opened_in_viewer: 'Handed to the system viewer; if no window appeared, open the file from here',
  setup_title: 'First start: connect to the office, or create your profile', setup_hint: 'Kept on this machine and usable offline. Every record you write carries your name; your report-signing key is made now and never leaves this machine.',
  company: 'Company', name: 'Name', phone: 'Mobile (optional)', prefix: 'Report number prefix (2–6 letters)',
  create_profile: 'Create profile', or: 'or', load_demo: 'Load demo data', demo_hint: '3 customers, 5 sites, 20 lanes, ~300 devices, used as engineer 张伟.',
  demo_loading: 'Loading demo data…', db_at: 'Database',
  mine: 'My work orders', unassigned: 'Not yet assigned', nothing_today: 'Nothing to do today.', nothing_today_hint: 'Due inspections and reported faults appear here. With no customers and devices yet, import the inventory or add them by hand.', stock_empty: 'No stock locations or parts yet. Once connected to the office, the van stock arrives with the sync.', due_inspections: 'Inspections due',
  level: 'level', respond_by: 'Respond by', respond_within: 'respond within', stats: 'Statistics', stats_empty: 'No customers yet: import the inventory to see quarterly statistics.', show: 'Show', export_xlsx: 'Export for the customer (XLSX)', make_status_report: 'Make the device status report', status_report_made: 'Device status report signed:', exported_to: 'Exported:', inspections_done_due: 'Inspections done/due', faults_total: 'Faults', mean_respond: 'Mean response', mean_arrive: 'Mean arrival', mean_repair: 'Mean repair (from arrival)', kept_clock: '{clock} kept', faults_by: 'Faults by', by_device_type: 'Device type', by_level: 'Level', by_cause: 'Cause', recurring: 'Repeated faults', resolve_remotely: 'Resolve remotely', by_phone: 'By phone', by_remote_session: 'By remote session', remote_detail: 'What was done (e.g. guided the customer to restart the reader)', charges: 'Charges', fault_cause: 'Cause of the fault', labour_days: 'Labour (person-days, in halves)', travel_yuan: 'Travel (yuan)', survey_yuan: 'Site survey (yuan)', cause_not_recorded: 'No cause recorded yet: quoted as a natural failure.', repeat_repairs: 'Repair {n} of this device within a year: the contract says to offer a new unit.', bill_item: 'Item', amount_yuan: 'Amount (yuan)', charge: 'Charge', billable: 'Billable', free: 'Free', total_due: 'Total due', line_labour: 'Labour', line_travel: 'Travel', line_survey: 'Site survey', agreed_by: 'Agreed by the customer', consent_stale: 'The price changed: the customer must agree again.', refurbished_ok: 'Customer agrees in writing to a refurbished part', customer_agrees: 'Customer agrees to the price', free_repair: 'This repair is free: nothing for the customer to agree to.', all_parts: 'Show all parts', no_van: 'No van stock location: it arrives with the sync from the office.', no_fitting_parts: 'No parts in the van fit this device.', on_site_within: 'on site within', on_site_by: 'On site by', reported_at: 'Reported',
  notes_search: 'Search repair notes (fault, state found, actions)', notes_search_hint: 'e.g. 缓冲垫开裂', notes_none: 'No notes mention it.', fault_time: 'Fault occurred', blank_is_now: '(empty: now)', fault_location: 'Fault location', channel: 'Reported by way of', taken_by: 'Taken by', blank_is_me: '(empty: me)', fault_result: 'Handling result', save_result: 'Save the result', backup_restore: 'Backup and restore (what was saved, how it was restored)', satisfaction: 'Customer satisfaction', sat_5: 'Very satisfied', sat_4: 'Satisfied', sat_3: 'Neutral', sat_2: 'Dissatisfied', sat_1: 'Very dissatisfied', sat_none: 'Not rated',
  due_by: 'due', sla: 'Service levels', counted_in: 'Counted in', sla_done: 'Done', paused_by: 'paused', pauses: 'Pauses', pause_clock: 'Pause', pause_reason: 'Reason', pause_note: 'Note', pause_which: 'Which clock', all_clocks: 'All clocks', pause_from: 'Start (empty: now)', pause_end: 'End pause', pause_running: 'running', recorded_by: 'Recorded by',
  find_by_label: 'Find by label', find_by_label_hint: 'Choose a photo of the device label (QR, device code or the maker’s serial barcode)', print_labels: 'Print QR labels', labels_made: 'QR labels made:', labels_count: '{n} labels, {pages} pages',
  search: 'Search', search_ph: 'Device code, serial, model or any text', search_by: 'By', by_text: 'Text', by_code: 'Code', by_serial: 'Serial', by_model: 'Model',
  no_hits: 'No device found.', lanes: 'Lanes', devices: 'Devices', pick_site: 'Pick a site', pick_lane: 'Pick a lane to see its devices',
  archive: 'Device archive', history: 'History', model: 'Model', manufacturer: 'Manufacturer', serial: 'Serial', code: 'Code',
  manufacture_date: 'Manufactured', install_date: 'Installed', warranty_end: 'Warranty until', in_warranty: 'In warranty', out_warranty: 'Out of warranty',
  status: 'Status', location: 'Location', position: 'Position', confidentiality: 'Confidentiality', open_work_orders: 'Open work orders',
  report_fault: 'Report fault', fault_level: 'Fault level', phenomenon: 'Phenomenon', contact_name: 'Contact', contact_phone: 'Contact phone', submit: 'Submit',
  work_order: 'Work order', advance_to: 'Move to', state_found: 'State found on arrival', actions: 'Process and actions', analysis: 'Cause analysis',
  feedback: 'Customer feedback', service_record: 'Service record', parts_used: 'Parts used', van_stock: 'Van stock', qty: 'Qty', use_part: 'Use',
  swap: 'Spare unit swap', spare_serial: 'Spare unit serial', do_swap: 'Swap', fault_report: 'Fault report', transitions: 'Progress',
  to_signature: 'Customer signature', signature: 'Customer signature', signer: 'Signer name', clear: 'Clear', sign_done: 'Confirm and make the report',
  refused: 'Customer refused to sign', refusal_reason: 'Reason', refuse_done: 'Record refusal and make the report', sign_empty: 'Please sign in the box first', sign_here: 'Sign here',
  report: 'Service report', open_pdf: 'Open in system viewer', print: 'Print', verify: 'Verify signature', verified: 'Signature valid: unaltered since signing', not_verified: 'Signature NOT valid',
  report_number: 'Report number', pdf_path: 'File', page: 'Page',
  device: 'Device', signed_at: 'Signed', signed_by: 'Signed by', find: 'Find', from_day: 'From', to_day: 'To', report_search: 'Report number or title', report_search_hint: 'e.g. XAMT-2026', reports_none: 'No signed reports yet. Once a customer signs, the report appears here.', reports_none_match: 'No report matches.', device_reports: 'Reports of this device', open_report: 'Open report',
  low_stock: 'Low stock', low_stock_hint: 'These parts are below their minimum; restock soon:', minimum_stock: 'Minimum', restock: 'Restock', set_minimum: 'Set minimum', shortfall: 'Short by', low_count: 'below their minimum', to_stock: 'Stock',
  locations: 'Locations', on_hand: 'On hand', recent_movements: 'Recent movements', unit: 'Unit', part: 'Part', category: 'Category', when: 'When', kind: 'Kind', note: 'Note',
  inspection: 'Inspection', start_inspection: 'Start inspection', progress: 'Progress', pass: 'Pass', fail: 'Fail', na: 'N/A',
  range_hint: 'Range', out_of_range: 'Out of range', photos: 'Photos', add_photo: 'Add photo', drop_here: 'Drop photos here',
  complete: 'Complete inspection', confirm_fault: 'Confirm fault and report it', required: 'required', items: 'items',
  not_yet: 'Waiting for the core module.', camera: 'Camera / file', in_progress: 'Inspections in progress', show_all: 'show all', preview_draft: 'Preview the draft report', next_missing: 'Go to a missing required item', continue: 'Continue', due_on: 'due', start_on_lane: 'Start on this lane:', from_office: 'office template',
  sync: 'Sync', sync_title: 'Sync with the office', sync_now: 'Sync now', syncing: 'Syncing…',
  ind_synced: 'Synced {t}', ind_pending: '{n} to send', ind_offline: 'Offline', ind_failed: 'Sync failed', ind_never: 'Not synced yet', ind_not_enrolled: 'No office',
  office: 'Office', last_sync: 'Last sync', last_try: 'Last attempt', never: 'never', last_failure: 'Last sync failed',
  pending_changes: 'Changes waiting to be sent', photos_to_send: 'Photos and files to send', photos_pending: 'Photos and files not here yet', photos_pending_hint: 'The records arrived; the photos come with the next sync.', photos_set_aside: 'Files set aside by the office', conflicts: 'Open conflicts', conflicts_hint: 'A person must decide these: tell the office.',
  set_aside: 'Changes set aside by the office', set_aside_none: 'None.', set_aside_hint: 'The office did not take these changes (reasons below); everything else syncs as usual. Talk to the office.',
  record: 'Record', reason: 'Reason', table: 'Table', auto_sync_hint: 'This laptop syncs in the background whenever the office is reachable; offline it works as usual and keeps everything here.',
  sync_done: 'Synced: sent {p}, received {q}', already_running: 'A sync is already running; please wait.', sync_progress: 'Sent {p}, received {q}',
  connect_office: 'Connect to the office', connect_hint: 'Enter the address and token the office gave you. This laptop then works as your engineer record at the office and downloads customers, sites and devices.',
  server_url: 'Office address', token: 'Token', connect: 'Connect and sync', connecting: 'Connecting to the office…', not_enrolled_hint: 'This laptop is not connected to an office yet; connect it to sync.',
  start_empty: 'Start empty (no office)', demo: 'Demo data',
  start_empty_hint: 'After creating your profile, import the office\'s inventory (XLSX/CSV) or add customers, sites, lanes and devices by hand.',
  inventory: 'Inventory', inventory_hint: 'Customers, sites, lanes, devices and contracts: import the office\'s inventory files, or add them one by one below.', import_or_add: 'Import or add',
  import_title: 'Import inventory files', import_hint: 'XLSX (one sheet per kind: customers, sites, lanes, devices, contracts) or CSV (one file per kind, UTF-8 or GBK). Checked first and written only when you confirm; with any problem nothing is written.',
  choose_files: 'Choose files…', import_checking: 'Checking…', import_refused: '{n} problems; nothing was imported. Correct the file and choose it again:',
  import_at: 'Where', import_column: 'Column', import_problem: 'Problem', import_added: 'Added', import_updated: 'Updated', import_unchanged: 'Unchanged',
  inv_customers: 'Customers', inv_sites: 'Sites', inv_lanes: 'Lanes', inv_devices: 'Devices', inv_contracts: 'Contracts', import_skipped: 'Sheets skipped',
  import_done: 'Imported.', import_nothing_new: 'Nothing new in the file; nothing to import.', import_go: 'Import',
  add_by_hand: 'Add by hand', new_customer: 'New customer', customer_name: 'Customer name', address_opt: 'Address (optional)', contact_opt: 'Contact (optional)', contact_phone_opt: 'Contact phone (optional)',
  add: 'Add', added: 'Added', new_site: 'New site', customer: 'Customer', choose: 'Choose…', site_name: 'Site name', need_customer: 'Add a customer first.',
  new_lane: 'New lane', site: 'Site', lane_code: 'Lane code', lane_name: 'Lane name', need_site: 'Add a site first.',
  new_device: 'New device', lane: 'Lane', device_type: 'Device type', need_lane: 'Add a lane first.',
  sites_empty: 'No sites yet.', edit_profile: 'My profile', save: 'Save', prefix_fixed_hint: 'The report prefix cannot change once a report carries it (issued numbers stay as they are).',
  edit_at_lane: 'Correct at the lane', edit_at_lane_hint: 'Change only what differs from the device in front of you; each change goes into its history under your name.', firmware: 'Firmware/software version', notes_label: 'Notes', nothing_changed: 'Nothing changed.', changed_fields: 'Corrected', by_whom: 'By',
  purpose_title: 'Confidential archive', purpose_hint: 'This device’s archive is confidential. Say why you are reading it; the read goes into the access log.', purpose: 'Purpose', purpose_ph: 'e.g. check the configuration before replacing the disk', open_with_purpose: 'Open',
  access_log: 'My archive reads', access_log_hint: 'Your reads of confidential (internal, secret) device archives; the office sees them after a sync.', access_log_none: 'No confidential archive read yet.', no_purpose: '(internal: no purpose needed)',
  add_found_device: 'Add a device found here', add_found_hint: 'A device at this lane that no archive knows: archive it; its history says it was found here.', found_added: 'Archived',
  enrol_again: 'Change the office address or token', enrol_again_hint: 'When the token was revoked or the office moved, enter the new address and token; everything here stays, and you keep working as the same engineer.',
};

export function t(key: Key): string {
  return (ui.lang === 'en' ? en : zh)[key];
}

/** A message with `{name}` placeholders filled in. */
export function tf(key: Key, vars: Record<string, string | number>): string {
  return t(key).replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** A fault level as engineers say it: 一级…四级 → "3级" / "L3". */
export function levelText(n: number | null | undefined): string {
  if (!n) return '';
  return ui.lang === 'en' ? `L${n}` : `${n}级`;
}

/** A label the core sent in both languages, in the current one. */
export function both(zh: string, en: string): string {
  return ui.lang === 'en' ? en : zh;
}

/** A text the core sent as Chinese with an optional English twin (a template's label, a
 *  section title…): the English when the language is English and there is one. */
export function en_or(zh: string, en: string | null | undefined): string {
  return ui.lang === 'en' && en ? en : zh;
}

/** The core's English labels are lower case ("on site"), to sit inside a sentence; alone on a
 *  pill or as a heading they start with a capital ("On site"). */
export function cap(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** Punctuation follows the language: "字段：值" / "Field: value", "名称（注）" / "Name (note)". */
export function colon(): string {
  return ui.lang === 'en' ? ': ' : '：';
}
export function paren(s: string): string {
  return ui.lang === 'en' ? ` (${s})` : `（${s}）`;
}

/** The message of a core error in the current language. */
export function errText(e: AppError): string {
  return ui.lang === 'en' ? e.message_en : e.message;
}

// Shapes of what the core returns (serde of the Rust structs). Only the fields the UI reads.

export interface Engineer { id: string; company_id: string; name: string; phone: string | null; report_prefix: string }
export interface Profile { engineer: Engineer; company_name: string }
export interface AppStatus { version: string; db_path: string; profile: Profile | null; empty: boolean }

export interface SiteView { id: string; name: string; address: string | null; customer_id: string; customer_name: string; lane_count: number }
export interface LaneView { id: string; name: string; code: string; site_id: string; site_name: string; customer_id: string; customer_name: string; device_count: number }
export interface Device {
  id: string; code: string; device_type: string; model: string; manufacturer: string; serial: string;
  manufacture_date: string | null; install_date: string | null; warranty_end: string | null;
  status: string; lane_id: string; position: string | null; confidentiality: string; notes: string | null;
  firmware: string | null;
}
export interface FoundByLabel { device: Device; read: string; matched_by: 'label' | 'code' | 'serial' }
export interface LabelSheet { scope: string; codes: string[]; pages: number; bytes: number; path: string | null }
export interface DeviceHit { id: string; code: string; device_type: string; type_label: string; model: string; serial: string; status: string; site_name: string; lane_name: string; lane_id: string }
/** A history line with who wrote it (`by_name` is null while that engineer has not synced here). */
export interface HistoryLine { at: string; kind: string; summary: string; summary_en: string; work_order_id: string | null; by: string; by_name: string | null }
/** A field the core lets the engineer correct at the lane, with its value now. */
export interface EditableField {
  field: string; name: string; label_zh: string; label_en: string; input: 'text' | 'note' | 'status';
  required: boolean; max_chars: number; value: string;
}
export interface FieldChange { field: string; label_zh: string; label_en: string; from: string | null; to: string | null }
/** One of the engineer's own reads of a confidential archive. */
export interface AccessRow {
  at: string; at_text: string; device_id: string; device_code: string; device_type: string; type_label: string; type_label_en: string;
  confidentiality: string; confidentiality_label: string; confidentiality_label_en: string; site_name: string; lane_name: string; purpose: string | null;
}

export interface WorkOrderSummary {
  id: string; kind: string; state: string; title: string; device_id: string | null; device_code: string | null;
  lane_id: string; contract_id: string | null; level: number | null; assignee_id: string | null;
  respond_by: string | null; on_site_by: string | null; reported_at: string;
}
/** One SLA clock as the core computed it at its clock; times already in China time. */
export interface SlaClock {
  kind: string; label_zh: string; label_en: string; step: string;
  calendar: string; calendar_zh: string; calendar_en: string; minutes: number; limit_zh: string; limit_en: string;
  starts_text: string; deadline: string; deadline_text: string; status: string; done_at_text: string | null;
  paused_minutes: number; rule_zh: string | null; rule_en: string | null;
}
/** A sentence from the core in both languages (a warning, a rule applied). */
export interface Note { zh: string; en: string }
/** A recorded excuse that paused the clocks (台风, 道路封闭 …). */
export interface PauseRow {
  id: string; clock: string | null; reason: string; reason_zh: string; reason_en: string; note: string | null;
  started_at_text: string; started_by: string | null; ended_at_text: string | null; ended_by: string | null; running: boolean;
}
export interface WorkOrderRow extends WorkOrderSummary {
  title_en: string; reported_at_text: string; respond: SlaClock | null; on_site: SlaClock | null;
  clocks: SlaClock[]; sla_warnings: Note[];
}
export interface Archive {
  device: Device; type_label: string; type_label_en: string; status_label: string; status_label_en: string; lane: LaneView; in_warranty: boolean;
  history: (HistoryLine & { at_text: string; report_number: string | null })[]; open_work_orders: WorkOrderRow[];
  reports: ReportRow[]; editable: EditableField[];
}
export interface LaneEditView { changed: FieldChange[]; archive: Archive }
/** A signed report on record (the Reports screen, a device's archive). */
export interface ReportRow {
  work_order_id: string; number: string; kind: string; kind_zh: string; kind_en: string; title: string;
  lane_id: string; site_name: string; lane_code: string; device_id: string | null; device_code: string | null;
  signer: string; signed_at: string; signed_at_text: string;
}
export interface ServiceRecord { found_state: string; process: string; analysis: string | null; customer_feedback: string | null; satisfaction: number | null; backup_restore: string | null }
export interface PartUse { part_code: string; part_name: string; qty: number; unit: string; condition: string; unit_serial: string | null }
export interface TransitionRow { to: string; at_text: string; note: string | null }
export interface FaultReportView { fault_time: string; phenomenon: string; location: string | null; contact_name: string | null; contact_phone: string | null; taken_by: string | null; channel: string | null; result: string | null }
/** The work-order screen: what it may do next and what is missing, decided by the core. */
export interface WorkOrderView extends WorkOrderRow {
  next_steps: string[]; can_sign: boolean; default_signer: string | null; can_resolve_remotely: boolean; can_resolve_at_office: boolean;
  resolution: { method: string; method_label_zh: string; method_label_en: string; detail: string } | null; has_report: boolean; editable: boolean; missing: string[];
  transitions: TransitionRow[]; fault_report: FaultReportView | null; phenomenon_en: string | null; fault_time_text: string | null;
  channel_label: [string, string] | null; suggested_result: string | null;
  service_record: ServiceRecord | null; parts: PartUse[]; pauses: PauseRow[]; can_pause: boolean;
}
export interface ServiceSave { saved: ServiceRecord | null; missing: string[] }
export interface InspectionRow extends InspectionHeader { name_en: string | null; started_at_text: string }
export interface Today { mine: WorkOrderRow[]; unassigned: WorkOrderRow[]; in_progress: InspectionRow[]; due: DueInspection[]; low_stock: LowStock[] }

export interface Location { id: string; kind: string; name: string; engineer_id: string | null }
export interface StockLine { part_id: string; part_code: string; part_name: string; category: string; unit: string; on_hand: number; minimum: number | null; low: boolean }
/** A part below its minimum at a location (the core's `stock::LowStock`). */
export interface LowStock { location_id: string; location_name: string; part_id: string; part_code: string; part_name: string; unit: string; on_hand: number; minimum: number; shortfall: number }
export interface Movement {
  id: string; kind: string; part_id: string; qty: number; from_location: string | null; to_location: string | null;
  work_order_id: string | null; unit_id: string | null; condition: string; at: string; at_text: string; note: string | null;
}

export interface Verification { valid: boolean; signer: string; signing_time: string | null; covers_whole_file: boolean; problem: string | null; sha256_hex: string }
export interface ReportView {
  number: string; path: string; sha256: string; signed_at: string; signed_at_text: string; verification: Verification | null;
}

// Inspection runner (checklist issue 4). Mirrors the core's template types.
export interface Choice { id: string; label_zh: string; label_en: string | null; fails: boolean }
export type ItemSpec =
  | { kind: 'pass_fail' } | { kind: 'yes_no'; fail_on: boolean | null }
  | { kind: 'number'; unit: string; unit_en?: string; min: number | null; max: number | null }
  | { kind: 'reading'; instrument_zh: string; instrument_en?: string; unit: string; unit_en?: string; min: number | null; max: number | null }
  | { kind: 'text'; max_len: number | null }
  | { kind: 'single_choice'; options: Choice[] } | { kind: 'multi_choice'; options: Choice[] }
  | { kind: 'photo'; min_count: number };
export type AnswerValue =
  | { kind: 'pass_fail'; value: 'pass' | 'fail' | 'na' } | { kind: 'yes_no'; value: boolean }
  | { kind: 'number'; value: number } | { kind: 'text'; value: string }
  | { kind: 'single_choice'; value: string } | { kind: 'multi_choice'; value: string[] }
  | { kind: 'photo'; value: string[] } | { kind: 'reading'; value: { value: number; instrument: string | null } };
export interface Outcome { failed: boolean; out_of_range: boolean }
export interface RunItem {
  key: string; section: string; section_en: string | null; device_code: string | null;
  item: { id: string; label_zh: string; label_en: string | null; spec: ItemSpec; fault_level: number | null };
  answer: AnswerValue | null; outcome: Outcome | null; required: boolean; visible: boolean;
  fault_work_order_id: string | null;
}
export interface RunProgress {
  shown: number; answered: number; required: number; required_answered: number; failed: number; out_of_range: number;
  missing: { key: string; label_zh: string; label_en: string }[];
}
export interface InspectionHeader {
  id: string; lane_id: string; lane_code: string; lane_name: string; site_name: string; template_id: string;
  kind: string; name: string; engineer_id: string; started_at: string; completed_at: string | null;
}
export interface InspectionNote { id: string; text: string; engineer_name: string; written_at: string; written_at_text: string }
export interface RunView { id: string; header: InspectionHeader; name_en: string | null; started_at_text: string; state: string; editable: boolean; items: RunItem[]; progress: RunProgress; addenda?: InspectionNote[] }
export interface DueInspection {
  kind: string; template: string; template_name_zh: string; template_name_en: string | null;
  lane_id: string; lane_code: string; lane_name: string; site_name: string; contract_number: string;
  due: string; status: string; status_label: string; status_label_en: string;
}

// A checklist template a lane can start (shipped, or stored by office staff).
export interface StartableTemplate {
  code: string; version: number; kind: string; kind_label_zh: string; kind_label_en: string;
  name_zh: string; name_en: string | null; origin: 'shipped' | 'office'; items: number;
}

// Sync with the office: the panel as the core decided it (indicator state, China-time texts).
export interface Refusal { seq: number; table: string; row_id: string; reason: string; reason_en: string }
export interface BlobSetAside { sha256: string; kind: string; message: string; message_en: string; at: string }
export interface LastError { at: string; kind: string; message: string; message_en: string }
export type Indicator = 'not_enrolled' | 'offline' | 'failed' | 'pending' | 'synced' | 'never';
export interface SyncPanel {
  server: string | null; last_ok_at: string | null; last_try_at: string | null; last_error: LastError | null;
  pending_changes: number; set_aside: Refusal[]; conflicts: number;
  photos_to_send: number; photos_pending: number; photos_set_aside: BlobSetAside[]; to_send: number;
  indicator: Indicator; last_ok_text: string | null; last_ok_short: string | null; last_try_text: string | null; last_error_text: string | null;
  running: boolean;
}
export interface SyncSummary { pushed: number; acknowledged: number; pulled: number; applied: number; held: number; set_aside: number; cursor: number }
export interface SyncNow { already_running: boolean; summary: SyncSummary | null }
/** A progress event from the sync worker (`sync-progress`). */
export interface SyncProgress {
  phase: 'started' | 'step' | 'done' | 'failed'; trigger: 'background' | 'now' | 'enrol';
  line: string | null; line_zh: string | null; pushed: number; pulled: number;
  error: { kind: string; message: string; message_en: string; field: string | null } | null;
}
export interface EnrolAnswer { engineer_id: string; name: string; report_prefix: string; certificate_sha256: string | null }

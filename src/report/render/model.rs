//! The plain data a report is rendered from.
//!
//! The renderer is a pure function of this model (plus the font): no database, no clock, no file
//! system. The store-facing code fills it from what is stored — never from UI state — which keeps
//! "the PDF shows what was recorded" checkable in one place and makes the same record render to
//! the same bytes every time (the signed hash depends on that).
//!
//! Values are shown as given: names, answers and notes are the user's own words and are not
//! translated. Only the fixed labels (headings, column titles, 是/否 style enums) follow
//! [`ReportDoc::lang`]. Times are local wall-clock times (what the engineer and the customer saw
//! on the clock at the lane), so they are `NaiveDateTime` and printed as `YYYY-MM-DD HH:MM`.

use chrono::NaiveDateTime;

use crate::Lang;

/// Everything printed on one report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDoc {
    /// Language of the fixed labels. Chinese by default.
    pub lang: Lang,
    pub kind: ReportKind,
    /// The work was an emergency (应急响应): the service report is titled as one, as the seeds'
    /// contracts promise an 应急响应报告 after each.
    pub emergency: bool,
    /// Which inspection an inspection report records: it is titled by it (日常维护记录,
    /// 巡检记录, 续保基线巡检记录).
    pub inspection_kind: Option<crate::checklist::InspectionKind>,
    /// The report number, unique across engineers (e.g. `E07-2026-0042`); printed in the header of
    /// every page and used as the PDF's document id.
    pub number: String,
    pub company: Company,
    pub customer: Customer,
    pub site: String,
    /// The lane (通道/车道) the work was done on, if the work concerns one lane.
    pub lane: Option<String>,
    /// Fault level (故障级别) as the contract names it, for service reports.
    pub fault_level: Option<String>,
    /// What the customer reported (报修内容), for service reports.
    pub reported_fault: Option<String>,
    /// The rest of the 报障登记表 (when, how, where, who took it, the result), for service
    /// reports of a fault.
    pub register: Option<FaultRegister>,
    /// 备份与恢复: what was backed up and restored, from the service record.
    pub backup_restore: Option<String>,
    pub devices: Vec<DeviceLine>,
    pub times: Times,
    /// Checklist results; usually empty for a service report.
    pub checklist: Vec<ChecklistLine>,
    /// State found on arrival (到场情况).
    pub found_state: Option<String>,
    /// What was done (处理过程).
    pub actions: Option<String>,
    /// Cause analysis (原因分析).
    pub analysis: Option<String>,
    /// How the fault was resolved when nobody went on site (电话/远程), with what was done.
    pub resolution: Option<String>,
    pub parts: Vec<PartLine>,
    /// The bill (费用): every part and labour line free or billable with why, and the total,
    /// when the job has any line (from `crate::billing`).
    pub bill: Option<Bill>,
    /// Photos with their report-size JPEGs (made once at import; the renderer never decodes a
    /// camera original).
    pub photos: Vec<ReportPhoto>,
    pub customer_feedback: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    pub signature: CustomerSignature,
    pub engineer_name: String,
    /// The work order's SLA clocks (服务时限) as computed from the record when the report is
    /// made; empty for an inspection or a job no contract sets limits for.
    pub sla: Vec<SlaLine>,
    /// Lines under the clocks: the pauses with their reasons and who recorded them, warnings.
    pub sla_notes: Vec<String>,
}

/// The 报障登记表 as printed: every field in the paper form's order. Values are as recorded
/// (the channel already in the report's language).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FaultRegister {
    pub fault_time: Option<NaiveDateTime>,
    pub location: Option<String>,
    pub reporter: Option<String>,
    pub phone: Option<String>,
    pub channel: Option<String>,
    pub taken_by: Option<String>,
    /// 故障处理结果: as written, else what the records say.
    pub result: Option<String>,
}

/// One SLA clock as printed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlaLine {
    /// The clock and its limit ("到场 24 小时").
    pub label: String,
    /// The calendar it counts in, by name.
    pub calendar: String,
    pub deadline: String,
    /// When the step happened, or "—".
    pub done: String,
    /// The standing, as worded in the report's language.
    pub status: String,
    /// Printed in the failure colour.
    pub breached: bool,
}

/// Which report this is; decides the title and, for an addendum, the reference to the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportKind {
    /// 巡检记录 — a periodic inspection.
    Inspection,
    /// 客户服务记录表（维修报告） — a fault call / repair.
    Service,
    /// 补充报告 — a correction to a signed report, which stays untouched; the addendum names it by
    /// number and by the SHA-256 of its PDF so a reader can find and check the exact original.
    Addendum {
        original_number: String,
        original_sha256: String,
    },
}

/// The service company (乙方) whose header is printed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Company {
    pub name: String,
    /// A PNG logo (transparency kept). `None` prints the name only.
    pub logo_png: Option<Vec<u8>>,
}

/// The customer (甲方) and the person to contact.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Customer {
    pub name: String,
    pub contact: Option<String>,
    pub phone: Option<String>,
}

/// One device the work touched.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceLine {
    /// The unique device number (统一编号).
    pub code: String,
    /// What it is, already in the report's language (e.g. "IC读卡器").
    pub kind_label: String,
    pub model: String,
    pub serial: Option<String>,
}

/// The service timeline. Any of them may be unknown (an inspection has no "reported").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Times {
    pub reported: Option<NaiveDateTime>,
    pub responded: Option<NaiveDateTime>,
    pub arrived: Option<NaiveDateTime>,
    pub resolved: Option<NaiveDateTime>,
}

/// One checklist item and its result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChecklistLine {
    /// The template section (e.g. "外观检查"); consecutive items with the same section are
    /// grouped under one section row.
    pub section: String,
    pub label: String,
    /// The recorded answer as text (e.g. "正常", "2.8 s", "否").
    pub answer: String,
    /// The expected value or range with unit (e.g. "≤ 3 s"), if the template has one.
    pub expected: Option<String>,
    /// Out of range / not OK: the row is highlighted.
    pub failed: bool,
    pub note: Option<String>,
}

/// A spare part used on the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartLine {
    pub name: String,
    /// Part number or model, if known.
    pub part_no: Option<String>,
    pub qty: u32,
    pub condition: PartCondition,
    pub billing: Billing,
}

/// The bill as printed: its lines in the report's language, the total in fen, and the
/// customer's agreement to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    /// The cause the engineer recorded (故障原因), in the report's language.
    pub cause: String,
    pub lines: Vec<BillLine>,
    pub total_fen: i64,
    /// "王建国 agreed 2026-06-01 10:30", or that the customer has not agreed yet.
    pub consent: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub label: String,
    pub qty: String,
    pub amount_fen: i64,
    pub billable: bool,
    pub reason: String,
}

/// Replacement parts are new unless the customer agreed in writing to a refurbished one, so the
/// report states which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartCondition {
    New,
    Refurbished,
}

/// Whether the customer pays for a part (outside warranty, human damage, consumables, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    Warranty,
    Billable,
}

/// A photo as printed: its report-size JPEG (≤ 1600 px, see `crate::media::import_photo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPhoto {
    /// Baseline or progressive JPEG bytes, embedded in the PDF unchanged (no re-encoding). The
    /// printed size follows the JPEG's own header, so no separate width/height can disagree.
    pub jpeg: Vec<u8>,
    pub caption: String,
    /// Capture time from EXIF, if the camera recorded one.
    pub taken_at: Option<NaiveDateTime>,
}

/// Customer satisfaction from the follow-up question on site (满意度).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Satisfaction {
    VerySatisfied,
    Satisfied,
    Neutral,
    Dissatisfied,
}

/// The customer's confirmation. A record without it is invalid (无客户确认视作无效记录), so a
/// finalised report carries either a signature or a recorded refusal; `Pending` exists for the
/// preview the customer reads before signing and is printed as an empty signature box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerSignature {
    Signed {
        /// The signature pad's PNG (transparent background), validated at capture by
        /// `crate::media::import_signature_png`.
        png: Vec<u8>,
        signer: String,
        at: NaiveDateTime,
    },
    Refused {
        reason: String,
        at: Option<NaiveDateTime>,
    },
    /// Confirmed on the phone after a resolution without a visit: who for the customer, on
    /// which number, and who took the call.
    ByPhone {
        confirmer: String,
        phone: String,
        recorded_by: String,
        at: Option<NaiveDateTime>,
    },
    Pending,
}

impl ReportDoc {
    /// An empty report of the given kind: a starting point for callers and tests that fill in
    /// only what they have.
    pub fn new(kind: ReportKind, number: impl Into<String>) -> Self {
        ReportDoc {
            lang: Lang::Zh,
            kind,
            emergency: false,
            inspection_kind: None,
            number: number.into(),
            company: Company::default(),
            customer: Customer::default(),
            site: String::new(),
            lane: None,
            fault_level: None,
            reported_fault: None,
            register: None,
            backup_restore: None,
            devices: Vec::new(),
            times: Times::default(),
            checklist: Vec::new(),
            found_state: None,
            actions: None,
            analysis: None,
            resolution: None,
            parts: Vec::new(),
            bill: None,
            photos: Vec::new(),
            customer_feedback: None,
            satisfaction: None,
            signature: CustomerSignature::Pending,
            engineer_name: String::new(),
            sla: Vec::new(),
            sla_notes: Vec::new(),
        }
    }
}

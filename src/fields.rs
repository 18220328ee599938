//! What each field an error can name is called by the people who see the message.
//!
//! An error's `field` is a stable machine key (`movement.qty`): the UI puts the message beside
//! that input and tests match on it. A person reads "数量" / "quantity", never the key, so every
//! displayed message goes through [`label`]. A key missing from the table falls back to its
//! last part in words (`report_prefix` → "report prefix"), never to the dotted key; a test scans
//! the sources so every key used is in the table.

/// A field's name in Chinese and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub zh: &'static str,
    pub en: &'static str,
}

const fn l(zh: &'static str, en: &'static str) -> Label {
    Label { zh, en }
}

/// Every field key an error names, with its label.
pub const FIELDS: &[(&str, Label)] = &[
    (
        "addendum.reason",
        l("更正原因", "reason for the correction"),
    ),
    ("addendum.text", l("补充说明", "addendum text")),
    (
        "acknowledged",
        l("已确认的同步位置", "acknowledged sync position"),
    ),
    (
        "archive_access.purpose",
        l("查阅目的", "purpose of reading the archive"),
    ),
    ("billing.cause", l("故障原因", "cause of the fault")),
    (
        "billing.labour_half_days",
        l("人工（人天）", "labour (person-days)"),
    ),
    ("billing.line", l("费用项目", "bill line")),
    ("billing.parts", l("备件费用", "parts cost")),
    (
        "billing.signer",
        l("确认费用的客户", "customer agreeing to the price"),
    ),
    ("billing.survey_fen", l("现场勘察费", "site survey fee")),
    ("billing.total", l("费用合计", "total")),
    ("billing.travel_fen", l("差旅费", "travel")),
    ("blob.sha256", l("文件编号", "file hash")),
    ("complaint.calendar", l("工作日历", "calendar")),
    ("complaint.complainant", l("投诉人", "complainant")),
    (
        "complaint.content",
        l("投诉内容和要求", "complaint and request"),
    ),
    (
        "complaint.correction",
        l("服务纠正、改进过程", "correction"),
    ),
    ("complaint.customer", l("客户", "customer")),
    ("complaint.state", l("投诉状态", "complaint state")),
    (
        "complaint.customer_opinion",
        l("客户意见", "customer's opinion"),
    ),
    ("complaint.handled_by", l("服务人员（部门）", "handled by")),
    (
        "complaint.initial_action",
        l("初步处理意见", "first action"),
    ),
    (
        "complaint.investigation",
        l("投诉调查结果", "investigation"),
    ),
    ("complaint.phone", l("联系方式", "phone")),
    ("complaint.project", l("合同项目名称", "project")),
    ("complaint.received_at", l("投诉时间", "time received")),
    ("complaint.satisfaction", l("客户满意度", "satisfaction")),
    ("complaint.summary", l("投诉处理总结", "summary")),
    ("complaint.taken_by", l("受理人", "taken by")),
    ("dispatch.engineer", l("派工工程师", "engineer dispatched")),
    ("follow_up.called_at", l("回访时间", "time of the call")),
    ("follow_up.called_by", l("回访人", "called by")),
    ("follow_up.comments", l("回访意见", "comments")),
    ("follow_up.customer", l("回访客户", "customer called")),
    ("follow_up.month", l("回访月份", "month of the call")),
    ("follow_up.person", l("受访人", "person reached")),
    (
        "follow_up.phone",
        l("受访人电话", "phone of the person reached"),
    ),
    ("follow_up.satisfaction", l("客户满意度", "satisfaction")),
    (
        "follow_up.work_order",
        l("回访工单", "work order of the call"),
    ),
    ("intake.device", l("设备", "device")),
    ("intake.phone", l("来电号码", "caller's phone")),
    (
        "resolution.detail",
        l("远程处理内容", "what was done remotely"),
    ),
    (
        "resolution.method",
        l("远程解决方式", "how it was resolved remotely"),
    ),
    ("stats.from", l("统计开始日期", "period start")),
    ("stats.quarter", l("季度", "quarter")),
    ("stats.to", l("统计结束日期", "period end")),
    (
        "status_report.customer",
        l("报告客户", "customer reported on"),
    ),
    (
        "status_report.from",
        l("报告期间开始日期", "start of the period"),
    ),
    ("status_report.site", l("报告站点", "site reported on")),
    ("branding.logo", l("公司标志", "company logo")),
    ("ca-cert", l("办公室证书", "office certificate")),
    ("calendar", l("服务日历", "service calendar")),
    ("calendar.days", l("工作日", "working days")),
    ("calendar.file", l("日历文件", "calendar file")),
    ("calendar.from", l("开始时间", "start time")),
    ("calendar.hours", l("服务时段", "service hours")),
    ("calendar.id", l("日历编号", "calendar id")),
    (
        "calendar.name_en",
        l("日历英文名称", "calendar name in English"),
    ),
    ("calendar.name_zh", l("日历名称", "calendar name")),
    (
        "calendar.public_holidays",
        l("是否执行法定节假日", "public holidays"),
    ),
    ("calendars", l("服务日历文件夹", "calendars folder")),
    ("certificate", l("证书", "certificate")),
    ("change", l("同步数据", "synced data")),
    ("change.seq", l("同步序号", "sync sequence number")),
    ("change.value", l("同步数据", "synced data")),
    ("common_name", l("证书名称", "certificate name")),
    ("company.address", l("公司地址", "company address")),
    ("company.name", l("公司名称", "company name")),
    ("company.phone", l("公司电话", "company phone")),
    ("conflict.note", l("处理说明", "resolution note")),
    ("contact.name", l("联系人姓名", "contact name")),
    ("common_fault.cause", l("故障原因", "cause")),
    (
        "common_fault.confirmed_by",
        l("确认人（技术负责人）", "confirmed by (technical lead)"),
    ),
    ("common_fault.device_type", l("设备类型", "device type")),
    ("common_fault.phenomenon", l("故障现象", "phenomenon")),
    ("common_fault.remedy", l("处理方法", "remedy")),
    ("contact.phone", l("联系电话", "contact phone")),
    ("contact.role", l("职务", "role")),
    ("contract.calendar", l("服务时间", "service hours")),
    ("contract.customer_id", l("客户", "customer")),
    ("contract.end_date", l("合同结束日期", "contract end date")),
    ("contract.fee", l("合同金额", "contract fee")),
    (
        "contract.inspections_per_year",
        l("每年巡检次数", "inspections per year"),
    ),
    ("contract.levels", l("故障级别表", "fault-level table")),
    ("contract.name", l("合同名称", "contract name")),
    ("contract.number", l("合同编号", "contract number")),
    ("contract.sites", l("服务站点", "sites covered")),
    ("contract.sla", l("服务时限条款", "SLA terms")),
    (
        "contract.start_date",
        l("合同开始日期", "contract start date"),
    ),
    ("contract.terms", l("合同条款", "contract terms")),
    ("cursor", l("同步位置", "sync position")),
    ("customer.address", l("客户地址", "customer address")),
    ("customer.name", l("客户名称", "customer name")),
    ("db", l("数据库文件", "database file")),
    ("device.code", l("设备编号", "device code")),
    ("device.confidentiality", l("涉密等级", "confidentiality")),
    ("device.install_date", l("安装日期", "installation date")),
    ("device.lane_id", l("所属车道", "lane")),
    ("device.manufacture_date", l("出厂日期", "manufacture date")),
    ("device.manufacturer", l("厂家", "manufacturer")),
    ("device.model", l("型号", "model")),
    ("device.notes", l("设备备注", "device notes")),
    (
        "device.firmware",
        l("固件/软件版本", "firmware/software version"),
    ),
    ("device.position", l("安装位置", "position")),
    ("device.serial", l("序列号", "serial number")),
    ("device.status", l("设备状态", "device status")),
    ("device.type", l("设备类型", "device type")),
    (
        "device.warranty_end",
        l("保修截止日期", "warranty end date"),
    ),
    ("device_event.summary", l("履历内容", "history entry")),
    ("encoding", l("文件编码", "file encoding")),
    ("engineer.name", l("工程师姓名", "engineer's name")),
    ("engineer.phone", l("工程师电话", "engineer's phone")),
    (
        "engineer.report_prefix",
        l("报告编号前缀", "report number prefix"),
    ),
    ("fault.channel", l("报障方式", "how it was reported")),
    ("fault.contact_name", l("报修人", "caller's name")),
    ("fault.contact_phone", l("报修人电话", "caller's phone")),
    ("fault.fault_time", l("故障时间", "fault time")),
    ("fault.level", l("故障级别", "fault level")),
    ("fault.location", l("故障位置", "fault location")),
    ("fault.phenomenon", l("故障现象", "fault description")),
    ("fault.result", l("故障处理结果", "handling result")),
    ("fault.taken_by", l("受理人", "taken by")),
    ("file", l("文件", "file")),
    ("files", l("文件", "files")),
    ("blobs", l("文件存储", "file store")),
    ("holiday.file", l("节假日条目", "holiday entry")),
    ("holiday.from", l("放假开始日期", "first day off")),
    (
        "holiday.name_en",
        l("节日英文名称", "holiday name in English"),
    ),
    ("holiday.name_zh", l("节日名称", "holiday name")),
    ("holiday.to", l("放假结束日期", "last day off")),
    ("holidays.source", l("节假日通知", "holiday notice")),
    ("holidays.status", l("发布状态", "publication status")),
    ("holidays.year", l("节假日年份", "holiday year")),
    ("reports", l("报告文件夹", "reports folder")),
    ("format", l("文件格式", "file format")),
    ("from", l("来源", "from")),
    ("kind", l("类型", "kind")),
    ("lane", l("车道", "lane")),
    ("lane.code", l("车道编号", "lane code")),
    ("lane.name", l("车道名称", "lane name")),
    ("lane.site_id", l("所属站点", "site")),
    ("lang", l("语言", "language")),
    ("location.kind", l("库位类型", "location type")),
    ("location.name", l("库位名称", "location name")),
    ("max_skew", l("允许的时钟偏差", "allowed clock skew")),
    ("movement.condition", l("备件状态", "part condition")),
    ("movement.from", l("来源库位", "source location")),
    ("movement.kind", l("出入库类型", "movement type")),
    ("movement.note", l("备注", "note")),
    ("movement.qty", l("数量", "quantity")),
    ("sla.clock", l("服务时限", "SLA clock")),
    ("sla.status", l("时限状态", "SLA status")),
    ("sla_pause", l("暂停记录", "pause")),
    ("sla_pause.ended_at", l("暂停结束时间", "pause end")),
    ("sla_pause.note", l("暂停说明", "pause note")),
    ("sla_pause.reason", l("暂停原因", "pause reason")),
    ("sla_pause.started_at", l("暂停开始时间", "pause start")),
    (
        "tls-key",
        l("TLS 私钥文件（--tls-key）", "TLS key file (--tls-key)"),
    ),
    (
        "tls-cert",
        l(
            "TLS 证书文件（--tls-cert）",
            "TLS certificate file (--tls-cert)",
        ),
    ),
    ("report.from", l("开始日期", "first day")),
    ("review.note", l("审核意见", "review note")),
    ("review.report", l("签名报告", "signed report")),
    ("review.report_file", l("报告 PDF 文件", "report PDF file")),
    ("review.reviewer", l("审核人", "reviewer")),
    (
        "review.signature",
        l("客户签字确认", "customer's confirmation"),
    ),
    ("review.state", l("工单状态", "work order state")),
    ("review.verification", l("核验状态", "verification status")),
    ("report.to", l("结束日期", "last day")),
    ("report.text", l("报告编号或标题", "report number or title")),
    ("movement.to", l("目标库位", "destination location")),
    ("movement.work_order_id", l("工单", "work order")),
    ("note", l("备注", "note")),
    ("out", l("输出文件", "output file")),
    ("output", l("输出文件", "output file")),
    ("paper_loan.borrower", l("借阅人", "borrower")),
    ("paper_loan.device", l("设备", "device")),
    ("paper_loan.due_back", l("归还期限", "due back")),
    ("paper_loan.lent_by", l("借出人", "lent by")),
    ("paper_loan.purpose", l("借阅目的", "purpose")),
    ("paper_loan.received_by", l("接收人", "received by")),
    ("paper_loan.site", l("站点", "site")),
    ("paper_loan.state", l("借阅状态", "loan state")),
    ("paper_loan.title", l("档案名称", "archive")),
    ("part.category", l("备件类别", "part category")),
    ("part.code", l("备件编号", "part code")),
    ("part.name", l("备件名称", "part name")),
    ("part.unit", l("单位", "unit")),
    ("inspection.kind", l("巡检类型", "inspection kind")),
    ("inspection.template", l("巡检模板", "checklist template")),
    ("label.photo", l("标签照片", "label photo")),
    ("label.text", l("标签内容", "label text")),
    ("labels.scope", l("标签打印范围", "devices to label")),
    (
        "phone_confirmation.confirmer",
        l("电话确认人", "who confirmed on the phone"),
    ),
    (
        "phone_confirmation.phone",
        l("确认电话", "phone confirmed on"),
    ),
    ("photo", l("照片", "photo")),
    ("photos", l("照片", "photo")),
    ("photo.caption", l("照片说明", "photo caption")),
    ("photo.item", l("巡检项", "inspection item")),
    ("photo.taken_at", l("拍摄时间", "time taken")),
    (
        "profile.report_prefix",
        l("报告编号前缀", "report number prefix"),
    ),
    ("qty", l("数量", "quantity")),
    ("reason", l("更正原因", "reason for the correction")),
    ("rma.to_location", l("返修去向", "RMA destination")),
    ("scale", l("规模", "scale")),
    ("server", l("办公室服务器地址", "office server address")),
    ("search.text", l("搜索文字", "search text")),
    ("stock_minimum.minimum", l("最低库存", "minimum stock")),
    ("service.analysis", l("原因分析", "cause analysis")),
    (
        "service.backup_restore",
        l("备份与恢复", "backup and restore"),
    ),
    (
        "service.customer_feedback",
        l("客户意见", "customer feedback"),
    ),
    ("service.found_state", l("现场情况", "state found")),
    ("service.process", l("处理过程", "repair process")),
    ("service.satisfaction", l("满意度", "satisfaction")),
    ("sha256", l("文件编号", "file hash")),
    ("signature", l("签名", "signature")),
    (
        "signature.refusal_reason",
        l("拒签原因", "reason for refusing"),
    ),
    ("signature.signer", l("签字人", "signer")),
    ("site.address", l("站点地址", "site address")),
    ("site.name", l("站点名称", "site name")),
    ("site.customer_id", l("所属客户", "customer")),
    ("sites", l("站点", "sites")),
    ("spare_unit.part", l("备机型号", "spare unit part")),
    (
        "spare_unit.serial",
        l("备机序列号", "spare unit serial number"),
    ),
    ("swap.work_order_id", l("工单", "work order")),
    ("template", l("巡检模板", "checklist template")),
    (
        "template.code",
        l("巡检模板编号", "checklist template code"),
    ),
    ("template.version", l("模板版本", "template version")),
    ("templates", l("模板文件夹", "templates folder")),
    ("token", l("登记令牌", "enrolment token")),
    ("value", l("答案", "answer")),
    ("work_order", l("工单", "work order")),
    ("work_order.kind", l("工单类型", "work-order type")),
    ("work_order.note", l("备注", "note")),
    ("work_order.state", l("工单状态", "work-order state")),
    ("work_order.title", l("工单标题", "work-order title")),
    ("workday.date", l("调休上班日期", "make-up workday")),
    ("workday.file", l("调休条目", "make-up workday entry")),
    (
        "workday.name_en",
        l("调休英文名称", "make-up workday name in English"),
    ),
    ("workday.name_zh", l("调休名称", "make-up workday name")),
];

/// The label of a field key, if the table has it.
pub fn known(field: &str) -> Option<Label> {
    FIELDS.iter().find(|(k, _)| *k == field).map(|(_, l)| *l)
}

/// What a person calls a field, in the wanted language: the table's label, else the key's last
/// part in words (never a dotted key).
pub fn label(field: &str, lang: crate::Lang) -> String {
    if let Some(l) = known(field) {
        return match lang {
            crate::Lang::Zh => l.zh,
            crate::Lang::En => l.en,
        }
        .to_string();
    }
    // One of several (`photos[2]`, the third photo named on the command line): its label and
    // its number as people count.
    if let Some((base, rest)) = field.strip_suffix(']').and_then(|f| f.split_once('[')) {
        if let Ok(i) = rest.parse::<usize>() {
            return format!("{} {}", label(base, lang), i.saturating_add(1));
        }
    }
    let last = field.rsplit(['.', ':']).next().unwrap_or(field);
    last.replace(['_', '-'], " ")
}

/// A message naming its field in the person's words: the message alone when it already names
/// the thing ("数量必须是整数"), else `label：message` / `Label: message`.
pub fn human(field: &str, message: &str, lang: crate::Lang) -> String {
    let name = label(field, lang);
    if name.is_empty() || message.to_lowercase().contains(&name.to_lowercase()) {
        return message.to_string();
    }
    match lang {
        crate::Lang::Zh => format!("{name}：{message}"),
        crate::Lang::En => format!("{}: {message}", capitalised(&name)),
    }
}

/// A lower-case English label starting a line: "resolved by phone" → "Resolved by phone".
pub fn capitalised(s: &str) -> String {
    let mut cs = s.chars();
    cs.next()
        .map(|c| c.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Lang};

    /// Every string literal that is the first argument of a call that makes a field error,
    /// in the sources of the core (tests excluded).
    fn keys_in_sources() -> Vec<(String, String)> {
        let calls = [
            "Error::invalid(",
            "required_text(",
            "optional_text(",
            "Phone::parse(",
            "Quantity::new(",
            "Quantity::parse(",
            "parse_yuan(",
            "check_date_range(",
            "read_photo_file(",
            "read_bounded(",
            "read_text(",
            "create_dir(",
            "Output::create(",
            "write_file(",
            "parse_time(",
            "read_template(",
            "not_image(",
            "corrupt(",
            "io_error(",
            "Error::File {\n            field: ",
        ];
        let mut out = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(p) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&p) else {
                continue;
            };
            for e in rd.flatten() {
                let path = e.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let name = path.to_string_lossy().to_string();
                if !name.ends_with(".rs") || name.contains("test") {
                    continue;
                }
                let whole = std::fs::read_to_string(&path).unwrap_or_default();
                // Only the code that ships: a file's tests come after its `#[cfg(test)]`.
                let text = whole.split("#[cfg(test)]").next().unwrap_or_default();
                for call in calls {
                    for (i, _) in text.match_indices(call) {
                        let rest = text[i + call.len()..].trim_start();
                        let Some(lit) = rest.strip_prefix('"') else {
                            continue;
                        };
                        let key: String = lit.chars().take_while(|c| *c != '"').collect();
                        let is_key = !key.is_empty()
                            && key
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || "._-".contains(c));
                        if is_key {
                            out.push((key, name.clone()));
                        }
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_field_an_error_names_has_a_label_in_both_languages() {
        let keys = keys_in_sources();
        assert!(keys.len() > 40, "the scan finds the call sites");
        let missing: Vec<String> = keys
            .into_iter()
            .filter(|(key, _)| known(key).is_none())
            .map(|(key, file)| format!("{key} (in {file})"))
            .collect();
        assert!(missing.is_empty(), "no label: {missing:#?}");
    }

    #[test]
    fn no_displayed_message_contains_a_dotted_internal_key() {
        for (key, _) in FIELDS {
            let e = Error::invalid(*key, "格式不正确", "is malformed");
            for shown in [e.message_zh(), e.to_string(), e.message(Lang::En)] {
                let dotted = key.contains('.');
                assert!(!(dotted && shown.contains(key)), "{shown:?} shows {key}");
                assert!(!shown.contains("字段"), "{shown:?}");
            }
        }
        // A key nobody put in the table still reads as words.
        let e = Error::invalid("device.something_new", "不能为空", "must not be empty");
        assert_eq!(e.to_string(), "Something new: must not be empty");
        // The messages people met in the field.
        let qty = crate::domain::values::Quantity::parse("movement.qty", &1.5f64.into_typed());
        let e = qty.expect_err("1.5 is not a quantity");
        assert_eq!(e.field(), Some("movement.qty"));
        assert!(
            e.message_zh().starts_with("数量必须是整数"),
            "{}",
            e.message_zh()
        );
        assert!(!e.message_zh().contains("movement"));
        let e = crate::domain::values::Phone::parse("company.phone", "12").expect_err("short");
        assert!(
            e.message_zh().starts_with("公司电话："),
            "{}",
            e.message_zh()
        );
        assert!(e.to_string().starts_with("Company phone: "), "{e}");
    }

    trait IntoTyped {
        fn into_typed(self) -> crate::domain::number::Typed;
    }
    impl IntoTyped for f64 {
        fn into_typed(self) -> crate::domain::number::Typed {
            crate::domain::number::Typed::Float(self)
        }
    }
}

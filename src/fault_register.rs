//! The 报障登记表 beyond the phenomenon: how the fault was reported, who took it, when it
//! happened (never before the device was installed), and the handling result (故障处理结果)
//! written once the work is done. The seed contract (§8) lists exactly these: 故障发生时间、
//! 故障现象、故障位置、客户联系人、联系电话、报障响应人、故障处理结果; the channel is how the
//! seeds say customers report (电话、传真、E-mail、现场).

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use crate::domain::device::Device;
use crate::domain::values::{
    code_enum, optional_text, required_text, MAX_NAME_CHARS, MAX_NOTE_CHARS,
};
use crate::store::Tx;
use crate::work_orders;
use crate::{Error, Result};

code_enum!(
    /// How a fault reached the service company (报障方式).
    Channel, "fault.channel" {
        Phone = "phone", "电话", "phone";
        Fax = "fax", "传真", "fax";
        Email = "email", "电子邮件", "e-mail";
        OnSite = "on_site", "现场报修", "on site";
        Other = "other", "其他", "other";
    }
);

impl Channel {
    /// A channel by code or label; nothing given is nothing recorded.
    pub fn read(text: Option<&str>) -> Result<Option<Channel>> {
        let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        Channel::ALL
            .iter()
            .copied()
            .find(|c| c.label_zh() == t || c.label_en().eq_ignore_ascii_case(t))
            .map_or_else(|| Channel::parse(t), Ok)
            .map(Some)
    }
}

/// A fault cannot have happened on a device before it was installed: such a time is a typing
/// mistake (a wrong year), and it would skew every statistic that counts from it.
pub(crate) fn check_after_install(device: &Device, fault_time: DateTime<Utc>) -> Result<()> {
    let Some(installed) = device.install_date else {
        return Ok(());
    };
    let day = crate::checklist::schedule::local_day(fault_time);
    if day < installed {
        return Err(Error::invalid(
            "fault.fault_time",
            format!("故障时间 {day} 早于设备安装日期 {installed}"),
            format!("the fault time {day} is before the device was installed ({installed})"),
        ));
    }
    Ok(())
}

/// Who took the report: as given, else the engineer writing it (the one at the lane when the
/// customer reports on site, the dispatcher's own profile at the office).
pub(crate) fn taken_by(tx: &Tx, given: Option<&str>) -> Result<Option<String>> {
    if let Some(name) = optional_text("fault.taken_by", given, MAX_NAME_CHARS)? {
        return Ok(Some(name));
    }
    Ok(tx
        .conn()
        .query_row(
            "SELECT name FROM engineer WHERE id = ?1 AND deleted = 0",
            [tx.author()],
            |r| r.get(0),
        )
        .optional()?)
}

/// Record the handling result (故障处理结果) of a fault work order, until it is signed.
pub fn set_result(tx: &Tx, work_order_id: &str, text: &str) -> Result<String> {
    let wo = work_orders::ensure_editable(tx.conn(), work_order_id)?;
    let result = required_text("fault.result", text, MAX_NOTE_CHARS)?;
    let id: Option<String> = tx
        .conn()
        .query_row(
            "SELECT id FROM fault_report WHERE work_order_id = ?1 AND deleted = 0",
            [&wo.id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = id else {
        return Err(Error::refused(
            "no_fault_report",
            "该工单没有报障登记，无需填写处理结果",
            "this work order has no fault report to write a result on",
        ));
    };
    tx.update("fault_report", &id, &[("result", &result)])?;
    Ok(result)
}

/// The result a fault report shows until one is written: what the records already say (solved
/// remotely and how, or the service record's actions), so the form is never blank where the
/// work is done.
pub fn suggested_result(
    conn: &rusqlite::Connection,
    work_order_id: &str,
) -> Result<Option<String>> {
    if let Some(r) = crate::resolution::of(conn, work_order_id)? {
        return Ok(Some(format!("{}：{}", r.method.label_zh(), r.detail)));
    }
    Ok(conn
        .query_row(
            "SELECT process FROM service_record WHERE work_order_id = ?1 AND deleted = 0",
            [work_order_id],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .map(|p| format!("已修复：{p}")))
}

#[cfg(test)]
#[path = "fault_register_tests.rs"]
mod tests;

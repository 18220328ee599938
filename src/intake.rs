//! Fault intake at the office (报障登记): while the customer is on the phone, find who is
//! calling by their number and the device by its code, serial or label text, and say at once
//! which contract covers it (and so which SLA clocks will run) or that it is outside every
//! contract and will be billable, which needs the customer's consent.
//!
//! The registration itself is [`crate::work_orders::report_fault`] with every field of the
//! 报障登记表; these are the lookups around it.

use crate::contracts::{self, LevelChoice};
use crate::domain::device::Device;
use crate::org::{LaneView, SiteView};
use crate::store::Store;
use crate::{Error, Result};
use serde::Serialize;

/// A contact whose phone matches the digits typed, with their customer's sites.
#[derive(Debug, Clone, Serialize)]
pub struct Caller {
    pub contact_id: String,
    pub name: String,
    pub phone: String,
    pub role: Option<String>,
    pub customer_id: String,
    pub customer_name: String,
    pub sites: Vec<SiteView>,
}

/// The fewest digits that find a caller: a phone's last four digits are how people say it
/// ("尾号 8871"); fewer would match half the book.
pub const MIN_PHONE_DIGITS: usize = 4;

/// Contacts whose phone ends with, or contains, the digits of `typed` (spaces, dashes and a
/// +86 are ignored), by customer and name.
pub fn find_caller(store: &Store, typed: &str) -> Result<Vec<Caller>> {
    let normal = crate::domain::number::normalise(typed);
    let t = normal.trim();
    // China's country code as callers give it (+86, 0086); what follows is the number as
    // dialled at home, with or without the area code's leading 0.
    let local = t
        .strip_prefix("+86")
        .or_else(|| t.strip_prefix("0086"))
        .unwrap_or(t);
    let digits: String = local.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < MIN_PHONE_DIGITS {
        return Err(Error::invalid(
            "intake.phone",
            format!("请至少输入电话号码的 {MIN_PHONE_DIGITS} 位数字"),
            format!("type at least {MIN_PHONE_DIGITS} digits of the phone number"),
        ));
    }
    let sites = crate::org::sites(store)?;
    let mut st = store.conn().prepare(
        "SELECT ct.id, ct.name, ct.phone, ct.role, c.id, c.name
         FROM contact ct JOIN customer c ON c.id = ct.customer_id AND c.deleted = 0
         WHERE ct.deleted = 0 ORDER BY c.name, ct.name",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Caller {
            contact_id: r.get(0)?,
            name: r.get(1)?,
            phone: r.get(2)?,
            role: r.get(3)?,
            customer_id: r.get(4)?,
            customer_name: r.get(5)?,
            sites: Vec::new(),
        })
    })?;
    let mut out = Vec::new();
    for row in rows {
        let mut c = row?;
        let theirs: String = c.phone.chars().filter(char::is_ascii_digit).collect();
        if theirs.contains(&digits) {
            c.sites = sites
                .iter()
                .filter(|s| s.customer_id == c.customer_id)
                .cloned()
                .collect();
            out.push(c);
        }
    }
    Ok(out)
}

/// The contract that covers a device's site today, as intake shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Cover {
    pub number: String,
    pub name: String,
    pub start_date: String,
    pub end_date: String,
}

/// The device a caller means, with what the call will be under.
#[derive(Debug, Clone, Serialize)]
pub struct CallDevice {
    pub device: Device,
    /// How it was found: by a label, its code or its serial.
    pub matched_by: crate::labels::MatchedBy,
    pub lane: LaneView,
    pub in_warranty: bool,
    /// The contract covering its site today; `None`: outside every contract.
    pub contract: Option<Cover>,
    /// The visit would be charged for (the quote's own rule: warranty, contract, rates): the
    /// customer must agree to the quote (`billing::consent`) before the repair.
    pub billable: bool,
    pub note_zh: Option<String>,
    pub note_en: Option<String>,
    /// The fault levels with the contract's definitions and limits (the standard table
    /// outside a contract): what the dispatcher chooses from.
    pub levels: Vec<LevelChoice>,
}

/// The device named by `text` (its code, serial, or a label's text) and its cover today.
pub fn device_for_call(store: &Store, text: &str) -> Result<CallDevice> {
    let found = crate::labels::lookup(store, text).map_err(|e| match e {
        Error::NotFound { .. } => Error::invalid(
            "intake.device",
            format!(
                "找不到设备「{}」（按统一编号、序列号或标签内容查找）",
                text.trim()
            ),
            format!(
                "no device {:?} (looked up by code, serial or label text)",
                text.trim()
            ),
        ),
        other => other,
    })?;
    let lane = crate::org::lane(store, &found.device.lane_id)?;
    let today = crate::checklist::schedule::local_day(store.now());
    let contract = contracts::contract_for_site(store.conn(), &lane.site_id, today)?;
    let levels = contracts::fault_levels(store, &lane.id)?;
    let (billable, basis) =
        crate::billing::visit_billable(store.conn(), &found.device.id, &lane.id, today)?;
    let (note_zh, note_en) = match (billable, &contract) {
        (false, _) => (None, None),
        (true, None) => (
            Some("该设备不在保修期，所在站点今天也不在任何维保合同内：上门服务将收费，维修前需客户同意报价".to_string()),
            Some("the device is out of warranty and no maintenance contract covers its site today: the visit is billable and the customer must agree to the quote before the repair".to_string()),
        ),
        (true, Some(_)) => (
            Some("按合同条款本次上门将收费（见报价），维修前需客户同意".to_string()),
            Some("under the contract's terms this visit is billable (see the quote); the customer must agree before the repair".to_string()),
        ),
    };
    Ok(CallDevice {
        in_warranty: basis.in_warranty,
        contract: contract.map(|c| Cover {
            number: c.number,
            name: c.name,
            start_date: c.start_date.to_string(),
            end_date: c.end_date.to_string(),
        }),
        billable,
        note_zh,
        note_en,
        levels,
        lane,
        matched_by: found.matched_by,
        device: found.device,
    })
}

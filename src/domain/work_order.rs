//! Work orders (工单) and their state machine.
//!
//! reported → assigned → responded → on_site → resolved → customer_signed → closed.
//! Every step is one transition with its own timestamp; nothing may be skipped, because each
//! timestamp is evidence for an SLA (response, arrival) or for the customer's confirmation.

use super::values::*;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

code_enum!(
    WorkOrderKind, "work_order.kind" {
        Inspection = "inspection", "定期巡检", "inspection";
        FaultRepair = "fault_repair", "故障维修", "fault repair";
        Installation = "installation", "安装调试", "installation";
        Emergency = "emergency", "紧急抢修", "emergency";
        Consultation = "consultation", "咨询服务", "consultation";
        Upgrade = "upgrade", "升级服务", "upgrade";
        EventSupport = "event_support", "重大活动保障", "event support";
    }
);

code_enum!(
    WorkOrderState, "work_order.state" {
        Reported = "reported", "已报障", "reported";
        Assigned = "assigned", "已派工", "assigned";
        Responded = "responded", "已响应", "responded";
        OnSite = "on_site", "已到场", "on site";
        Resolved = "resolved", "已解决", "resolved";
        CustomerSigned = "customer_signed", "客户已签字", "customer signed";
        Closed = "closed", "已关闭", "closed";
    }
);

impl WorkOrderState {
    /// The one state that may follow this one.
    pub fn next(self) -> Option<WorkOrderState> {
        use WorkOrderState::*;
        match self {
            Reported => Some(Assigned),
            Assigned => Some(Responded),
            Responded => Some(OnSite),
            OnSite => Some(Resolved),
            Resolved => Some(CustomerSigned),
            CustomerSigned => Some(Closed),
            Closed => None,
        }
    }

    /// Refuse anything but the next step.
    pub fn check_transition(self, to: WorkOrderState, id: &str) -> Result<()> {
        if self.next() == Some(to) {
            Ok(())
        } else {
            Err(Error::IllegalTransition {
                id: id.to_string(),
                from: self.code().to_string(),
                to: to.code().to_string(),
            })
        }
    }

    /// Position in the (total) order of states: a work order's state is the event with the
    /// highest step, whatever order its events arrived in.
    pub fn step(self) -> i64 {
        use WorkOrderState::*;
        match self {
            Reported => 0,
            Assigned => 1,
            Responded => 2,
            OnSite => 3,
            Resolved => 4,
            CustomerSigned => 5,
            Closed => 6,
        }
    }
}

/// 报障登记表: what the office writes down when a fault is reported.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FaultReportInput {
    pub device_id: String,
    pub level: i64,
    /// When the fault happened (RFC 3339 or `YYYY-MM-DD HH:MM`); defaults to now.
    pub fault_time: Option<String>,
    /// 故障现象.
    pub phenomenon: String,
    pub location: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// Who took the report (受理人 / 报障响应人); defaults to the current engineer.
    pub taken_by: Option<String>,
    pub kind: Option<String>,
    /// How it was reported (报障方式): `phone`, `fax`, `email`, `on_site`, `other` or the
    /// Chinese label; see [`crate::fault_register::Channel`].
    #[serde(default)]
    pub channel: Option<String>,
}

/// 客户服务记录表: what the engineer records about the service.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ServiceRecordInput {
    /// 到场时设备状态.
    pub found_state: String,
    /// 服务过程 / 处理措施.
    pub process: String,
    /// 原因分析.
    pub analysis: Option<String>,
    /// 客户意见.
    pub customer_feedback: Option<String>,
    /// 满意度 1–5.
    pub satisfaction: Option<i64>,
    /// 备份与恢复: what was backed up before the work and restored after (configuration,
    /// parameters, the card database), on its own line of the form.
    #[serde(default)]
    pub backup_restore: Option<String>,
}

/// A validated service record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRecord {
    pub found_state: String,
    pub process: String,
    pub analysis: Option<String>,
    pub customer_feedback: Option<String>,
    pub satisfaction: Option<u8>,
    #[serde(default)]
    pub backup_restore: Option<String>,
}

impl ServiceRecordInput {
    /// The fields a service record cannot be stored without, with their values here. One list,
    /// read by both [`Self::validate`] and [`Self::missing`], so the screen's "still missing"
    /// marks and the store's refusal can never disagree.
    fn required(&self) -> [(&'static str, &str); 2] {
        [
            ("service.found_state", &self.found_state),
            ("service.process", &self.process),
        ]
    }

    /// The required fields still blank (by [`is_blank`], the emptiness test of
    /// [`required_text`]): the record is kept as a draft on screen until this is empty.
    pub fn missing(&self) -> Vec<&'static str> {
        self.required()
            .into_iter()
            .filter(|(_, value)| is_blank(value))
            .map(|(field, _)| field)
            .collect()
    }

    pub fn validate(&self) -> Result<ServiceRecord> {
        let [(found_field, found_state), (process_field, process)] = self.required();
        Ok(ServiceRecord {
            found_state: required_text(found_field, found_state, MAX_NOTE_CHARS)?,
            process: required_text(process_field, process, MAX_NOTE_CHARS)?,
            analysis: optional_text("service.analysis", self.analysis.as_deref(), MAX_NOTE_CHARS)?,
            customer_feedback: optional_text(
                "service.customer_feedback",
                self.customer_feedback.as_deref(),
                MAX_NOTE_CHARS,
            )?,
            satisfaction: self.satisfaction.map(parse_satisfaction).transpose()?,
            backup_restore: optional_text(
                "service.backup_restore",
                self.backup_restore.as_deref(),
                MAX_NOTE_CHARS,
            )?,
        })
    }
}

//! The core's vocabularies (state, kind, device type, channel, cause…) with their Chinese and
//! English labels, in one map both UIs fetch once: the desktop through its shell, the office
//! web app from `/api/v1/labels`. Neither UI keeps a copy of a domain word, so a label changed
//! here changes on every screen and report at once.

use crate::billing::FaultCause;
use crate::complaints::ComplaintState;
use crate::domain::contract::ServiceCalendar;
use crate::domain::device::{Confidentiality, DeviceStatus, DeviceType};
use crate::domain::work_order::{WorkOrderKind, WorkOrderState};
use crate::fault_register::Channel;
use crate::paper_archive::LoanState;
use crate::resolution::RemoteMethod;
use crate::sla::PauseReason;
use crate::stock::{LocationKind, MovementKind, PartCategory, PartCondition};
use crate::views::sla::{ClockKind, SlaStatus};
use serde::Serialize;
use std::collections::BTreeMap;

/// One code of a vocabulary with its two labels.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// The codes of one vocabulary, by code.
pub type Group = BTreeMap<&'static str, Label>;

macro_rules! group {
    ($t:ty) => {
        <$t>::ALL
            .iter()
            .map(|v| {
                (
                    v.code(),
                    Label {
                        code: v.code(),
                        zh: v.label_zh(),
                        en: v.label_en(),
                    },
                )
            })
            .collect::<Group>()
    };
}

/// Every vocabulary by the name the UIs ask for (`work_order_state`, `fault_channel`…).
pub fn vocabularies() -> BTreeMap<&'static str, Group> {
    BTreeMap::from([
        ("work_order_state", group!(WorkOrderState)),
        ("sla_status", group!(SlaStatus)),
        ("sla_clock", group!(ClockKind)),
        ("sla_pause_reason", group!(PauseReason)),
        ("work_order_kind", group!(WorkOrderKind)),
        ("device_type", group!(DeviceType)),
        ("device_status", group!(DeviceStatus)),
        ("confidentiality", group!(Confidentiality)),
        ("location_kind", group!(LocationKind)),
        ("part_category", group!(PartCategory)),
        ("movement_kind", group!(MovementKind)),
        ("part_condition", group!(PartCondition)),
        ("fault_channel", group!(Channel)),
        ("fault_cause", group!(FaultCause)),
        ("remote_method", group!(RemoteMethod)),
        ("service_calendar", group!(ServiceCalendar)),
        ("complaint_state", group!(ComplaintState)),
        ("paper_loan_state", group!(LoanState)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vocabulary_has_both_languages_for_every_code() {
        for (name, group) in vocabularies() {
            assert!(!group.is_empty(), "{name} is empty");
            for (code, l) in group {
                assert_eq!(code, l.code);
                assert!(!l.zh.is_empty() && !l.en.is_empty(), "{name}.{code}");
            }
        }
        assert_eq!(vocabularies()["fault_channel"]["phone"].zh, "电话");
    }
}

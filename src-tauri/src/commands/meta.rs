//! The core's vocabularies (state, kind, device type…) with their Chinese and English labels,
//! so the UI shows the core's words and never keeps a copy of its own.

use super::Cmd;
use serde::Serialize;
use std::collections::BTreeMap;
use weibao::domain::device::{Confidentiality, DeviceStatus, DeviceType};
use weibao::domain::work_order::{WorkOrderKind, WorkOrderState};
use weibao::sla::PauseReason;
use weibao::stock::{LocationKind, MovementKind, PartCategory, PartCondition};
use weibao::views::sla::{ClockKind, SlaStatus};

#[derive(Serialize)]
pub struct Label {
    code: &'static str,
    zh: &'static str,
    en: &'static str,
}

type Group = BTreeMap<&'static str, Label>;

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

#[tauri::command]
pub fn labels() -> Cmd<BTreeMap<&'static str, Group>> {
    Ok(BTreeMap::from([
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
    ]))
}

/// The UI calls this once its first screen shows real data. With `WEIBAO_BENCH` set the shell
/// prints a marker line, so `scripts/bench-app.sh` can time cold start to the first interactive
/// screen from outside; otherwise it does nothing.
#[tauri::command]
pub fn ui_ready(screen: String) {
    if std::env::var_os("WEIBAO_BENCH").is_some() {
        println!("weibao-bench: ready {screen}");
    }
}

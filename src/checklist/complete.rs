//! Completing an inspection: refused while required items are unanswered, and — unless the
//! engineer decided — while failed items have no fault opened, so completing never silently
//! drops a fault the template says the failure is worth.

use super::run::{ensure_open, open_fault_in, Completed, Failure};
use super::state::{self, display, State};
use super::template::{InspectionKind, PRE_EXISTING_ZH};
use crate::devices;
use crate::error::{Error, Result};
use crate::store::Store;

pub(crate) fn failures(st: &State) -> Vec<Failure> {
    st.items
        .iter()
        .filter(|i| st.shown(i))
        .filter_map(|i| st.effective(&i.id).filter(|a| a.failed).map(|a| (i, a)))
        .map(|(i, a)| Failure {
            key: i.key.clone(),
            label_zh: i.item.label_zh.clone(),
            label_en: i
                .item
                .label_en
                .clone()
                .unwrap_or_else(|| i.item.label_zh.clone()),
            device_code: i.device_code.clone(),
            answer_text: display(&i.item, &a.value),
            out_of_range: a.out_of_range,
            fault_level: i.item.fault_level,
            work_order_id: st.faults.get(&i.id).cloned(),
        })
        .collect()
}

/// What to do with failed items whose fault work order is not opened yet when completing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnFailed {
    /// Refuse (`faults_not_opened`, listing them) so the engineer is asked.
    #[default]
    Ask,
    /// Complete and leave them without a fault (the engineer said so).
    Keep,
    /// Complete and open a fault work order for each, in the same transaction.
    OpenFaults,
}

/// Failed items that could open a fault (a level is mapped) and have none yet.
pub fn unopened_faults(st: &State) -> Vec<Failure> {
    failures(st)
        .into_iter()
        .filter(|f| f.fault_level.is_some() && f.work_order_id.is_none())
        .collect()
}

/// Complete an inspection, keeping failed items as they are (the engineer decided). The faces
/// call [`complete_with`] and ask first.
pub fn complete(store: &mut Store, inspection_id: &str) -> Result<Completed> {
    complete_with(store, inspection_id, OnFailed::Keep)
}

/// Complete an inspection: refused while required items are unanswered (the error lists them,
/// by label). With [`OnFailed::Ask`] it is also refused (`faults_not_opened`) while a failed
/// item's fault is not opened, so completing never silently drops a fault. Once completed it is
/// frozen; each inspected device's history notes the inspection.
pub fn complete_with(
    store: &mut Store,
    inspection_id: &str,
    on_failed: OnFailed,
) -> Result<Completed> {
    store.write(|tx| {
        let st = state::load(tx.conn(), inspection_id)?;
        ensure_open(&st)?;
        let p = st.progress();
        if !p.missing.is_empty() {
            let zh: Vec<&str> = p.missing.iter().map(|m| m.label_zh.as_str()).collect();
            let en: Vec<&str> = p.missing.iter().map(|m| m.label_en.as_str()).collect();
            return Err(Error::refused(
                "inspection_incomplete",
                format!("还有 {} 个必填项未填写：{}", p.missing.len(), zh.join("；")),
                format!(
                    "{} required items are unanswered: {}",
                    p.missing.len(),
                    en.join("; ")
                ),
            ));
        }
        let pending = unopened_faults(&st);
        if on_failed == OnFailed::Ask && !pending.is_empty() {
            let zh: Vec<String> = pending.iter().map(|f| failure_label(f, false)).collect();
            let en: Vec<String> = pending.iter().map(|f| failure_label(f, true)).collect();
            return Err(Error::refused(
                "faults_not_opened",
                format!(
                    "有 {} 个不合格项尚未开故障工单：{}。请选择为它们开故障工单，或仍然完成",
                    pending.len(),
                    zh.join("；")
                ),
                format!(
                    "{} failed items have no fault opened: {}. Open their faults, or complete anyway",
                    pending.len(),
                    en.join("; ")
                ),
            ));
        }
        let at = tx.now().to_rfc3339();
        tx.update("inspection", &st.header.id, &[("completed_at", &at)])?;
        let mut per_device: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for i in &st.items {
            if let (Some(dev), Some(a)) = (&i.device_id, st.effective(&i.id)) {
                let e = per_device.entry(dev.as_str()).or_default();
                e.0 += 1;
                e.1 += usize::from(a.failed);
            }
        }
        for (dev, (n, failed)) in per_device {
            // The line carries its own time and the device; an inspection's internal id would
            // mean nothing to whoever reads the history.
            let summary = format!("{}完成：{n} 项已检，{failed} 项不合格", st.header.name);
            devices::add_event(tx, dev, "inspection", &summary, None)?;
        }
        if pre_existing(&st) {
            // Each failed item of a baseline is on its device's record as found there at
            // takeover, so nobody later reads it as the service company's fault.
            for f in failures(&st) {
                let Some(dev) = st
                    .items
                    .iter()
                    .find(|i| i.key == f.key)
                    .and_then(|i| i.device_id.as_deref())
                else {
                    continue;
                };
                let summary = format!(
                    "{PRE_EXISTING_ZH}：{} = {}（{} {}）",
                    f.label_zh, f.answer_text, st.header.name, st.header.id
                );
                devices::add_event(tx, dev, "pre_existing", &summary, None)?;
            }
        }
        if on_failed == OnFailed::OpenFaults {
            for f in &pending {
                let st = state::load(tx.conn(), inspection_id)?;
                open_fault_in(tx, &st, &f.key, None)?;
            }
        }
        let after = state::load(tx.conn(), inspection_id)?;
        Ok(Completed {
            header: after.header.clone(),
            progress: after.progress(),
            failures: failures(&after),
        })
    })
}

/// Whether the inspection's findings are pre-existing (a baseline at contract start).
pub(crate) fn pre_existing(st: &State) -> bool {
    InspectionKind::parse(&st.header.kind).is_some_and(InspectionKind::findings_pre_existing)
}

/// A failed item as a person names it: label, device, answer.
fn failure_label(f: &Failure, en: bool) -> String {
    let label = if en {
        f.label_en.as_str()
    } else {
        f.label_zh.as_str()
    };
    match (&f.device_code, en) {
        (Some(c), false) => format!("{label}（{c}）：{}", f.answer_text),
        (Some(c), true) => format!("{label} ({c}): {}", f.answer_text),
        (None, false) => format!("{label}：{}", f.answer_text),
        (None, true) => format!("{label}: {}", f.answer_text),
    }
}

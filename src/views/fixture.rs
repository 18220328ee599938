//! A small world for the view tests: one engineer, one customer with a 7×24 contract, one
//! lane with a barrier gate, and a level-2 fault reported on it at 10:00 China time on
//! Monday 1 June 2026 (respond within 30 minutes, be on site within 36 hours), on a store
//! whose clock only moves when the test says so.

use crate::domain::contract::{BillingTerms, Contract, ServiceCalendar};
use crate::domain::device::DeviceInput;
use crate::domain::values::Fen;
use crate::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use crate::{contracts, devices, org, work_orders};
use crate::{FakeClock, Store};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::sync::Arc;

pub struct World {
    pub store: Store,
    pub clock: Arc<FakeClock>,
    pub work_order: String,
    _dir: tempfile::TempDir,
}

/// 10:00 China time, when the fault is reported.
pub fn reported_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0)
        .single()
        .expect("a valid instant")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

pub fn world() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(FakeClock::new(reported_at()));
    let mut store = Store::open(&dir.path().join("views.db"), clock.clone()).expect("open");
    let work_order = store
        .write(|tx| {
            let company = org::add_company(tx, "西安明通电子科技有限公司", None, None)?;
            let me = org::add_engineer(tx, &company.id, "张伟", None, "ZW")?;
            tx.make_current_engineer(&me.id)?;
            let customer = org::add_customer(tx, "西安海关", None)?;
            let site = org::add_site(tx, &customer.id, "西安综合保税区卡口", None)?;
            let lane = org::add_lane(tx, &site.id, "1号进口车道", "L01")?;
            contracts::add_contract(
                tx,
                Contract {
                    id: String::new(),
                    number: "HT-2026-001".into(),
                    customer_id: customer.id.clone(),
                    name: "卡口 7×24 维保合同".into(),
                    start_date: date(2026, 1, 1),
                    end_date: date(2026, 12, 31),
                    fee: Fen(28_800_000),
                    calendar: ServiceCalendar::SevenByTwentyFour,
                    holidays: vec![],
                    levels: Contract::standard_levels(),
                    inspections_per_year: 4,
                    early: None,
                    billing: BillingTerms {
                        labour_per_day: Fen(50_000),
                        labour_per_day_later: Some(Fen(75_000)),
                        parts_at_cost: true,
                        note: None,
                    },
                    exclusions: vec![],
                    site_ids: vec![site.id.clone()],
                    sla: crate::domain::sla::SlaTerms::seed(),
                },
            )?;
            devices::add_device(
                tx,
                &DeviceInput {
                    code: "XA01-L01-BG01".into(),
                    device_type: "barrier_gate".into(),
                    model: "BG-3000".into(),
                    manufacturer: "捷顺".into(),
                    serial: "BG2401000001".into(),
                    lane_id: lane.id.clone(),
                    ..Default::default()
                },
            )?;
            let wo = work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: "XA01-L01-BG01".into(),
                    level: 2,
                    phenomenon: "读卡器不能读取 IC 卡，车辆无法正常通关".into(),
                    ..Default::default()
                },
            )?;
            Ok(wo.id)
        })
        .expect("the small world is made");
    World {
        store,
        clock,
        work_order,
        _dir: dir,
    }
}

impl World {
    /// Move the world's work order through `steps`, in one transaction.
    pub fn advance(&mut self, steps: &[WorkOrderState]) {
        let wo = self.work_order.clone();
        self.store
            .write(|tx| {
                for to in steps {
                    work_orders::advance(tx, &wo, *to, None, None)?;
                }
                Ok(())
            })
            .expect("the steps are the state machine's");
    }

    /// Write the world's work order's service record (what a signature needs first).
    pub fn record_service(&mut self, found_state: &str, process: &str) {
        let wo = self.work_order.clone();
        let input = ServiceRecordInput {
            found_state: found_state.into(),
            process: process.into(),
            ..Default::default()
        };
        self.store
            .write(|tx| work_orders::record_service(tx, &wo, &input).map(|_| ()))
            .expect("a complete service record");
    }
}

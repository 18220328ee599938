//! Bad input: each refusal is a typed error naming the field, and nothing is stored.

use crate::support::TestDb;
use weibao::domain::contract::Contract;
use weibao::domain::device::DeviceInput;
use weibao::domain::work_order::FaultReportInput;
use weibao::stock::{self, MovementInput};
use weibao::Error;
use weibao::{contracts, devices, work_orders};

fn lane_id(store: &weibao::Store) -> String {
    weibao::org::lanes(store, None).unwrap()[0].id.clone()
}

fn device_input(store: &weibao::Store) -> DeviceInput {
    DeviceInput {
        code: "XA01-L01-CM99".into(),
        device_type: "camera".into(),
        model: "DS-2CD3T47EWD".into(),
        manufacturer: "海康威视".into(),
        serial: "HK2401999999".into(),
        manufacture_date: Some("2023-05-01".into()),
        install_date: Some("2023-06-01".into()),
        warranty_end: Some("2026-06-01".into()),
        lane_id: lane_id(store),
        ..Default::default()
    }
}

fn assert_field(err: Error, kind: &str, field: &str) {
    assert_eq!(err.kind(), kind, "{err}");
    if kind == "invalid" {
        assert_eq!(err.field(), Some(field), "{err}");
        // Named in the person's words, never by the internal key.
        let label = weibao::fields::label(field, weibao::Lang::Zh);
        assert!(
            err.message_zh().contains(&label) && !err.message_zh().contains(field),
            "Chinese message names the field as {label}: {}",
            err.message_zh()
        );
        let label_en = weibao::fields::label(field, weibao::Lang::En);
        assert!(
            err.to_string()
                .to_lowercase()
                .contains(&label_en.to_lowercase()),
            "English message names the field as {label_en}: {err}"
        );
    }
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["kind"], kind);
    assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
}

fn count(store: &weibao::Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn malformed_device_code_is_refused() {
    let (_t, mut store) = TestDb::demo();
    let before = count(&store, "device");
    for bad in [
        "XA",
        "XA01_L01",
        "XA01--L01",
        "-XA01",
        "设备01",
        "A".repeat(40).as_str(),
    ] {
        let input = DeviceInput {
            code: bad.into(),
            ..device_input(&store)
        };
        assert_field(
            store
                .write(|tx| devices::add_device(tx, &input))
                .unwrap_err(),
            "invalid",
            "device.code",
        );
    }
    assert_eq!(count(&store, "device"), before);
    let ok = DeviceInput {
        code: " xa01-l01-cm99 ".into(),
        ..device_input(&store)
    };
    assert_eq!(
        store
            .write(|tx| devices::add_device(tx, &ok))
            .unwrap()
            .code
            .as_str(),
        "XA01-L01-CM99"
    );
    let dup = device_input(&store);
    assert_field(
        store.write(|tx| devices::add_device(tx, &dup)).unwrap_err(),
        "invalid",
        "device.code",
    );
}

#[test]
fn install_date_before_manufacture_date_is_refused() {
    let (_t, mut store) = TestDb::demo();
    let input = DeviceInput {
        install_date: Some("2023-04-01".into()),
        ..device_input(&store)
    };
    assert_field(
        store
            .write(|tx| devices::add_device(tx, &input))
            .unwrap_err(),
        "invalid",
        "device.install_date",
    );
    let future = DeviceInput {
        manufacture_date: Some("2099-01-01".into()),
        install_date: None,
        ..device_input(&store)
    };
    assert_field(
        store
            .write(|tx| devices::add_device(tx, &future))
            .unwrap_err(),
        "invalid",
        "device.manufacture_date",
    );
    let garbage = DeviceInput {
        install_date: Some("2023-13-45".into()),
        ..device_input(&store)
    };
    assert_field(
        store
            .write(|tx| devices::add_device(tx, &garbage))
            .unwrap_err(),
        "invalid",
        "device.install_date",
    );
}

#[test]
fn contract_ending_before_it_starts_is_refused() {
    let (_t, mut store) = TestDb::demo();
    let mut c = contracts::contract(&store, "HT-2026-001").unwrap();
    c.number = "HT-2026-099".into();
    c.end_date = c.start_date - chrono::Duration::days(1);
    let before = count(&store, "contract");
    assert_field(
        store
            .write(|tx| contracts::add_contract(tx, c.clone()))
            .unwrap_err(),
        "invalid",
        "contract.end_date",
    );
    let mut far = c.clone();
    far.end_date = chrono::NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
    assert_field(
        store
            .write(|tx| contracts::add_contract(tx, far))
            .unwrap_err(),
        "invalid",
        "contract.end_date",
    );
    let mut no_levels = c;
    no_levels.end_date = no_levels.start_date;
    no_levels.levels = Contract::standard_levels()[..3].to_vec();
    assert_field(
        store
            .write(|tx| contracts::add_contract(tx, no_levels))
            .unwrap_err(),
        "invalid",
        "contract.levels",
    );
    assert_eq!(count(&store, "contract"), before);
}

#[test]
fn fault_level_five_is_refused() {
    let (_t, mut store) = TestDb::demo();
    let before = count(&store, "work_order");
    for level in [5, 0, -1] {
        let input = FaultReportInput {
            device_id: "XA01-L01-BG01".into(),
            level,
            phenomenon: "x".into(),
            ..Default::default()
        };
        assert_field(
            store
                .write(|tx| work_orders::report_fault(tx, &input))
                .unwrap_err(),
            "invalid",
            "fault.level",
        );
    }
    assert_eq!(count(&store, "work_order"), before);
}

#[test]
fn negative_quantity_is_refused() {
    let (_t, mut store) = TestDb::demo();
    for qty in [-3, 0] {
        let input = MovementInput {
            kind: "receive".into(),
            part: "PAD-BG".into(),
            qty,
            to: Some("总仓".into()),
            ..Default::default()
        };
        assert_field(
            store
                .write(|tx| stock::record_movement(tx, &input))
                .unwrap_err(),
            "invalid",
            "movement.qty",
        );
    }
}

#[test]
fn ten_megabyte_text_field_is_refused() {
    let (_t, mut store) = TestDb::demo();
    let huge = "故".repeat(10 * 1024 * 1024 / 3);
    let input = FaultReportInput {
        device_id: "XA01-L01-BG01".into(),
        level: 3,
        phenomenon: huge,
        ..Default::default()
    };
    let size_before = std::fs::metadata(store.path()).unwrap().len();
    assert_field(
        store
            .write(|tx| work_orders::report_fault(tx, &input))
            .unwrap_err(),
        "invalid",
        "fault.phenomenon",
    );
    assert!(std::fs::metadata(store.path()).unwrap().len() <= size_before + 4096 * 4);
}

#[test]
fn unknown_device_id_is_refused() {
    let (_t, mut store) = TestDb::demo();
    let input = FaultReportInput {
        device_id: "NOPE-0000".into(),
        level: 2,
        phenomenon: "x".into(),
        ..Default::default()
    };
    let err = store
        .write(|tx| work_orders::report_fault(tx, &input))
        .unwrap_err();
    assert_eq!(err.kind(), "not_found");
    assert!(
        err.message_zh().contains("未找到设备"),
        "{}",
        err.message_zh()
    );
    assert_eq!(
        devices::device(&store, "0190aaaa-0000-7000-8000-000000000000")
            .unwrap_err()
            .kind(),
        "not_found"
    );
}

#[test]
fn bad_phone_and_unknown_enum_values_name_their_field() {
    let (_t, mut store) = TestDb::demo();
    let input = FaultReportInput {
        device_id: "XA01-L01-BG01".into(),
        level: 2,
        phenomenon: "x".into(),
        contact_phone: Some("12345".into()),
        ..Default::default()
    };
    assert_field(
        store
            .write(|tx| work_orders::report_fault(tx, &input))
            .unwrap_err(),
        "invalid",
        "fault.contact_phone",
    );
    let input = DeviceInput {
        device_type: "weighbridge".into(),
        ..device_input(&store)
    };
    assert_field(
        store
            .write(|tx| devices::add_device(tx, &input))
            .unwrap_err(),
        "invalid",
        "device.type",
    );
}

//! Each advice rule on its own, on plain facts: when it fires, when it does not, and that its
//! reason names the facts in both languages.

use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

/// A camera installed two years before the report's day, in warranty, no faults.
fn camera() -> Facts {
    Facts {
        code: "XA01-L01-CM01".into(),
        site: "西安综合保税区卡口".into(),
        device_type: Some(DeviceType::Camera),
        installed: Some(day("2024-12-01")),
        manufactured: Some(day("2024-10-01")),
        warranty_end: Some(day("2027-12-01")),
        faults_in_year: 0,
        open_failures: Vec::new(),
    }
}

const AS_OF: &str = "2026-12-31";

fn rules(f: &Facts) -> Vec<Rule> {
    for_device(f, day(AS_OF)).iter().map(|a| a.rule).collect()
}

#[test]
fn a_healthy_device_in_warranty_gets_no_advice() {
    assert!(for_device(&camera(), day(AS_OF)).is_empty());
}

#[test]
fn out_of_warranty_with_two_faults_in_a_year_is_advised_replacement() {
    let mut f = camera();
    f.warranty_end = Some(day("2026-06-30"));
    f.faults_in_year = FAULTS_AFTER_WARRANTY;
    let a = for_device(&f, day(AS_OF));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].rule, Rule::FaultsAfterWarranty);
    assert_eq!(a[0].device_code.as_deref(), Some("XA01-L01-CM01"));
    assert!(a[0].reason_zh.contains("2026-06-30"), "{}", a[0].reason_zh);
    assert!(a[0].reason_zh.contains("故障 2 次"), "{}", a[0].reason_zh);
    assert!(a[0].reason_en.contains("2 faults"), "{}", a[0].reason_en);
    // One fault fewer, or still in warranty: no advice.
    f.faults_in_year = FAULTS_AFTER_WARRANTY - 1;
    assert!(rules(&f).is_empty());
    f.faults_in_year = FAULTS_AFTER_WARRANTY;
    f.warranty_end = Some(day("2027-01-01"));
    assert!(rules(&f).is_empty());
    // The warranty's last day is still in warranty.
    f.warranty_end = Some(day(AS_OF));
    assert!(rules(&f).is_empty());
}

#[test]
fn the_third_repair_in_a_year_means_a_new_unit_as_billing_says() {
    assert_eq!(REPAIRS_FOR_NEW_UNIT, crate::billing::REPEAT_LIMIT);
    let mut f = camera();
    f.faults_in_year = REPAIRS_FOR_NEW_UNIT;
    let a = for_device(&f, day(AS_OF));
    assert_eq!(a.len(), 1, "in warranty too: the contract's rule");
    assert_eq!(a[0].rule, Rule::RepeatedRepairs);
    assert_eq!(a[0].action_zh, "更换新设备");
    assert!(a[0].reason_zh.contains("维修 3 次"), "{}", a[0].reason_zh);
    assert!(
        a[0].reason_en.contains("repaired 3 times"),
        "{}",
        a[0].reason_en
    );
    // Out of warranty as well: still one replacement advice, the contract's.
    f.warranty_end = Some(day("2025-01-01"));
    assert_eq!(rules(&f), [Rule::RepeatedRepairs]);
}

#[test]
fn a_device_past_its_expected_life_is_planned_for_renewal() {
    let life = expected_life(DeviceType::IndustrialPc).expect("a life for PCs");
    let mut f = camera();
    f.device_type = Some(DeviceType::IndustrialPc);
    f.installed = Some(day(AS_OF) - chrono::Months::new(12 * life as u32));
    let a = for_device(&f, day(AS_OF));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].rule, Rule::BeyondServiceLife);
    assert!(
        a[0].reason_zh.contains(&format!("已使用 {life} 年")),
        "{}",
        a[0].reason_zh
    );
    assert!(
        a[0].reason_en.contains("industrial PC"),
        "{}",
        a[0].reason_en
    );
    // A day short of the anniversary: not yet.
    f.installed = f.installed.and_then(|d| d.succ_opt());
    assert!(rules(&f).is_empty());
    // Without an installation date the manufacture date counts.
    f.installed = None;
    f.manufactured = Some(day("2015-01-01"));
    let a = for_device(&f, day(AS_OF));
    assert!(
        a[0].reason_zh.starts_with("出厂于 2015-01-01"),
        "{}",
        a[0].reason_zh
    );
    // Already advised a replacement: no second advice for the same device.
    f.faults_in_year = REPAIRS_FOR_NEW_UNIT;
    assert_eq!(rules(&f), [Rule::RepeatedRepairs]);
}

#[test]
fn every_device_type_has_an_expected_life() {
    for t in DeviceType::ALL {
        assert!(expected_life(*t).is_some_and(|y| y > 0), "{t:?}");
    }
}

#[test]
fn open_failed_inspection_items_are_listed_beside_a_replacement() {
    let mut f = camera();
    f.open_failures = vec![
        ("图像清晰度".into(), "Image sharpness".into()),
        ("补光灯".into(), "Fill light".into()),
    ];
    let a = for_device(&f, day(AS_OF));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].rule, Rule::OpenInspectionFailures);
    assert!(
        a[0].reason_zh.ends_with("图像清晰度、补光灯"),
        "{}",
        a[0].reason_zh
    );
    assert!(
        a[0].reason_en.ends_with("Image sharpness, Fill light"),
        "{}",
        a[0].reason_en
    );
    f.faults_in_year = REPAIRS_FOR_NEW_UNIT;
    assert_eq!(
        rules(&f),
        [Rule::RepeatedRepairs, Rule::OpenInspectionFailures]
    );
}

#[test]
fn a_site_below_the_availability_target_is_advised_spare_units() {
    assert_eq!(
        for_site("西安综合保税区卡口", SITE_AVAILABILITY_TARGET_BP, 60),
        None
    );
    let a = for_site("西安综合保税区卡口", SITE_AVAILABILITY_TARGET_BP - 1, 600)
        .expect("advice below the target");
    assert_eq!(a.rule, Rule::SiteAvailability);
    assert_eq!(a.device_code, None);
    assert!(a.reason_zh.contains("98.99%"), "{}", a.reason_zh);
    assert!(a.reason_zh.contains("约 10 小时"), "{}", a.reason_zh);
    assert!(a.reason_en.contains("below 99.00%"), "{}", a.reason_en);
}

#[test]
fn every_rule_explains_itself_in_both_languages() {
    for r in Rule::ALL {
        let zh = r.explained(crate::Lang::Zh);
        let en = r.explained(crate::Lang::En);
        assert!(!zh.is_empty() && !en.is_empty());
        assert_eq!(crate::domain::values::cjk_in(&en), None, "{en}");
        assert!(!r.code().is_empty());
    }
}

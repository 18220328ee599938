//! Correcting the archive by hand, in the small world of the view tests (西安海关, its site
//! 西安综合保税区卡口 with lane L01, contract HT-2026-001).

use super::*;
use crate::views::fixture::world;

/// One field of the contract form made wrong.
type Spoil = fn(&mut ContractForm);

fn id_of(store: &Store, table: &str, name: &str) -> String {
    // `table` is one of this file's constants.
    store
        .conn()
        .query_row(
            &format!("SELECT id FROM {table} WHERE name = ?1"),
            [name],
            |r| r.get(0),
        )
        .expect("the world's record")
}

fn contract_form() -> ContractForm {
    ContractForm {
        number: "HT-2026-001".into(),
        customer_id: "西安海关".into(),
        name: "卡口 7×24 维保合同".into(),
        start_date: "2026-01-01".into(),
        end_date: "2026-12-31".into(),
        fee_yuan: "288000".into(),
        calendar: "7x24".into(),
        site_ids: vec!["西安综合保税区卡口".into()],
    }
}

fn changes(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT COUNT(*) FROM change_log", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_customers_new_address_and_a_renamed_lane_are_stored_and_named_as_changed() {
    let mut w = world();
    let customer = id_of(&w.store, "customer", "西安海关");
    let edited = edit_customer(
        &mut w.store,
        &customer,
        &CustomerEdit {
            address: Some("西安市未央区凤城八路 1 号".into()),
        },
    )
    .expect("address");
    assert_eq!(edited.changed, vec!["address"]);
    assert_eq!(
        edited.record.address.as_deref(),
        Some("西安市未央区凤城八路 1 号")
    );
    // The same again changes nothing and says so.
    let again = edit_customer(
        &mut w.store,
        &customer,
        &CustomerEdit {
            address: Some("西安市未央区凤城八路 1 号".into()),
        },
    )
    .expect("same");
    assert!(again.changed.is_empty());

    let site = id_of(&w.store, "site", "西安综合保税区卡口");
    let s = edit_site(
        &mut w.store,
        &site,
        &SiteEdit {
            address: Some("综保区南门".into()),
        },
    )
    .expect("site");
    assert_eq!(s.changed, vec!["address"]);

    let lane = id_of(&w.store, "lane", "1号进口车道");
    let l = edit_lane(
        &mut w.store,
        &lane,
        &LaneEdit {
            name: "1号进口车道（货运）".into(),
        },
    )
    .expect("renamed");
    assert_eq!((l.record.code.as_str(), l.changed), ("L01", vec!["name"]));

    let before = changes(&w.store);
    let err = edit_lane(&mut w.store, &lane, &LaneEdit { name: " ".into() }).expect_err("blank");
    assert_eq!(err.field(), Some("lane.name"));
    let err = edit_customer(&mut w.store, "no-such", &CustomerEdit::default()).expect_err("404");
    assert_eq!(err.kind(), "not_found");
    assert_eq!(changes(&w.store), before, "nothing written");
}

#[test]
fn a_contract_made_by_hand_gets_the_seed_terms_and_they_can_be_edited_next() {
    let mut w = world();
    let mut f = contract_form();
    f.number = "HT-2027-001".into();
    f.name = "2027 年卡口维保合同".into();
    f.start_date = "2027-01-01".into();
    f.end_date = "2027-12-31".into();
    f.calendar = "5×8".into();
    let c = create_contract(&mut w.store, &f).expect("made");
    assert_eq!(c.levels, Contract::standard_levels());
    assert_eq!(c.fee, Fen(28_800_000));
    assert_eq!(c.site_ids.len(), 1);
    let toml = crate::contract_terms::to_toml(w.store.conn(), "HT-2027-001").expect("terms");
    assert!(toml.contains("[[levels]]"), "{toml}");
    let listed = contracts(&w.store).expect("list");
    let row = listed
        .iter()
        .find(|r| r.number == "HT-2027-001")
        .expect("listed");
    assert_eq!(
        (row.customer_name.as_str(), row.site_names.clone()),
        ("西安海关", vec!["西安综合保税区卡口".to_string()])
    );

    // The same number again is named.
    let err = create_contract(&mut w.store, &f).expect_err("twice");
    assert_eq!(err.field(), Some("contract.number"));
}

#[test]
fn a_contract_correction_writes_only_what_changed_and_names_each_refused_field() {
    let mut w = world();
    let mut f = contract_form();
    f.end_date = "2027-06-30".into();
    f.fee_yuan = "300,000".into();
    let e = edit_contract(&mut w.store, "HT-2026-001", &f).expect("corrected");
    assert_eq!(e.changed, vec!["end_date", "fee_fen"]);
    assert_eq!(e.record.fee, Fen(30_000_000));

    let before = changes(&w.store);
    let cases: [(&str, Spoil); 7] = [
        ("contract.number", |f| f.number = "HT-9999".into()),
        ("contract.end_date", |f| f.end_date = "2025-01-01".into()),
        ("contract.start_date", |f| {
            f.start_date = "2099-01-01".into()
        }),
        ("contract.fee", |f| f.fee_yuan = "很多".into()),
        ("contract.calendar", |f| f.calendar = "6x9".into()),
        ("contract.sites", |f| f.site_ids = vec!["火星站".into()]),
        ("contract.name", |f| f.name = String::new()),
    ];
    for (field, spoil) in cases {
        let mut bad = contract_form();
        spoil(&mut bad);
        let err = edit_contract(&mut w.store, "HT-2026-001", &bad).expect_err(field);
        assert_eq!(err.field(), Some(field), "{err}");
    }
    // Another customer's name is refused: a contract keeps its customer.
    w.store
        .write(|tx| org::add_customer(tx, "西安铁路局", None).map(|_| ()))
        .expect("customer");
    let before_other = changes(&w.store);
    let mut other = contract_form();
    other.customer_id = "西安铁路局".into();
    let err = edit_contract(&mut w.store, "HT-2026-001", &other).expect_err("customer");
    assert_eq!(err.field(), Some("contract.customer_id"));
    assert_eq!(changes(&w.store), before_other);
    assert!(before <= before_other);
    let err = edit_contract(&mut w.store, "HT-NONE", &contract_form()).expect_err("404");
    assert_eq!(err.kind(), "not_found");
}

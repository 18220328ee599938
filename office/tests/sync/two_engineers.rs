//! Two engineers on empty laptops pull the office's data, each edits a different field of one
//! device offline, both sync: the office and both laptops agree record by record.

use crate::dump::{assert_same, dump};
use crate::harness::{Laptop, Server};
use weibao::Store;

fn device_field(store: &Store, id: &str, field: &str) -> Option<String> {
    store
        .conn()
        .query_row(
            &format!("SELECT {field} FROM device WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .expect("device")
}

#[test]
fn two_engineers_edit_one_device_and_all_replicas_agree() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let token_a = office.engineer("张工");
    let token_b = office.engineer("李工");
    let (a, b) = (Laptop::new(), Laptop::new());

    // First sync: each empty laptop receives everything.
    let progress = a.sync_ok(&office, &token_a);
    assert!(
        progress.contains("pulled"),
        "progress on stderr: {progress}"
    );
    b.sync_ok(&office, &token_b);
    assert_same(
        &dump(&office.store()),
        &dump(&a.store()),
        "office vs A after first pull",
    );
    assert_same(
        &dump(&office.store()),
        &dump(&b.store()),
        "office vs B after first pull",
    );

    let device: String = office
        .store()
        .conn()
        .query_row(
            "SELECT id FROM device WHERE deleted = 0 ORDER BY code LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a demo device");

    // Offline: A writes the notes, B the position.
    let note = "张工：道闸电机异响，已紧固".to_string();
    let position = "入口岗亭左侧".to_string();
    a.store()
        .write(|tx| tx.update("device", &device, &[("notes", &note)]))
        .expect("edit on A");
    b.store()
        .write(|tx| tx.update("device", &device, &[("position", &position)]))
        .expect("edit on B");

    let out = a.sync_ok(&office, &token_a);
    assert!(out.contains("pushed 1"), "A pushes its one change: {out}");
    b.sync_ok(&office, &token_b);
    a.sync_ok(&office, &token_a);

    let (o, sa, sb) = (office.store(), a.store(), b.store());
    for s in [&o, &sa, &sb] {
        assert_eq!(
            device_field(s, &device, "notes").as_deref(),
            Some(note.as_str())
        );
        assert_eq!(
            device_field(s, &device, "position").as_deref(),
            Some(position.as_str())
        );
    }
    let office_dump = dump(&o);
    assert_same(&office_dump, &dump(&sa), "office vs laptop A");
    assert_same(&office_dump, &dump(&sb), "office vs laptop B");
    assert_eq!(weibao::sync::pending(&sa).expect("pending"), 0);

    // Nothing new: a sync moves nothing and changes nothing.
    let out = a.sync_ok(&office, &token_a);
    assert!(
        !out.contains("pushed") && !out.contains("pulled"),
        "idle sync: {out}"
    );
    assert_same(
        &office_dump,
        &dump(&office.store()),
        "office after an idle sync",
    );
}

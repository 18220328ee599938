//! The office restored from a backup taken before a laptop's last push: the laptop's cursor is
//! ahead of the office's log and the office lacks changes it once acknowledged. The next
//! `weibao sync` sends and fetches again from the start; nothing is lost or doubled.

use crate::dump::{assert_same, dump};
use crate::harness::{Laptop, Server};

#[test]
fn an_office_restored_from_a_backup_gets_everything_again() {
    let office = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let token = office.engineer("钱工");
    let laptop = Laptop::new();
    laptop.sync_ok(&office, &token);

    // The backup: the office replica as it is now, before the laptop's edits reach it.
    let backup = tempfile::tempdir().expect("tempdir");
    let copy = backup.path().join("office.db");
    office
        .store()
        .conn()
        .execute("VACUUM INTO ?1", [copy.to_string_lossy().as_ref()])
        .expect("backup");

    let device: String = office
        .store()
        .conn()
        .query_row("SELECT id FROM device ORDER BY code LIMIT 1", [], |r| {
            r.get(0)
        })
        .expect("device");
    for note in ["第一次", "第二次"] {
        laptop
            .store()
            .write(|tx| tx.update("device", &device, &[("notes", &note)]))
            .expect("edit");
    }
    laptop.sync_ok(&office, &token);
    assert_eq!(
        weibao::sync::acknowledged(&laptop.store()).expect("acked"),
        2
    );

    // The restored office: same data folder contents as the backup, a new token.
    let restored = Server::start_from(&copy, weibao_office::DEFAULT_MAX_BODY);
    let token2 = restored.engineer("钱工");
    let out = laptop.sync_ok(&restored, &token2);
    assert!(out.contains("again from the start"), "{out}");
    assert!(out.contains("pushed 2"), "{out}");
    assert_same(
        &dump(&restored.store()),
        &dump(&laptop.store()),
        "restored office vs laptop",
    );
    assert_same(
        &dump(&office.store()),
        &dump(&restored.store()),
        "restored vs original office",
    );
}

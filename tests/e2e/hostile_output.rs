//! Output that fails after the work is done: a report copy onto a full disk or under a file, an
//! addendum that cannot be written, blobs of a transaction that does not commit. The record and
//! what the user sees must agree: nothing recorded when the copy fails, never a number twice.

use std::path::Path;

use serde_json::Value;
use weibao::report::finalise;
use weibao::report::signature;
use weibao::Error;

use crate::report_support::{blob_files, cli, count, demo_db, error_json, resolved_repair};
use crate::support::TestDb;

/// A demo database with one more repair resolved and its refusal to sign recorded: ready to
/// finalise. Returns the work order id.
fn ready_to_finalise(t: &TestDb) -> String {
    let mut store = t.open();
    let wo = resolved_repair(&mut store, "XA01-L02-CM01");
    signature::refuse(&mut store, &wo, "客户代表不在现场，电话确认").expect("refusal recorded");
    wo
}

fn state_of(t: &TestDb, wo: &str) -> String {
    let store = t.open();
    store
        .conn()
        .query_row(
            "SELECT state FROM work_order_now WHERE id = ?1",
            [wo],
            |r| r.get(0),
        )
        .expect("work order")
}

#[test]
fn report_copy_onto_a_full_disk_records_nothing_and_the_retry_numbers_once() {
    let (t, db) = demo_db();
    let wo = ready_to_finalise(&t);
    let (reports, blobs) = {
        let s = t.open();
        (count(&s, "report"), blob_files(&s))
    };

    // /dev/full answers every write with "no space left on device".
    let full = cli(
        &db,
        &[
            "--json",
            "report",
            "render",
            "--wo",
            &wo,
            "--out",
            "/dev/full",
        ],
    );
    let e = error_json(&full);
    assert_eq!(e["kind"], "io");
    assert_eq!(e["field"], "out");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("磁盘已满")),
        "{e}"
    );
    assert!(
        e["message_en"]
            .as_str()
            .is_some_and(|m| m.contains("the disk is full")),
        "{e}"
    );
    {
        let s = t.open();
        assert_eq!(count(&s, "report"), reports, "no report recorded");
        assert_eq!(blob_files(&s), blobs, "no PDF blob left behind");
    }
    assert_eq!(
        state_of(&t, &wo),
        "resolved",
        "the work order is not frozen"
    );

    // Under a file: refused before anything is signed, naming the file in the way.
    let dir = t.dir.path();
    std::fs::write(dir.join("notes.txt"), "x").expect("file");
    let under = dir.join("notes.txt").join("r.pdf");
    let e = error_json(&cli(
        &db,
        &[
            "--json",
            "report",
            "render",
            "--wo",
            &wo,
            "--out",
            &under.to_string_lossy(),
        ],
    ));
    assert_eq!(e["field"], "out");
    assert!(
        e["message_en"]
            .as_str()
            .is_some_and(|m| m.contains("notes.txt is a file, not a folder")),
        "{e}"
    );
    assert_eq!(state_of(&t, &wo), "resolved");

    // The retry to a good path finalises once, with the next number; a second run reprints it.
    let good = dir.join("out").join("report.pdf");
    let ok = cli(
        &db,
        &[
            "--json",
            "report",
            "render",
            "--wo",
            &wo,
            "--out",
            &good.to_string_lossy(),
        ],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let first: Value = serde_json::from_slice(&ok.stdout).expect("json");
    let again = cli(
        &db,
        &[
            "--json",
            "report",
            "render",
            "--wo",
            &wo,
            "--out",
            &good.to_string_lossy(),
        ],
    );
    let second: Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_eq!(
        first["number"], second["number"],
        "a reprint is the same report"
    );
    let s = t.open();
    assert_eq!(count(&s, "report"), reports + 1, "exactly one new report");
    let stored = finalise::report_for(s.conn(), &wo)
        .expect("query")
        .expect("report");
    let on_disk = std::fs::read(&good).expect("copy written");
    assert_eq!(weibao::store::blobs::sha256_hex(&on_disk), stored.sha256);
    // No half-written copy is left beside the output.
    let stray: Vec<_> = std::fs::read_dir(good.parent().expect("dir"))
        .expect("ls")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn addendum_onto_a_full_disk_leaves_none_and_a_retry_makes_exactly_one() {
    let (t, db) = demo_db();
    let original = {
        let s = t.open();
        crate::report_support::demo_reports(&s).1
    };
    let wo = original.work_order_id.clone();
    let addenda = |t: &TestDb| {
        let s = t.open();
        finalise::all_reports(s.conn())
            .expect("reports")
            .iter()
            .filter(|r| r.kind == "addendum")
            .count()
    };
    let before = addenda(&t);
    let args = |out: &str| {
        vec![
            "--json".to_string(),
            "report".into(),
            "addendum".into(),
            "--wo".into(),
            wo.clone(),
            "--reason".into(),
            "序列号抄错".into(),
            "--text".into(),
            "摄像机序列号应为 HK2301-0042".into(),
            "--out".into(),
            out.into(),
        ]
    };
    let run = |out: &str| {
        let a = args(out);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        cli(&db, &a)
    };
    let e = error_json(&run("/dev/full"));
    assert_eq!(e["field"], "out");
    assert_eq!(
        addenda(&t),
        before,
        "no signed addendum on record after the failed copy"
    );

    let good = t.dir.path().join("addendum.pdf");
    let ok = run(&good.to_string_lossy());
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let first: Value = serde_json::from_slice(&ok.stdout).expect("json");
    // Asked again (a retry whose copy the user lost): the same addendum, not a second number.
    std::fs::remove_file(&good).expect("rm");
    let again = run(&good.to_string_lossy());
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let second: Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_eq!(first["number"], second["number"]);
    assert_eq!(addenda(&t), before + 1);
    assert!(good.exists(), "the copy is written again");
}

#[test]
fn blobs_of_a_transaction_that_does_not_commit_are_removed() {
    let (t, mut store) = TestDb::demo();
    let before = blob_files(&store);
    let kept = b"a blob already stored before".to_vec();
    store.blobs().put(&kept).expect("put");
    let new = b"a blob only this refused action wrote".to_vec();
    let refused = store.write_with_blobs(&[&kept, &new], |_tx, shas| -> Result<(), Error> {
        assert_eq!(shas.len(), 2);
        Err(Error::refused("test_refusal", "拒绝", "refused"))
    });
    assert!(refused.is_err());
    assert_eq!(
        blob_files(&store),
        before + 1,
        "the new blob is gone, the one stored before stays"
    );
    assert!(store
        .blobs()
        .get(&weibao::store::blobs::sha256_hex(&kept))
        .is_ok());
    drop(t);
}

/// A read-only database (as a person without write access sees it): `photo add` refuses and
/// leaves no blob file. Root ignores file modes, so as root the command runs as `nobody`.
#[test]
fn photo_add_on_a_read_only_database_writes_no_blob() {
    let (t, db) = demo_db();
    let wo = {
        let mut s = t.open();
        weibao::store::Store::write(&mut s, |tx| {
            weibao::work_orders::report_fault(
                tx,
                &weibao::domain::work_order::FaultReportInput {
                    device_id: "XA01-L01-BG01".into(),
                    level: 3,
                    phenomenon: "道闸抬杆缓慢".into(),
                    ..Default::default()
                },
            )
        })
        .expect("fault")
        .id
    };
    let photo = t.dir.path().join("p.jpg");
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
    img.save(&photo).expect("jpeg");
    let blobs_before = blob_files(&t.open());

    let dir = t.dir.path();
    set_mode(dir, 0o777);
    // The blob folder stays writable: only the database refuses, as in the report.
    let blob_dir = t.open().blobs().dir().to_path_buf();
    for e in walk(&blob_dir) {
        set_mode(&e, 0o777);
    }
    set_mode(&db, 0o444);
    let as_root = is_root();
    let out = if as_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(crate::support::weibao_bin())
            .arg("--db")
            .arg(&db)
            .args(["--json", "photo", "add", "--wo", &wo])
            .arg(&photo);
        c.output().expect("setpriv runs")
    } else {
        cli(
            &db,
            &[
                "--json",
                "photo",
                "add",
                "--wo",
                &wo,
                &photo.to_string_lossy(),
            ],
        )
    };
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    set_mode(&db, 0o644);
    let s = t.open();
    assert_eq!(
        blob_files(&s),
        blobs_before,
        "no blob left by the refused write"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Whether this process is root (file modes do not stop root).
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

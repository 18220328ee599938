//! A laptop dying while a report is being finalised: `weibao report render` is killed with
//! SIGKILL at moments spread over its whole run. Every time, the database holds either no
//! report (work order still `resolved`, ready to finalise again) or a complete one (report row,
//! intact signed PDF blob, hash on the work order, state `customer_signed`) — never a half.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::report_support::*;
use crate::support::{weibao_bin, TestDb};
use weibao::domain::work_order::WorkOrderState;
use weibao::report::finalise;
use weibao::report::photos::{self, PhotoOwner};
use weibao::report::sign::verify_pdf;
use weibao::report::signature;
use weibao::work_orders;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from)
        .expect("read dir")
        .filter_map(|e| e.ok())
    {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).expect("copy");
        }
    }
}

fn render(db: &Path, wo: &str, out: &Path) -> Command {
    let mut c = Command::new(weibao_bin());
    c.arg("--db")
        .arg(db)
        .args(["report", "render", "--work-order", wo, "--out"])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

#[derive(Debug, PartialEq)]
enum Outcome {
    NoReport,
    Complete,
}

/// The invariant after a crash, checked on a fresh open of the copy.
fn inspect(db: &Path, wo: &str) -> Outcome {
    let clock = std::sync::Arc::new(weibao::FakeClock::new(crate::support::monday_10am()));
    let store = weibao::Store::open(db, clock).expect("reopen after kill");
    let state = work_orders::detail(&store, wo).expect("wo").summary.state;
    let on_wo: Option<String> = store
        .conn()
        .query_row(
            "SELECT report_sha256 FROM work_order_now WHERE id = ?1",
            [wo],
            |r| r.get(0),
        )
        .expect("wo row");
    // Every report row and no other is queued for sync (the demo's two are there already).
    let queued: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM change_log WHERE tbl = 'report'",
            [],
            |r| r.get(0),
        )
        .expect("outbox");
    assert_eq!(
        queued,
        count(&store, "report"),
        "outbox and report rows agree"
    );
    match finalise::report_for(store.conn(), wo).expect("query") {
        None => {
            assert_eq!(state, WorkOrderState::Resolved, "no report: still resolved");
            assert_eq!(on_wo, None, "no report: no hash on the work order");
            Outcome::NoReport
        }
        Some(r) => {
            assert_eq!(state, WorkOrderState::CustomerSigned);
            assert_eq!(on_wo.as_deref(), Some(r.sha256.as_str()));
            let pdf = finalise::pdf_of(&store, &r).expect("the blob is complete and intact");
            assert!(verify_pdf(&pdf).expect("verify").valid);
            let registered: i64 = store
                .conn()
                .query_row(
                    "SELECT COUNT(*) FROM blob WHERE sha256 = ?1",
                    [&r.sha256],
                    |x| x.get(0),
                )
                .expect("blob row");
            assert_eq!(registered, 1);
            Outcome::Complete
        }
    }
}

#[test]
fn report_kill_during_finalise_leaves_none_or_complete() {
    let (t, wo) = {
        let (t, mut store) = TestDb::demo();
        let wo = resolved_repair(&mut store, "BJ02-L01-CM02");
        let jpeg = weibao::demo::reports::demo_photo(7, crate::support::monday_10am());
        photos::attach(
            &mut store,
            &PhotoOwner::WorkOrder(wo.clone()),
            &jpeg,
            Some("现场"),
        )
        .expect("photo");
        signature::capture(
            &mut store,
            &wo,
            &weibao::demo::reports::demo_signature(1),
            "赵志刚",
        )
        .expect("signature");
        drop(store);
        (t, wo)
    };
    let src = t.path.parent().expect("dir").to_path_buf();
    let name = t.path.file_name().expect("name").to_owned();
    let work = tempfile::tempdir().expect("tmp");

    // How long an uninterrupted finalise takes here.
    let full = work.path().join("full");
    copy_dir(&src, &full);
    let started = Instant::now();
    let ok = render(&full.join(&name), &wo, &work.path().join("full.pdf"))
        .status()
        .expect("run");
    let total = started.elapsed();
    assert!(ok.success());
    assert_eq!(inspect(&full.join(&name), &wo), Outcome::Complete);

    let runs = 14u32;
    let (mut none, mut complete) = (0, 0);
    for i in 0..runs {
        let dir = work.path().join(format!("run{i}"));
        copy_dir(&src, &dir);
        let db = dir.join(&name);
        // From "just started" to twice the usual end: a run is sometimes slower than the
        // reference one (a loaded CI machine), and some kills must still land after its commit.
        let delay = total.mul_f64(2.0 * f64::from(i) / f64::from(runs - 1));
        let mut child = render(&db, &wo, &dir.join("out.pdf"))
            .spawn()
            .expect("spawn");
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        match inspect(&db, &wo) {
            Outcome::NoReport => {
                none += 1;
                // The next attempt finishes the job.
                let again = render(&db, &wo, &dir.join("out.pdf"))
                    .status()
                    .expect("rerun");
                assert!(again.success(), "finalising again after a crash works");
                assert_eq!(inspect(&db, &wo), Outcome::Complete);
            }
            Outcome::Complete => complete += 1,
        }
    }
    eprintln!(
        "finalise took {:?}; {runs} kills: {none} left no report, {complete} a complete one",
        total
    );
    assert!(none > 0, "some kills must land before the commit");
    assert!(complete > 0, "some kills must land after the commit");
}

//! Shared helpers of the report tests: the demo's signed reports, poppler-utils, the CLI, and
//! a fresh resolved work order for tests that finalise themselves.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use weibao::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use weibao::report::finalise::{self, StoredReport};
use weibao::work_orders;
use weibao::Store;

use crate::support::{weibao_bin, TestDb};

/// `test-artifacts/` at the repository root (git-ignored): rendered pages kept for a look.
pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// Run a poppler tool; panics with its stderr if it cannot run at all.
pub fn tool(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} could not run (install poppler-utils): {e}"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `weibao --db DB ARGS…`.
pub fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(weibao_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run weibao")
}

/// The JSON error a failed `--json` command printed on stderr (asserting exit code 1).
pub fn error_json(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stderr).expect("a JSON error on stderr")
}

/// The demo's two signed reports: (inspection, repair).
pub fn demo_reports(store: &Store) -> (StoredReport, StoredReport) {
    let all = finalise::all_reports(store.conn()).expect("reports");
    let pick = |kind: &str| {
        all.iter()
            .find(|r| r.kind == kind)
            .cloned()
            .unwrap_or_else(|| panic!("demo has a signed {kind} report"))
    };
    (pick("inspection"), pick("service"))
}

/// A fault on `device` taken through to `resolved`, with a service record: ready for the
/// customer's confirmation.
pub fn resolved_repair(store: &mut Store, device: &str) -> String {
    store
        .write(|tx| {
            let wo = work_orders::report_fault(
                tx,
                &FaultReportInput {
                    device_id: device.into(),
                    level: 3,
                    phenomenon: "摄像机画面偶发黑屏".into(),
                    contact_name: Some("刘晓燕".into()),
                    contact_phone: Some("029-88798002".into()),
                    ..Default::default()
                },
            )?;
            for to in [
                WorkOrderState::Assigned,
                WorkOrderState::Responded,
                WorkOrderState::OnSite,
            ] {
                work_orders::advance(tx, &wo.id, to, None, None)?;
            }
            work_orders::record_service(
                tx,
                &wo.id,
                &ServiceRecordInput {
                    found_state: "画面每隔数分钟黑屏一次".into(),
                    process: "更换视频线水晶头，重启摄像机".into(),
                    analysis: Some("水晶头氧化接触不良".into()),
                    customer_feedback: None,
                    satisfaction: Some(4),
                    backup_restore: None,
                },
            )?;
            work_orders::advance(tx, &wo.id, WorkOrderState::Resolved, None, None)?;
            Ok(wo.id)
        })
        .expect("resolved work order")
}

/// A demo database, closed, with its path (the CLI opens it itself).
pub fn demo_db() -> (TestDb, PathBuf) {
    let (t, store) = TestDb::demo();
    drop(store);
    let p = t.path.clone();
    (t, p)
}

/// Number of rows in a table (a literal name from the test).
pub fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

/// Files in the blob folder (at any depth), temp files excluded.
pub fn blob_files(store: &Store) -> usize {
    fn walk(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| {
                        let p = e.path();
                        if p.is_dir() {
                            walk(&p)
                        } else {
                            usize::from(!p.to_string_lossy().ends_with(".tmp"))
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(store.blobs().dir())
}

//! The README's CLI, action by action, on one laptop; after each action its change set goes
//! through a file (`weibao changes export --since` / `import`) to a second database, which must
//! then be identical to the first, row by row. Importing a file twice changes nothing; a cut
//! or foreign file is refused whole.

use crate::support::{weibao_bin, TestDb};
use crate::sync_support::assert_identical;
use std::path::Path;
use std::process::{Command, Output};

fn weibao(db: &Path, args: &[&str]) -> Output {
    Command::new(weibao_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run weibao")
}

fn ok(out: Output, what: &str) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

struct Pair {
    a: TestDb,
    b: TestDb,
    dir: tempfile::TempDir,
    since: i64,
    files: usize,
}

impl Pair {
    /// Ship what `a` did since the last ship to `b` through a file, then compare.
    fn ship(&mut self, action: &str) {
        self.files += 1;
        let file = self.dir.path().join(format!("{}.changes", self.files));
        let file = file.to_str().expect("utf-8");
        let since = self.since.to_string();
        let ex = ok(
            weibao(
                &self.a.path,
                &[
                    "--json", "changes", "export", "--since", &since, "--out", file,
                ],
            ),
            action,
        );
        self.since = ex["until"].as_i64().expect("until");
        let imported = ok(
            weibao(&self.b.path, &["--json", "changes", "import", file]),
            action,
        );
        assert_eq!(imported["held"], 0, "{action}: {imported}");
        assert_identical(&self.a.open(), &self.b.open(), action);
        // The same file again: nothing changes.
        let again = ok(
            weibao(&self.b.path, &["--json", "changes", "import", file]),
            action,
        );
        assert_eq!(again["applied"], 0, "{action}: {again}");
        assert_identical(&self.a.open(), &self.b.open(), action);
    }
}

fn image_files(dir: &Path) -> (String, String) {
    let jpg = dir.join("boom.jpg");
    image::RgbImage::from_fn(320, 240, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
    })
    .save(&jpg)
    .expect("jpeg");
    let png = dir.join("signature.png");
    image::RgbaImage::from_fn(300, 100, |x, y| {
        image::Rgba([0, 0, 0, if (x + y) % 37 < 3 { 255 } else { 0 }])
    })
    .save(&png)
    .expect("png");
    (
        jpg.to_str().expect("utf-8").into(),
        png.to_str().expect("utf-8").into(),
    )
}

#[test]
fn sync_every_readme_cli_action_replays_into_an_identical_replica() {
    let mut p = Pair {
        a: TestDb::new(),
        b: TestDb::new(),
        dir: tempfile::tempdir().expect("dir"),
        since: 0,
        files: 0,
    };
    let a = p.a.path.clone();
    ok(weibao(&a, &["demo"]), "demo");
    p.ship("demo");

    let wo = ok(
        weibao(
            &a,
            &[
                "--json",
                "wo",
                "report",
                "--device",
                "XA01-L03-BG01",
                "--level",
                "1",
                "--phenomenon",
                "道闸无法抬杆",
            ],
        ),
        "wo report",
    )["id"]
        .as_str()
        .expect("wo id")
        .to_string();
    p.ship("wo report");
    for to in ["assigned", "responded", "on_site"] {
        ok(weibao(&a, &["wo", "advance", &wo, "--to", to]), to);
        p.ship(&format!("wo advance --to {to}"));
    }
    ok(
        weibao(
            &a,
            &[
                "stock",
                "move",
                "--kind",
                "issue",
                "--part",
                "PAD-BG",
                "--qty",
                "1",
                "--from",
                "张伟车载库",
                "--work-order",
                &wo,
            ],
        ),
        "issue",
    );
    p.ship("stock move issue");
    ok(
        weibao(
            &a,
            &[
                "stock",
                "move",
                "--kind",
                "transfer",
                "--part",
                "PAD-BG",
                "--qty",
                "5",
                "--from",
                "总仓",
                "--to",
                "李娜车载库",
            ],
        ),
        "transfer",
    );
    p.ship("stock move transfer");
    ok(
        weibao(&a, &["device", "show", "XA01-L03-BG01"]),
        "device show",
    );
    p.ship("device show (archive access logged)");

    let cam = ok(
        weibao(
            &a,
            &[
                "--json",
                "wo",
                "report",
                "--device",
                "XA01-L01-CM01",
                "--level",
                "2",
                "--phenomenon",
                "摄像机无图像",
            ],
        ),
        "camera fault",
    )["id"]
        .as_str()
        .expect("id")
        .to_string();
    ok(
        weibao(
            &a,
            &[
                "stock",
                "swap",
                "--work-order",
                &cam,
                "--spare",
                "CAM-HK-SP001",
                "--from",
                "张伟车载库",
            ],
        ),
        "swap",
    );
    p.ship("stock swap");

    ok(
        weibao(&a, &["wo", "advance", &wo, "--to", "resolved"]),
        "resolved",
    );
    ok(
        weibao(
            &a,
            &[
                "wo",
                "service",
                &wo,
                "--found",
                "挡杆断裂",
                "--process",
                "更换挡杆缓冲垫并调试",
            ],
        ),
        "service",
    );
    p.ship("wo advance resolved + wo service");
    let (jpg, png) = image_files(p.dir.path());
    ok(
        weibao(
            &a,
            &[
                "photo",
                "add",
                "--work-order",
                &wo,
                &jpg,
                "--caption",
                "挡杆断裂",
            ],
        ),
        "photo",
    );
    p.ship("photo add");
    ok(
        weibao(
            &a,
            &[
                "sign",
                "--work-order",
                &wo,
                "--png",
                &png,
                "--signer",
                "陈建国",
            ],
        ),
        "sign",
    );
    p.ship("sign");
    let pdf = p.dir.path().join("report.pdf");
    ok(
        weibao(
            &a,
            &[
                "report",
                "render",
                "--work-order",
                &wo,
                "--out",
                pdf.to_str().expect("utf-8"),
            ],
        ),
        "render",
    );
    p.ship("report render (finalise)");
    let add = p.dir.path().join("addendum.pdf");
    ok(
        weibao(
            &a,
            &[
                "report",
                "addendum",
                "--work-order",
                &wo,
                "--reason",
                "补充",
                "--text",
                "缓冲垫为翻新件",
                "--out",
                add.to_str().expect("utf-8"),
            ],
        ),
        "addendum",
    );
    p.ship("report addendum");

    let (lane, gate) = crate::checklist_run::demo_lane(&p.a.open());
    let insp = ok(
        weibao(&a, &["--json", "inspection", "start", "--lane", &lane]),
        "start",
    )["header"]["id"]
        .as_str()
        .expect("inspection id")
        .to_string();
    p.ship("inspection start");
    let current = format!("gate.motor_current@{gate}");
    ok(
        weibao(
            &a,
            &[
                "inspection",
                "answer",
                &insp,
                &current,
                "0.3",
                "--instrument",
                "钳形表",
            ],
        ),
        "answer",
    );
    p.ship("inspection answer");
}

#[test]
fn sync_a_cut_or_foreign_change_file_is_refused_and_imports_nothing() {
    let (a, store) = TestDb::demo();
    drop(store);
    let b = TestDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("all.changes");
    ok(
        weibao(
            &a.path,
            &["changes", "export", "--out", file.to_str().expect("utf-8")],
        ),
        "export",
    );
    let bytes = std::fs::read(&file).expect("read");
    let cut = dir.path().join("cut.changes");
    std::fs::write(&cut, &bytes[..bytes.len() * 6 / 10]).expect("write");
    let out = weibao(
        &b.path,
        &["changes", "import", cut.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("不完整") && err.contains("incomplete"),
        "{err}"
    );
    let foreign = dir.path().join("notes.txt");
    std::fs::write(&foreign, "周一巡检记录\n").expect("write");
    let out = weibao(
        &b.path,
        &["changes", "import", foreign.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是 weibao 变更集文件"));
    let rows: i64 = b
        .open()
        .conn()
        .query_row("SELECT COUNT(*) FROM change_log", [], |r| r.get(0))
        .expect("count");
    assert_eq!(rows, 0, "nothing imported from a refused file");
    // A skew bound out of range (or too large for a duration) is an error naming it.
    for hours in ["0", "99999999999999999"] {
        let out = weibao(
            &b.path,
            &[
                "changes",
                "import",
                "--max-skew-hours",
                hours,
                file.to_str().expect("utf-8"),
            ],
        );
        assert_eq!(out.status.code(), Some(1), "--max-skew-hours {hours}");
        // Named in words ("allowed clock skew"), not by the key `max_skew`.
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("时钟偏差") && err.contains("clock skew"),
            "{err}"
        );
    }
    // The whole file imports; `conflicts` then lists nothing.
    ok(
        weibao(
            &b.path,
            &["changes", "import", file.to_str().expect("utf-8")],
        ),
        "import",
    );
    let list = ok(weibao(&b.path, &["--json", "conflicts"]), "conflicts");
    assert_eq!(list, serde_json::json!([]));
}

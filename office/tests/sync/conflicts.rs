//! Sync conflicts and the common-faults table at the office, through the real server: a
//! laptop's change to an office-only table is set aside as a conflict, a person resolves it
//! with a note (a synced change naming who), and the technical lead confirms a common fault's
//! wording.

use crate::harness::{Laptop, Server};
use crate::staff::{add, get, login, post};
use weibao_office::staff::Role;

#[test]
fn a_conflict_is_resolved_with_a_note_and_the_lead_confirms_a_common_fault() {
    let server = Server::start(true, weibao_office::DEFAULT_MAX_BODY);
    let (token, _) = server.enrollable("王新");
    let laptop = Laptop::new();
    assert!(laptop.enrol(&server, &token).status.success());
    laptop.sync_ok(&server, &token);
    // The laptop writes a row only the office writes: the office refuses it, as a conflict.
    laptop
        .store()
        .write(|tx| {
            weibao::common_faults::curate(
                tx,
                &weibao::common_faults::CurateInput {
                    device_type: "道闸".into(),
                    phenomenon: "道闸不落杆".into(),
                    by: "王新".into(),
                    ..Default::default()
                },
            )
        })
        .expect("a laptop-side row");
    laptop.sync_ok(&server, &token);

    let password = add(&server, "技术甲", Role::TechLead);
    let lead = login(&server, "技术甲", &password);
    let (status, open) = get(&server, "/api/v1/conflicts", Some(&lead));
    assert_eq!(status, 200, "{open}");
    let c = open
        .as_array()
        .and_then(|l| l.iter().find(|c| c["kind"] == "refused_change"))
        .expect("the refused change is listed")
        .clone();
    let key = c["key"].as_str().expect("key").to_string();
    let path = format!(
        "/api/v1/conflicts/{}/resolve",
        key.replace('%', "%25").replace('/', "%2F")
    );
    let (status, body) = post(&server, &lead, &path, serde_json::json!({"note": " "}));
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("conflict.note")),
        "{body}"
    );
    let (status, still) = post(
        &server,
        &lead,
        &path,
        serde_json::json!({"note": "常见故障表由办公室维护，已告知工程师"}),
    );
    assert_eq!(status, 200, "{still}");
    assert!(
        still
            .as_array()
            .is_some_and(|l| l.iter().all(|c| c["key"] != key.as_str())),
        "{still}"
    );
    // A refused change resolved is accepted (the core releases it), the note kept with who.
    let (_, all) = get(&server, "/api/v1/conflicts?all=true", Some(&lead));
    assert!(all.is_array(), "{all}");
    let note: String = server
        .store()
        .conn()
        .query_row(
            "SELECT note FROM conflict_resolution WHERE conflict_key = ?1",
            [&key],
            |r| r.get(0),
        )
        .expect("the resolution");
    assert!(note.contains("技术甲") && note.contains("已告知"), "{note}");
    // The resolution is a synced record: the laptop has it too.
    laptop.sync_ok(&server, &token);
    let resolved: i64 = laptop
        .store()
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM conflict_resolution WHERE conflict_key = ?1",
            [&key],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(resolved, 1);

    // The lead confirms and classifies a fault record for the common-faults table.
    let (status, row) = post(
        &server,
        &lead,
        "/api/v1/common-faults",
        serde_json::json!({"device_type": "道闸", "phenomenon": "道闸抬杆后不落杆",
            "cause": "地感线圈断裂", "remedy": "重新切槽埋设线圈"}),
    );
    assert_eq!(status, 200, "{row}");
    assert_eq!(
        (row["confirmed_by"].as_str(), row["device_type"].as_str()),
        (Some("技术甲"), Some("barrier_gate")),
        "{row}"
    );
    let (status, body) = post(
        &server,
        &lead,
        "/api/v1/common-faults",
        serde_json::json!({"device_type": "飞船", "phenomenon": "x"}),
    );
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("common_fault.device_type"))
    );
    let (_, table) = get(&server, "/api/v1/common-faults", Some(&lead));
    assert!(table
        .as_array()
        .is_some_and(|l| l.iter().any(|r| r["phenomenon"] == "道闸抬杆后不落杆")));
}

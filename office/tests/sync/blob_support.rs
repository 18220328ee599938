//! Helpers of the blob tests: a laptop with the demo, photos taken on it, hand-made blob
//! requests.

use crate::harness::{request, weibao, Laptop, Server};
use reqwest::Method;
use weibao::report::photos::{self, PhotoOwner};
use weibao::sync::blobs::{LENGTH_HEADER, OFFSET_HEADER};
use weibao::Store;

/// A laptop that loaded the demo (engineer, open work orders, two signed reports with photos).
pub fn demo_laptop() -> Laptop {
    let laptop = Laptop::new();
    let mut store = laptop.store();
    weibao::demo::load(&mut store, None, &mut |_, _| {}).expect("demo on the laptop");
    laptop
}

/// Work orders still open for evidence, by id.
pub fn open_work_orders(store: &Store) -> Vec<String> {
    let mut st = store
        .conn()
        .prepare(
            "SELECT id FROM work_order_now WHERE deleted = 0
               AND state IN ('reported', 'assigned', 'responded', 'on_site') ORDER BY id",
        )
        .expect("query");
    let ids = st
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<Vec<String>, _>>()
        .expect("ids");
    assert!(ids.len() >= 2, "the demo has open work orders: {ids:?}");
    ids
}

/// A lane photo as a camera would take it (distinct per seed).
pub fn lane_photo(seed: u32) -> Vec<u8> {
    weibao::demo::reports::demo_photo(seed, chrono::Utc::now())
}

/// Take a photo for a work order on the laptop (offline: nothing is sent).
pub fn take_photo(laptop: &Laptop, wo: &str, bytes: &[u8], caption: &str) -> photos::Photo {
    let mut store = laptop.store();
    photos::attach(
        &mut store,
        &PhotoOwner::WorkOrder(wo.to_string()),
        bytes,
        Some(caption),
    )
    .expect("photo attached")
}

/// `weibao --json sync`: the summary.
#[track_caller]
pub fn sync_json(laptop: &Laptop, office: &Server, token: &str) -> (serde_json::Value, String) {
    let out = weibao(
        &laptop.db,
        &[
            "--json",
            "sync",
            "--server",
            &office.url,
            "--token",
            token,
            "--attempts",
            "2",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "weibao sync failed: {stderr}");
    let v = serde_json::from_slice(&out.stdout).expect("summary JSON");
    (v, stderr)
}

pub fn blob_url(office: &Server, sha: &str) -> String {
    format!("{}/sync/v1/blobs/{sha}", office.url)
}

/// A hand-made chunk upload: status, JSON answer, the offset header if any.
pub fn put_chunk(
    office: &Server,
    token: &str,
    sha: &str,
    offset: u64,
    total: u64,
    body: &[u8],
) -> (u16, serde_json::Value, Option<u64>) {
    let resp = request(Method::PUT, &blob_url(office, sha), Some(token))
        .header(OFFSET_HEADER, offset.to_string())
        .header(LENGTH_HEADER, total.to_string())
        .body(body.to_vec())
        .send()
        .expect("send");
    let status = resp.status().as_u16();
    let at = header(resp.headers(), OFFSET_HEADER);
    let v = resp.json().unwrap_or(serde_json::Value::Null);
    (status, v, at)
}

pub fn head(office: &Server, token: &str, sha: &str) -> (u16, reqwest::header::HeaderMap) {
    let resp = request(Method::HEAD, &blob_url(office, sha), Some(token))
        .send()
        .expect("send");
    (resp.status().as_u16(), resp.headers().clone())
}

pub fn header(h: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    h.get(name)?.to_str().ok()?.parse().ok()
}

pub fn blob_rows(store: &Store, sha: &str) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM blob WHERE sha256 = ?1", [sha], |r| {
            r.get(0)
        })
        .expect("count")
}

pub fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_in(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// A PNG of noise: large and incompressible, like a raw screenshot of a busy scene.
pub fn noisy_png(w: u32, h: u32) -> Vec<u8> {
    let mut state = 0x9E37_79B9u32;
    let img = image::RgbImage::from_fn(w, h, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [r, g, b, _] = state.to_le_bytes();
        image::Rgb([r, g, b])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

//! N simulated engineers pushing and pulling at once against one office process: each has a
//! laptop database of its own with a few real edits, pushes them (its first push binds its
//! laptop), then pulls a page.

use crate::Office;
use std::sync::Arc;
use std::time::{Duration, Instant};
use weibao::sync::{PROTOCOL_HEADER, PROTOCOL_VERSION, SCHEMA_HEADER};
use weibao::{Store, SystemClock};
use weibao_office::DataDir;

const EDITS: usize = 3;

struct Engineer {
    token: String,
    installation: String,
    push: Vec<u8>,
}

pub fn many_engineers(n: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = DataDir::new(&dir.path().join("office"));
    let t = Instant::now();
    let mut engineers = Vec::with_capacity(n);
    {
        let mut store = data.open_store().expect("office");
        weibao::demo::load(&mut store, None, &mut |_, _| {}).expect("demo");
        let mut auth = data.open_auth().expect("auth");
        for i in 0..n {
            let (_, token, _) = weibao_office::enrolment::add_engineer_with(
                &mut auth,
                &mut store,
                &format!("模拟工程师{i:04}"),
                "all",
                None,
            )
            .expect("engineer");
            let mut laptop =
                Store::open(&dir.path().join(format!("l{i}.db")), Arc::new(SystemClock))
                    .expect("laptop");
            for e in 0..EDITS {
                laptop
                    .write(|tx| weibao::org::add_company(tx, &format!("客户{i}-{e}"), None, None))
                    .expect("edit");
            }
            let batch = weibao::sync::outbox(&laptop, weibao::sync::PUSH_BATCH).expect("outbox");
            engineers.push(Engineer {
                token,
                installation: laptop.installation().to_string(),
                push: serde_json::to_vec(&batch).expect("json"),
            });
        }
    }
    println!(
        "load: {n} engineers with {EDITS} edits each set up in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let office = Office::start(&data.dir);
    let base = format!("http://127.0.0.1:{}", office.port);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client");
    let start = Instant::now();
    let results: Vec<(Result<Duration, String>, Result<Duration, String>)> = rt.block_on(async {
        let tasks: Vec<_> = engineers
            .into_iter()
            .map(|e| {
                let client = client.clone();
                let base = base.clone();
                tokio::spawn(async move {
                    let push = timed(
                        client
                            .post(format!("{base}/sync/v1/push"))
                            .header("content-type", "application/json")
                            .body(e.push),
                        &e.token,
                    )
                    .await;
                    let pull = timed(
                        client.get(format!(
                            "{base}/sync/v1/pull?after=0&limit=100&installation={}",
                            e.installation
                        )),
                        &e.token,
                    )
                    .await;
                    (push, pull)
                })
            })
            .collect();
        let mut out = Vec::with_capacity(tasks.len());
        for t in tasks {
            out.push(
                t.await
                    .unwrap_or_else(|e| (Err(e.to_string()), Err(String::new()))),
            );
        }
        out
    });
    let wall = start.elapsed();
    let mut errors = Vec::new();
    let mut push_ms = Vec::new();
    let mut pull_ms = Vec::new();
    for (push, pull) in results {
        match push {
            Ok(d) => push_ms.push(d.as_secs_f64() * 1000.0),
            Err(e) => errors.push(e),
        }
        match pull {
            Ok(d) => pull_ms.push(d.as_secs_f64() * 1000.0),
            Err(e) => errors.push(e),
        }
    }
    let requests = push_ms.len() + pull_ms.len();
    println!(
        "load: {n} engineers at once, {requests} requests ok in {:.2} s = {:.0} requests/s, {:.0} pushed changes/s; errors {}{}",
        wall.as_secs_f64(),
        requests as f64 / wall.as_secs_f64(),
        (push_ms.len() * EDITS) as f64 / wall.as_secs_f64(),
        errors.len(),
        errors.first().map(|e| format!(" (first: {e})")).unwrap_or_default()
    );
    for (what, v) in [("push", &mut push_ms), ("pull (100 changes)", &mut pull_ms)] {
        v.sort_by(f64::total_cmp);
        println!(
            "load: {what} latency p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            pct(v, 0.50),
            pct(v, 0.99),
            v.last().copied().unwrap_or(0.0)
        );
    }
    println!(
        "load: office peak RSS {:.0} MB",
        crate::peak_rss_mb(office.pid()).unwrap_or(0.0)
    );
}

async fn timed(req: reqwest::RequestBuilder, token: &str) -> Result<Duration, String> {
    let t = Instant::now();
    let resp = req
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .header(
            SCHEMA_HEADER,
            weibao::store::migrations::latest_version().to_string(),
        )
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)));
    }
    Ok(t.elapsed())
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

//! A fault-injecting HTTP/1.1 proxy between the core's sync client and the office, on a tokio
//! runtime of its own. It reads each request whole, decides its fate from a plan (one
//! [`Fault`] per request, in arrival order; then plain forwarding), and forwards it on a fresh
//! upstream connection with `Connection: close`, reading the office's answer whole. Framing is
//! its own in both directions (a body is de-chunked and sent with `Content-Length`), so a fault
//! can cut or shorten a body at an exact byte. Towards the client, connections are kept alive
//! as reqwest expects until a fault closes one. Nothing here knows the sync protocol: blob
//! uploads and downloads go through the same faults as pushes and pulls.

use crate::http::*;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// Thousandths of a body that get through a cut or truncation (always fewer bytes than sent).
pub type Permille = u16;

/// What the network, a middlebox or the office itself does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forwarded and answered as is.
    Pass,
    /// The request never reaches the office; the client's connection closes unanswered
    /// (Wi-Fi lost before the request got out).
    DropRequest,
    /// The office does the work, the answer is lost on the way back: the client cannot know
    /// whether its push was stored.
    DropAnswer,
    /// The request reaches the office twice at once (a retransmitting middlebox, a retry racing
    /// the first try); the client gets one of the answers.
    Duplicate,
    /// A slow link: a wait before forwarding and another before answering.
    Delay { before_ms: u16, after_ms: u16 },
    /// Held back: the client's connection is cut now and the request reaches the office late,
    /// after the next request (out of order, stale by then).
    Reorder,
    /// The connection dies mid-upload: part of the body reaches the office, then both
    /// connections close.
    CutRequest { keep: Permille },
    /// A broken middlebox passes a shortened body framed as complete: the office must refuse it
    /// whole (its answer is passed on).
    TruncateRequest { keep: Permille },
    /// The connection dies mid-download: the answer stops part-way.
    CutAnswer { keep: Permille },
    /// The answer arrives shortened but framed as complete: the client must not trust it.
    TruncateAnswer { keep: Permille },
    /// A gateway error (500, 502, 503), after the office did the work or without it.
    Gateway { status: u16, forwarded: bool },
    /// The office restarts: stopped and reopened on the same data folder and port, before the
    /// request reaches it, or while it is being handled (`mid`).
    Restart { mid: bool },
    /// The office is restored from its last backup before the request reaches it: it forgets
    /// what it stored since, changes it had acknowledged included.
    Restore,
    /// For the kill tests: stop at `At`, tell the test (`Proxy::wait_stall`) and wait for
    /// `Proxy::release` before going on.
    Stall(At),
}

/// Where a [`Fault::Stall`] stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The whole request arrived from the client; nothing reached the office yet.
    Received,
    /// Part of the body reached the office (an upload in progress).
    MidRequest { keep: Permille },
    /// The request was sent to the office; its answer is not read yet.
    Sent,
    /// The office answered; the answer is held from the client.
    Answered,
    /// Part of the answer reached the client.
    MidAnswer { keep: Permille },
}

/// A request stopped by a [`Fault::Stall`].
#[derive(Debug, Clone)]
pub struct Stalled {
    pub n: usize,
    pub method: String,
    pub path: String,
    pub at: At,
}

/// How one exchange ended, for the log.
enum Outcome {
    Answered(u16),
    Closed(&'static str),
}

/// What the proxy can do to the office itself.
#[derive(Debug, Clone, Copy)]
pub enum Mishap {
    Restart,
    Restore,
}

/// The office's side of [`Fault::Restart`] and [`Fault::Restore`].
pub type Control = Arc<dyn Fn(Mishap) + Send + Sync>;

struct Plan {
    faults: VecDeque<Fault>,
    /// Only requests whose path starts with this take a fault; the others pass.
    only: Option<String>,
}

struct Shared {
    upstream: SocketAddr,
    plan: Mutex<Plan>,
    control: Option<Control>,
    stash: Mutex<Option<(usize, Request)>>,
    log: Mutex<Vec<String>>,
    /// How long each answered exchange took, by path.
    took: Mutex<Vec<(String, Duration)>>,
    stalls: Mutex<mpsc::Sender<Stalled>>,
    release: Notify,
    seen: AtomicUsize,
    truncated: AtomicUsize,
}

pub struct Proxy {
    pub url: String,
    shared: Arc<Shared>,
    stalled: Mutex<mpsc::Receiver<Stalled>>,
    accept: tokio::task::JoinHandle<()>,
}

/// Longest a stall waits for `release`, and an upstream exchange for its answer: nothing in
/// a test hangs for ever.
const PATIENCE: Duration = Duration::from_secs(60);

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fault-proxy")
            .enable_all()
            .build()
            .expect("proxy runtime")
    })
}

impl Proxy {
    /// A proxy on a loopback port in front of `upstream`; `control` restarts or restores the
    /// office (without it, [`Fault::Restart`] and [`Fault::Restore`] just pass).
    pub fn start(upstream: SocketAddr, control: Option<Control>) -> Proxy {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("proxy bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("proxy addr");
        let (tx, rx) = mpsc::channel();
        let shared = Arc::new(Shared {
            upstream,
            plan: Mutex::new(Plan {
                faults: VecDeque::new(),
                only: None,
            }),
            control,
            stash: Mutex::new(None),
            log: Mutex::new(Vec::new()),
            took: Mutex::new(Vec::new()),
            stalls: Mutex::new(tx),
            release: Notify::new(),
            seen: AtomicUsize::new(0),
            truncated: AtomicUsize::new(0),
        });
        let s = shared.clone();
        let accept = runtime().spawn(async move {
            let l = TcpListener::from_std(listener).expect("proxy listener");
            while let Ok((stream, _)) = l.accept().await {
                tokio::spawn(serve_client(s.clone(), stream));
            }
        });
        Proxy {
            url: format!("http://{addr}"),
            shared,
            stalled: Mutex::new(rx),
            accept,
        }
    }

    /// The faults for the next requests, one each in arrival order; then plain forwarding.
    pub fn plan(&self, faults: impl IntoIterator<Item = Fault>) {
        self.set_plan(faults, None);
    }

    /// The same, counting only requests whose path starts with `prefix` (the others pass).
    pub fn plan_for(&self, prefix: &str, faults: impl IntoIterator<Item = Fault>) {
        self.set_plan(faults, Some(prefix.to_string()));
    }

    fn set_plan(&self, faults: impl IntoIterator<Item = Fault>, only: Option<String>) {
        let mut p = self.shared.plan.lock().expect("plan");
        p.faults = faults.into_iter().collect();
        p.only = only;
    }

    /// No more faults; a request held back for reordering reaches the office now.
    pub fn calm(&self) {
        self.shared.plan.lock().expect("plan").faults.clear();
        let shared = self.shared.clone();
        runtime().block_on(deliver_late(&shared));
    }

    /// The next request stopped by a [`Fault::Stall`], if one stops within `timeout`.
    pub fn wait_stall(&self, timeout: Duration) -> Option<Stalled> {
        self.stalled
            .lock()
            .expect("stalls")
            .recv_timeout(timeout)
            .ok()
    }

    /// Let a stalled request go on.
    pub fn release(&self) {
        self.shared.release.notify_one();
    }

    /// How many requests were shortened so far (a 400 from the office is then expected).
    pub fn truncated(&self) -> usize {
        self.shared.truncated.load(Ordering::SeqCst)
    }

    /// How long the answered requests to paths starting with `prefix` took, in order.
    pub fn took(&self, prefix: &str) -> Vec<Duration> {
        let took = self.shared.took.lock().expect("took");
        took.iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .map(|(_, d)| *d)
            .collect()
    }

    /// Every exchange so far, one line each (printed when a case fails).
    pub fn log(&self) -> String {
        self.shared.log.lock().expect("log").join("\n")
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.shared.release.notify_waiters();
    }
}

impl Shared {
    fn next_fault(&self, path: &str) -> Fault {
        let mut p = self.plan.lock().expect("plan");
        if p.only.as_deref().is_some_and(|pre| !path.starts_with(pre)) {
            return Fault::Pass;
        }
        p.faults.pop_front().unwrap_or(Fault::Pass)
    }

    fn note(&self, line: String) {
        self.log.lock().expect("log").push(line);
    }

    async fn stall(&self, n: usize, req: &Request, at: At) {
        let _ = self.stalls.lock().expect("stalls").send(Stalled {
            n,
            method: req.method.clone(),
            path: req.path().to_string(),
            at,
        });
        let _ = tokio::time::timeout(PATIENCE, self.release.notified()).await;
    }
}

async fn serve_client(shared: Arc<Shared>, stream: TcpStream) {
    let mut client = Conn::new(stream);
    loop {
        let req = match read_request(&mut client).await {
            Ok(Some(r)) => r,
            _ => return,
        };
        let n = shared.seen.fetch_add(1, Ordering::SeqCst);
        let fault = shared.next_fault(req.path());
        let started = Instant::now();
        let outcome = exchange(&shared, &mut client, n, &req, fault).await;
        if let Outcome::Answered(_) = outcome {
            let t = (req.path().to_string(), started.elapsed());
            shared.took.lock().expect("took").push(t);
        }
        let what = match outcome {
            Outcome::Answered(s) => format!("answered {s}"),
            Outcome::Closed(why) => format!("closed: {why}"),
        };
        shared.note(format!(
            "#{n} {} {}: {fault:?} → {what} ({} ms)",
            req.method,
            req.path(),
            started.elapsed().as_millis()
        ));
        if fault != Fault::Reorder {
            deliver_late(&shared).await;
        }
        if req.close || !matches!(outcome, Outcome::Answered(_)) {
            return;
        }
    }
}

/// A request held back by [`Fault::Reorder`] reaches the office now; its answer is dropped.
async fn deliver_late(shared: &Shared) {
    let held = shared.stash.lock().expect("stash").take();
    if let Some((n, req)) = held {
        let r = forward(shared.upstream, &req).await;
        let what = match r {
            Ok(a) => format!("office answered {}", a.status),
            Err(e) => format!("failed: {e}"),
        };
        shared.note(format!("#{n} delivered late: {what}"));
    }
}

async fn exchange(
    shared: &Shared,
    client: &mut Conn,
    n: usize,
    req: &Request,
    fault: Fault,
) -> Outcome {
    let up = shared.upstream;
    let answer = |a: Answer| answer_with(a, req.close);
    match fault {
        Fault::Pass => pass(shared, client, req).await,
        Fault::DropRequest => Outcome::Closed("request dropped"),
        Fault::DropAnswer => {
            let _ = forward(up, req).await;
            Outcome::Closed("answer dropped")
        }
        Fault::Duplicate => {
            let (a, b) = tokio::join!(forward(up, req), forward(up, req));
            match b.or(a) {
                Ok(a) => reply(shared, client, answer(a), &req.method).await,
                Err(_) => Outcome::Closed("office unreachable"),
            }
        }
        Fault::Delay {
            before_ms,
            after_ms,
        } => {
            tokio::time::sleep(Duration::from_millis(before_ms.into())).await;
            let a = forward(up, req).await;
            tokio::time::sleep(Duration::from_millis(after_ms.into())).await;
            match a {
                Ok(a) => reply(shared, client, answer(a), &req.method).await,
                Err(_) => Outcome::Closed("office unreachable"),
            }
        }
        Fault::Reorder => {
            // Only one request is held at a time; an older one is delivered first.
            let older = shared
                .stash
                .lock()
                .expect("stash")
                .replace((n, req.clone()));
            if let Some((m, old)) = older {
                let _ = forward(up, &old).await;
                shared.note(format!("#{m} delivered late (displaced)"));
            }
            Outcome::Closed("held back for later")
        }
        Fault::CutRequest { keep } => {
            if let Ok(mut s) = TcpStream::connect(up).await {
                let bytes = request_bytes(req);
                let head = bytes.len() - req.body.len();
                let _ = s
                    .write_all(&bytes[..head + part(req.body.len(), keep)])
                    .await;
            }
            Outcome::Closed("cut mid-upload")
        }
        Fault::TruncateRequest { keep } => {
            let mut short = req.clone();
            short.body.truncate(part(req.body.len(), keep));
            if short.body.len() < req.body.len() {
                shared.truncated.fetch_add(1, Ordering::SeqCst);
            }
            match forward(up, &short).await {
                Ok(a) => reply(shared, client, answer(a), &req.method).await,
                Err(_) => Outcome::Closed("office unreachable"),
            }
        }
        Fault::CutAnswer { keep } => match forward(up, req).await {
            Ok(a) => {
                let bytes = answer_bytes(&a, a.body.len(), true, &req.method);
                let head = bytes.len() - a.body.len();
                let _ = client
                    .s
                    .write_all(&bytes[..head + part(a.body.len(), keep)])
                    .await;
                Outcome::Closed("cut mid-download")
            }
            Err(_) => Outcome::Closed("office unreachable"),
        },
        Fault::TruncateAnswer { keep } => match forward(up, req).await {
            Ok(mut a) => {
                a.body.truncate(part(a.body.len(), keep));
                reply(shared, client, answer(a), &req.method).await
            }
            Err(_) => Outcome::Closed("office unreachable"),
        },
        Fault::Gateway { status, forwarded } => {
            if forwarded {
                let _ = forward(up, req).await;
            }
            let body = format!("<html><body><h1>{status} gateway error</h1></body></html>");
            let a = Answer {
                status,
                reason: "Gateway Error".into(),
                headers: vec![("content-type".into(), "text/html".into())],
                body: body.into_bytes(),
            };
            reply(shared, client, answer(a), &req.method).await
        }
        Fault::Restart { .. } | Fault::Restore => {
            let Some(control) = shared.control.clone() else {
                return pass(shared, client, req).await;
            };
            let mishap = match fault {
                Fault::Restore => Mishap::Restore,
                _ => Mishap::Restart,
            };
            if fault != (Fault::Restart { mid: true }) {
                let _ = tokio::task::spawn_blocking(move || control(mishap)).await;
                return pass(shared, client, req).await;
            }
            let Ok(mut s) = send(up, req).await else {
                return Outcome::Closed("office unreachable");
            };
            let restarting = tokio::task::spawn_blocking(move || control(mishap));
            let a = receive(&mut s, &req.method).await;
            let _ = restarting.await;
            match a {
                Ok(a) => reply(shared, client, answer(a), &req.method).await,
                Err(_) => Outcome::Closed("office restarted mid-request"),
            }
        }
        Fault::Stall(at) => stall(shared, client, n, req, at).await,
    }
}

async fn stall(shared: &Shared, client: &mut Conn, n: usize, req: &Request, at: At) -> Outcome {
    if at == At::Received {
        shared.stall(n, req, at).await;
    }
    let sent = match at {
        At::MidRequest { keep } => send_in_two(shared, client, n, req, keep).await,
        _ => send(shared.upstream, req).await,
    };
    let Ok(mut s) = sent else {
        return Outcome::Closed("not sent whole");
    };
    if at == At::Sent {
        shared.stall(n, req, at).await;
    }
    let a = match receive(&mut s, &req.method).await {
        Ok(a) => answer_with(a, req.close),
        Err(_) => return Outcome::Closed("office gone before answering"),
    };
    if at == At::Answered {
        shared.stall(n, req, at).await;
    }
    if let At::MidAnswer { keep } = at {
        let bytes = answer_bytes(&a, a.body.len(), req.close, &req.method);
        let cut = bytes.len() - a.body.len() + part(a.body.len(), keep);
        if client.s.write_all(&bytes[..cut]).await.is_err() {
            return Outcome::Closed("client gone");
        }
        shared.stall(n, req, at).await;
        return match client.s.write_all(&bytes[cut..]).await {
            Ok(()) => Outcome::Answered(a.status),
            Err(_) => Outcome::Closed("client gone"),
        };
    }
    reply(shared, client, a, &req.method).await
}

/// Part of the body to the office, a stall, then the rest, unless the client died meanwhile
/// (then the upload stops there, as it would have).
async fn send_in_two(
    shared: &Shared,
    client: &Conn,
    n: usize,
    req: &Request,
    keep: Permille,
) -> std::io::Result<Conn> {
    let mut s = TcpStream::connect(shared.upstream).await?;
    let bytes = request_bytes(req);
    let cut = bytes.len() - req.body.len() + part(req.body.len(), keep);
    s.write_all(&bytes[..cut]).await?;
    shared.stall(n, req, At::MidRequest { keep }).await;
    if gone(client).await {
        return Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "the client died mid-upload",
        ));
    }
    s.write_all(&bytes[cut..]).await?;
    Ok(Conn::new(s))
}

/// Whether the client closed its connection (a killed process's socket reads as closed).
async fn gone(client: &Conn) -> bool {
    let mut byte = [0u8; 1];
    let peek = tokio::time::timeout(Duration::from_millis(20), client.s.peek(&mut byte));
    matches!(peek.await, Ok(Ok(0) | Err(_)))
}

/// `keep` thousandths of `len`, always fewer than `len` when there is anything.
fn part(len: usize, keep: Permille) -> usize {
    (len * usize::from(keep.min(999)) / 1000).min(len.saturating_sub(1))
}

/// The answer as the client will get it: framed by us, closing if the client asked to.
fn answer_with(mut a: Answer, close: bool) -> Answer {
    if close {
        a.headers.push(("connection".into(), "close".into()));
    }
    a
}

async fn pass(shared: &Shared, client: &mut Conn, req: &Request) -> Outcome {
    match forward(shared.upstream, req).await {
        Ok(a) => reply(shared, client, answer_with(a, req.close), &req.method).await,
        Err(_) => Outcome::Closed("office unreachable"),
    }
}

/// Answer the client; a request held back for reordering reaches the office first (so it
/// lands after the one just answered, before the client can send another).
async fn reply(shared: &Shared, client: &mut Conn, a: Answer, method: &str) -> Outcome {
    deliver_late(shared).await;
    let bytes = answer_bytes(&a, a.body.len(), false, method);
    match client.s.write_all(&bytes).await {
        Ok(()) => Outcome::Answered(a.status),
        Err(_) => Outcome::Closed("client gone"),
    }
}

async fn forward(up: SocketAddr, req: &Request) -> std::io::Result<Answer> {
    let mut s = send(up, req).await?;
    receive(&mut s, &req.method).await
}

/// A fresh connection to the office carrying `req` (`Connection: close`).
async fn send(up: SocketAddr, req: &Request) -> std::io::Result<Conn> {
    let mut s = TcpStream::connect(up).await?;
    s.write_all(&request_bytes(req)).await?;
    Ok(Conn::new(s))
}

async fn receive(s: &mut Conn, method: &str) -> std::io::Result<Answer> {
    tokio::time::timeout(PATIENCE, read_answer(s, method))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer"))?
}

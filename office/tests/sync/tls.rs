//! HTTPS off loopback: the real `weibao-office serve` with a certificate file, a laptop that
//! trusts the office's own CA, and what is refused.

use crate::harness::{office_bin, weibao, Laptop};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A CA and a server certificate for 127.0.0.1 and localhost, made with openssl.
fn certificates(dir: &Path) {
    let run = |args: &[&str]| {
        let st = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stderr(Stdio::null())
            .status()
            .expect("openssl (apt-get install openssl)");
        assert!(st.success(), "openssl {args:?}");
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "30",
        "-subj",
        "/CN=weibao test office CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .expect("ext");
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "30",
        "-extfile",
        "san.ext",
    ]);
}

struct Running(std::process::Child);
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

#[test]
fn a_laptop_enrols_and_syncs_over_https_with_the_offices_own_ca() {
    let dir = tempfile::tempdir().expect("tempdir");
    certificates(dir.path());
    let data = dir.path().join("office");
    let office = |args: &[&str]| {
        Command::new(office_bin())
            .arg("--data")
            .arg(&data)
            .args(args)
            .output()
            .expect("weibao-office")
    };
    assert!(office(&["demo"]).status.success());
    let added = office(&["engineer", "add", "王新", "--sites", "all"]);
    assert!(added.status.success());
    let token = String::from_utf8_lossy(&added.stdout)
        .lines()
        .last()
        .expect("token")
        .to_string();

    // A bad key file is refused naming the option, before listening.
    let cert = dir.path().join("server.pem").display().to_string();
    let out = office(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        &cert,
        "--tls-key",
        "/nope.key",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("tls-key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Off loopback without TLS is refused.
    let out = office(&["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs HTTPS"));

    let port = free_port();
    let _server = Running(
        Command::new(office_bin())
            .arg("--data")
            .arg(&data)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--tls-cert")
            .arg(dir.path().join("server.pem"))
            .arg("--tls-key")
            .arg(dir.path().join("server.key"))
            .stderr(Stdio::null())
            .spawn()
            .expect("serve"),
    );
    let url = format!("https://127.0.0.1:{port}");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the office never listened"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let laptop = Laptop::new();
    // Without the office CA the certificate is not trusted: refused, nothing enrolled.
    let out = weibao(
        &laptop.db,
        &[
            "enrol",
            "--server",
            &url,
            "--token",
            &token,
            "--attempts",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("offline"));
    assert!(weibao::sync::enrol::saved(&laptop.store())
        .expect("saved")
        .is_none());
    // Plain HTTP to another computer is refused before anything is sent.
    let out = weibao(
        &laptop.db,
        &[
            "enrol",
            "--server",
            "http://192.0.2.1:8470",
            "--token",
            &token,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("server"));

    let ca = dir.path().join("ca.pem");
    let ca = ca.display().to_string();
    let out = weibao(
        &laptop.db,
        &[
            "enrol",
            "--server",
            &url,
            "--token",
            &token,
            "--ca-cert",
            &ca,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The CA is kept: a later sync needs no options.
    laptop
        .store()
        .write(|tx| weibao::org::add_company(tx, "经 HTTPS 同步的公司", None, None))
        .expect("edit");
    let out = weibao(&laptop.db, &["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let office_db = weibao::Store::open(
        &data.join("office.db"),
        std::sync::Arc::new(weibao::SystemClock),
    )
    .expect("office db");
    let n: i64 = office_db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM company WHERE name = '经 HTTPS 同步的公司'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(n, 1);
}

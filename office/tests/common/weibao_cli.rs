// The `weibao` CLI built into the target folder of the running test or bench, in its profile
// (debug for tests, release for benches), once per process: tests and benches run the real
// laptop binary, and `cargo test -p weibao-office` alone does not build another package's
// binaries. Included (`include!`) by `tests/sync/harness.rs` and `benches/sync_load/main.rs`.

/// The path of the `weibao` CLI beside the running executable, built on first use.
pub fn weibao_bin() -> &'static std::path::Path {
    static BIN: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        // target/<profile>/deps/<exe> → target/<profile> → target
        let exe = std::env::current_exe().expect("test exe");
        let profile = exe
            .parent()
            .and_then(std::path::Path::parent)
            .expect("profile dir");
        let target = profile.parent().expect("target dir");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut cargo = std::process::Command::new(env!("CARGO"));
        cargo
            .current_dir(&root)
            .args(["build", "-q", "-p", "weibao", "--bin", "weibao"]);
        if profile.file_name().is_some_and(|n| n == "release") {
            cargo.arg("--release");
        }
        let status = cargo
            .arg("--target-dir")
            .arg(target)
            .status()
            .expect("cargo build weibao");
        assert!(status.success(), "building the weibao CLI failed");
        profile.join(format!("weibao{}", std::env::consts::EXE_SUFFIX))
    })
}

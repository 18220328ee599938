//! What the fuzz targets share: scratch files, the carrier JPEG of the EXIF target, the footer
//! repair of change-set inputs, and the seeded SQLite store with its digest.
//!
//! Scratch files go under `$TMPDIR` (scripts/fuzz.sh points it at a directory of its own, on
//! /dev/shm when there is one, and removes it afterwards).

use std::cell::RefCell;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};
use weibao::{FakeClock, Store};

/// The seeded store kept in the repository (see `fuzz/README.md` for how it was made).
pub const SEED_STORE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seed/store.sqlite");

/// The clock of every store a target opens: a day after the seed and the corpus were made, so
/// their stamps are in the past and a fuzzed stamp far ahead is held, the same on every run.
pub fn fuzz_clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::new(
        Utc.with_ymd_and_hms(2026, 12, 2, 2, 0, 0)
            .single()
            .expect("a valid time"),
    ))
}

/// `WEIBAO_FUZZ_VERBOSE=1`: targets say what each input did (run a target on single files to
/// see whether they reach the part you care about).
pub fn verbose() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("WEIBAO_FUZZ_VERBOSE").is_some_and(|v| v == "1"))
}

/// This process's scratch directory.
pub fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("weibao-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    })
}

/// Write `bytes` to the scratch file `name` and return its path.
pub fn scratch_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch_dir().join(name);
    std::fs::write(&path, bytes).expect("scratch file");
    path
}

/// A valid 16×8 baseline JPEG (made once with the same encoder the import uses).
fn carrier_jpeg() -> &'static [u8] {
    static JPEG: OnceLock<Vec<u8>> = OnceLock::new();
    JPEG.get_or_init(|| {
        let img =
            image::RgbImage::from_fn(16, 8, |x, y| image::Rgb([x as u8 * 16, y as u8 * 32, 90]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Jpeg)
            .expect("encode the carrier JPEG");
        out.into_inner()
    })
}

/// The carrier JPEG with `exif` (cut to what one segment holds) as its APP1 "Exif" segment,
/// right after the start-of-image marker, where cameras put it.
pub fn jpeg_with_exif(exif: &[u8]) -> Vec<u8> {
    const PREFIX: &[u8] = b"Exif\0\0";
    let body = &exif[..exif.len().min(usize::from(u16::MAX) - 2 - PREFIX.len())];
    let len = u16::try_from(2 + PREFIX.len() + body.len()).expect("fits a segment");
    let carrier = carrier_jpeg();
    let mut out = Vec::with_capacity(carrier.len() + body.len() + 16);
    out.extend_from_slice(&carrier[..2]); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(PREFIX);
    out.extend_from_slice(body);
    out.extend_from_slice(&carrier[2..]);
    out
}

/// The lines of `data` as `BufRead::lines` splits them (on `\n`, a trailing `\r` dropped).
fn lines(data: &[u8]) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if data.ends_with(b"\n") || data.is_empty() {
        out.pop();
    }
    out.into_iter()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect()
}

/// The input with its last line replaced by a footer that matches the lines before it (a
/// last line that is not a footer is kept): count and SHA-256 of the change lines. Without
/// this, almost every mutation of a change would stop at the checksum.
pub fn with_footer(data: &[u8]) -> Vec<u8> {
    let mut lines = lines(data);
    if lines.len() > 1 {
        let last = lines[lines.len() - 1];
        let is_footer =
            last.starts_with(b"{\"end\"") || last.windows(8).any(|w| w == b"\"sha256\"");
        if is_footer {
            lines.pop();
        }
    }
    let mut out = Vec::with_capacity(data.len() + 128);
    let mut hash = Sha256::new();
    for (i, line) in lines.iter().enumerate() {
        out.extend_from_slice(line);
        out.push(b'\n');
        if i > 0 {
            hash.update(line);
            hash.update(b"\n");
        }
    }
    let count = lines.len().saturating_sub(1);
    let footer = format!(
        "{{\"end\":true,\"count\":{count},\"until\":{count},\"sha256\":\"{}\"}}\n",
        hex::encode(hash.finalize())
    );
    out.extend_from_slice(footer.as_bytes());
    out
}

/// What must not change when an import fails: the number of logged changes and a SHA-256 over
/// every row of every table (rows in any order: each row is hashed, the row hashes sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreDigest {
    pub change_log: i64,
    pub rows: usize,
    pub sha256: String,
}

impl StoreDigest {
    pub fn of(store: &Store) -> StoreDigest {
        let conn = store.conn();
        let change_log = conn
            .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
            .expect("count the change log");
        let mut tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
            .expect("list the tables");
        tables.retain(|t| !t.starts_with("sqlite_"));
        let mut all = Sha256::new();
        let mut rows = 0;
        for table in tables {
            let mut st = conn
                .prepare(&format!("SELECT * FROM \"{table}\""))
                .expect("read a table");
            let n = st.column_count();
            let mut hashes = Vec::new();
            let mut q = st.query([]).expect("query a table");
            while let Some(row) = q.next().expect("a row") {
                let mut h = Sha256::new();
                for i in 0..n {
                    match row.get_ref(i).expect("a value") {
                        ValueRef::Null => h.update([0]),
                        ValueRef::Integer(v) => {
                            h.update([1]);
                            h.update(v.to_le_bytes());
                        }
                        ValueRef::Real(v) => {
                            h.update([2]);
                            h.update(v.to_bits().to_le_bytes());
                        }
                        ValueRef::Text(b) | ValueRef::Blob(b) => {
                            h.update([3]);
                            h.update((b.len() as u64).to_le_bytes());
                            h.update(b);
                        }
                    }
                }
                hashes.push(h.finalize());
            }
            hashes.sort();
            rows += hashes.len();
            all.update(table.as_bytes());
            all.update((hashes.len() as u64).to_le_bytes());
            for h in hashes {
                all.update(h);
            }
        }
        StoreDigest {
            change_log,
            rows,
            sha256: hex::encode(all.finalize()),
        }
    }
}

/// Copy the seed store to `dest` (no WAL beside it) and open it with the fuzz clock.
fn open_copy(from: &Path, dest: &Path) -> Store {
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", dest.display()));
    }
    std::fs::copy(from, dest).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    Store::open(dest, fuzz_clock()).expect("open the seeded store")
}

/// The seed store migrated to this build's schema, checkpointed and closed: what every
/// store of this process starts from.
fn pristine_file() -> &'static Path {
    static PRISTINE: OnceLock<PathBuf> = OnceLock::new();
    PRISTINE.get_or_init(|| {
        let path = scratch_dir().join("pristine.sqlite");
        let store = open_copy(Path::new(SEED_STORE), &path);
        drop(store); // the last connection closing checkpoints the WAL into the file
        path
    })
}

thread_local! {
    static READ_STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
    static IMPORT_STORE: RefCell<Option<ImportStore>> = const { RefCell::new(None) };
}

/// Run `f` on a copy of the seed store that the target only reads (opened once).
pub fn with_seed_store<T>(name: &str, f: impl FnOnce(&Store) -> T) -> T {
    READ_STORE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let store = slot.get_or_insert_with(|| {
            open_copy(
                pristine_file(),
                &scratch_dir().join(format!("{name}.sqlite")),
            )
        });
        f(store)
    })
}

/// The store an import target writes to, and what it held before the input.
pub struct ImportStore {
    pub store: Store,
    /// The digest of the pristine copy.
    pub pristine: StoreDigest,
    /// The connection's change counter when this input started.
    changes_before: u64,
}

impl ImportStore {
    /// Panic unless the store is exactly as before this input. SQLite's change counter
    /// (`total_changes`: every row inserted, updated or deleted on this connection, rolled
    /// back or not) says cheaply that no statement touched a row; if any did, every row is
    /// compared.
    pub fn assert_pristine(&self, what: &str) {
        if self.store.conn().total_changes() == self.changes_before {
            return;
        }
        let now = StoreDigest::of(&self.store);
        assert_eq!(now, self.pristine, "{what}");
    }
}

/// Run `f` on the import store. When `f` returns true (it changed the store on purpose), the
/// store is put back to the pristine copy before the next input: every input starts from the
/// same state, so a finding reproduces from its input alone.
pub fn with_import_store(f: impl FnOnce(&mut ImportStore) -> bool) {
    IMPORT_STORE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let path = scratch_dir().join("import.sqlite");
        let s = slot.get_or_insert_with(|| {
            let store = open_copy(pristine_file(), &path);
            let pristine = StoreDigest::of(&store);
            ImportStore {
                store,
                pristine,
                changes_before: 0,
            }
        });
        s.changes_before = s.store.conn().total_changes();
        if f(s) {
            // Close the changed store before its file is replaced.
            let pristine = slot.take().expect("the store").pristine;
            let store = open_copy(pristine_file(), &path);
            *slot = Some(ImportStore {
                store,
                pristine,
                changes_before: 0,
            });
        }
    });
}

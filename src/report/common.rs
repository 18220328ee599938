//! Small pieces the report modules share: where `resources/` is, registering a stored blob in
//! the same transaction as the row that names it, and the local wall-clock time reports print.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, Utc};
use rusqlite::OptionalExtension;

use crate::store::Tx;
use crate::Result;

/// Where fonts and branding are looked up: `$WEIBAO_RESOURCES`, then near the executable (see
/// [`resources_near`]), then the source tree this binary was built from. The font is 16 MB, so
/// it is shipped beside the binary rather than compiled into it.
pub fn resources_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("WEIBAO_RESOURCES") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| resources_near(&exe))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("resources"))
}

/// The resources of an executable at `exe`, if they hold the report font: `resources/` beside
/// it or up to three levels up (a copied or `target/`-built binary), or
/// `PREFIX/share/weibao/resources` for a binary in `PREFIX/bin` (the Debian package installs
/// `/usr/bin/weibao`, `/usr/bin/weibao-app` and `/usr/share/weibao/resources/`).
fn resources_near(exe: &Path) -> Option<PathBuf> {
    let font = crate::report::render::FONT_FILE;
    exe.ancestors()
        .skip(1)
        .take(4)
        .flat_map(|dir| [dir.join("resources"), dir.join("share/weibao/resources")])
        .find(|candidate| candidate.join(font).is_file())
}

/// Record that a blob is complete on disk (it was fsynced and renamed by `BlobStore::put`
/// before this runs). Idempotent: the same bytes stored twice are one blob.
pub(crate) fn register_blob(tx: &Tx, sha256: &str, size: usize, mime: &str) -> Result<()> {
    let size = i64::try_from(size).unwrap_or(i64::MAX);
    tx.conn().execute(
        "INSERT OR IGNORE INTO blob (sha256, size, mime, created_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![sha256, size, mime, tx.now().to_rfc3339()],
    )?;
    Ok(())
}

/// China Standard Time: reports print the time on the clock at the lane, and the store's
/// typed-in times are read as CST too (`work_orders::parse_time`).
pub(crate) fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// A stored RFC 3339 instant as the local time printed on a report.
pub(crate) fn local(rfc3339: Option<&str>) -> Option<NaiveDateTime> {
    let t = DateTime::parse_from_rfc3339(rfc3339?).ok()?;
    Some(t.with_timezone(&cst()).naive_local())
}

/// An instant as China Standard Time wall-clock time, as reports print it.
pub fn local_time(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&cst()).naive_local()
}

/// The one work order an inspection's report is carried by, if it has been opened.
pub(crate) fn inspection_of_work_order(
    conn: &rusqlite::Connection,
    work_order_id: &str,
) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT inspection_id FROM inspection_work_order WHERE work_order_id = ?1 AND deleted = 0",
            [work_order_id],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put_font(resources: &Path) {
        let font = resources.join(crate::report::render::FONT_FILE);
        std::fs::create_dir_all(font.parent().expect("the font path has a folder"))
            .expect("create the fonts folder");
        std::fs::write(font, b"stand-in").expect("write a stand-in font");
    }

    #[test]
    fn an_installed_binary_finds_prefix_share_weibao_resources() {
        let root = tempfile::tempdir().expect("temp dir");
        let usr = root.path().join("usr");
        put_font(&usr.join("share/weibao/resources"));
        let found = resources_near(&usr.join("bin/weibao"));
        assert_eq!(found, Some(usr.join("share/weibao/resources")));
    }

    #[test]
    fn resources_beside_the_binary_come_first_and_no_font_means_none() {
        let root = tempfile::tempdir().expect("temp dir");
        let bin = root.path().join("bin");
        assert_eq!(resources_near(&bin.join("weibao")), None);
        put_font(&root.path().join("share/weibao/resources"));
        put_font(&bin.join("resources"));
        assert_eq!(
            resources_near(&bin.join("weibao")),
            Some(bin.join("resources"))
        );
    }
}

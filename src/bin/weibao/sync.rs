//! `weibao changes …` and `weibao conflicts …`: change sets as files (a USB stick where no
//! network reaches) and the conflicts a merge leaves for a person.

use crate::{output, Ctx};
use clap::Subcommand;
use std::path::PathBuf;
use weibao::Error;

#[derive(Subcommand)]
pub enum ChangesCmd {
    /// Write this database's change log (own and relayed changes) to a file.
    Export {
        /// Only changes after this local position (the `until` of the previous export).
        #[arg(long, default_value_t = 0)]
        since: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Apply a change-set file: all of it or nothing; a change already here is skipped.
    Import {
        file: PathBuf,
        /// Hold changes stamped more than this many hours ahead of this machine's clock.
        #[arg(long, default_value_t = weibao::store::DEFAULT_MAX_SKEW_HOURS)]
        max_skew_hours: i64,
    },
}

#[derive(Subcommand)]
pub enum ConflictsCmd {
    /// Open conflicts (with --all, resolved ones too).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Record that a conflict was dealt with (synced to every replica).
    Resolve {
        key: String,
        #[arg(long)]
        note: String,
    },
}

pub fn changes(ctx: &mut Ctx, c: ChangesCmd) -> Result<(), Error> {
    match c {
        ChangesCmd::Export { since, out } => {
            let e = weibao::store::changeset::export(&ctx.store, since, &out)?;
            output::emit(ctx, &e, || {
                format!(
                    "已导出 {} 条变更到 {}（下次用 --since {}）\n",
                    e.count,
                    out.display(),
                    e.until
                )
            })
        }
        ChangesCmd::Import {
            file,
            max_skew_hours,
        } => {
            // An hour count too large for a duration is out of range like any other too large.
            let skew =
                chrono::Duration::try_hours(max_skew_hours).unwrap_or(chrono::TimeDelta::MAX);
            ctx.store.set_max_skew(skew)?;
            let r = weibao::store::changeset::import(&mut ctx.store, &file)?;
            output::emit(ctx, &r, || {
                format!(
                    "已导入 {}：应用 {}，已有 {}，冲突 {}，暂存 {}，补上 {}\n",
                    file.display(),
                    r.applied,
                    r.duplicates,
                    r.conflicts,
                    r.held,
                    r.released
                )
            })
        }
    }
}

pub fn conflicts(ctx: &mut Ctx, c: Option<ConflictsCmd>) -> Result<(), Error> {
    match c.unwrap_or(ConflictsCmd::List { all: false }) {
        ConflictsCmd::List { all } => {
            let list = weibao::conflicts::list(&ctx.store, all)?;
            output::emit(ctx, &list, || {
                if list.is_empty() {
                    return "没有待处理的冲突\n".into();
                }
                let mut s = String::new();
                for c in &list {
                    s.push_str(&format!(
                        "{}\n  {}\n  处理：{}\n{}",
                        c.key,
                        c.message,
                        c.action,
                        c.resolution
                            .as_ref()
                            .map(|r| format!("  已解决：{r}\n"))
                            .unwrap_or_default()
                    ));
                }
                s
            })
        }
        ConflictsCmd::Resolve { key, note } => {
            weibao::conflicts::resolve(&mut ctx.store, &key, &note)?;
            output::emit(ctx, &serde_json::json!({ "resolved": key }), || {
                format!("已解决：{key}\n")
            })
        }
    }
}

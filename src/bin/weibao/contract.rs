//! `weibao contract …`: the contracts on record, and their terms (合同条款) as a TOML document
//! to read, edit and save back. The rules are the core's (`weibao::contract_terms`).

use std::path::PathBuf;

use crate::output::{emit, table};
use crate::Ctx;
use clap::Subcommand;
use serde::Serialize;
use weibao::Error;

/// The largest terms file read: a contract's terms are a few kilobytes.
const MAX_TERMS_BYTES: u64 = 1024 * 1024;

#[derive(Subcommand)]
pub enum ContractCmd {
    /// Every contract: number, customer, period, calendars, the clocks it promises.
    List,
    /// A contract's terms as TOML (fault levels, calendars, limits, billing, exclusions); with
    /// --set, save an edited file (`-` reads standard input). Nothing is saved unless every
    /// rule holds; the error names the key and its line.
    Terms {
        /// Number (HT-2026-001) or id.
        contract: String,
        #[arg(long, value_name = "FILE")]
        set: Option<PathBuf>,
    },
}

#[derive(Serialize)]
struct Saved<'a> {
    contract: &'a str,
    changed: Vec<&'static str>,
}

fn read(path: &std::path::Path) -> Result<String, Error> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map_err(|e| {
            Error::invalid(
                "contract.terms",
                format!("无法读取标准输入：{e}"),
                format!("cannot read standard input: {e}"),
            )
        })?;
        return Ok(s);
    }
    weibao::files::read_text("contract.terms", path, MAX_TERMS_BYTES)
}

pub fn run(ctx: &mut Ctx, cmd: ContractCmd) -> Result<(), Error> {
    match cmd {
        ContractCmd::List => {
            let all = weibao::contracts::contracts(&ctx.store)?;
            emit(ctx, &all, || {
                table(
                    &["编号", "名称", "期间", "服务日历", "另含时限", "站点数"],
                    all.iter().map(|c| {
                        let clocks: Vec<&str> = [
                            c.sla.repair.as_ref().map(|_| "修复"),
                            c.sla.part.as_ref().map(|_| "部件"),
                            c.sla.spare_unit.as_ref().map(|_| "备机"),
                            c.sla.emergency.as_ref().map(|_| "紧急"),
                        ]
                        .into_iter()
                        .flatten()
                        .collect();
                        vec![
                            c.number.clone(),
                            c.name.clone(),
                            format!("{} – {}", c.start_date, c.end_date),
                            c.hotline_calendar().to_string(),
                            clocks.join("、"),
                            c.site_ids.len().to_string(),
                        ]
                    }),
                )
            })
        }
        ContractCmd::Terms {
            contract,
            set: None,
        } => {
            let text = weibao::contract_terms::to_toml(ctx.store.conn(), &contract)?;
            let parsed = weibao::contract_terms::parse(&text)?;
            emit(ctx, &parsed, || text.clone())
        }
        ContractCmd::Terms {
            contract,
            set: Some(path),
        } => {
            let text = read(&path)?;
            let changed = ctx
                .store
                .write(|tx| weibao::contract_terms::set(tx, &contract, &text))?;
            let saved = Saved {
                contract: &contract,
                changed,
            };
            emit(ctx, &saved, || {
                if saved.changed.is_empty() {
                    format!("合同 {contract} 条款未变 / unchanged\n")
                } else {
                    format!(
                        "合同 {contract} 已保存 / saved: {}\n",
                        saved.changed.join(", ")
                    )
                }
            })
        }
    }
}

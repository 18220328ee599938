//! `weibao import|export`: the inventory spreadsheets (台账), as `weibao-office` has them.

use crate::output::emit;
use crate::Ctx;
use clap::Args;
use std::path::PathBuf;
use weibao::inventory::{self, Format, ImportOptions, Kind, TextEncoding};
use weibao::Error;

#[derive(Args)]
pub struct ImportArgs {
    /// .xlsx or .csv files, or folders of them.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// What a CSV file holds (customers, sites, lanes, devices, contracts or 客户 …); for a
    /// workbook, import only that sheet.
    #[arg(long)]
    kind: Option<String>,
    /// Check and report what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
pub struct ExportArgs {
    /// A .xlsx file, or a folder for CSV.
    #[arg(long)]
    out: PathBuf,
    /// xlsx or csv (default: xlsx when --out ends in .xlsx, else csv).
    #[arg(long)]
    format: Option<String>,
    /// CSV text encoding: utf8 (with the BOM Excel needs, the default) or gbk.
    #[arg(long, default_value = "utf8")]
    encoding: String,
}

pub fn import(ctx: &mut Ctx, a: ImportArgs) -> Result<(), Error> {
    let opts = ImportOptions {
        kind: a.kind.as_deref().map(Kind::parse).transpose()?,
        dry_run: a.dry_run,
    };
    let sum = inventory::import(&mut ctx.store, &a.files, opts)?;
    emit(ctx, &sum, || lines(sum.lines()))
}

pub fn export(ctx: &mut Ctx, a: ExportArgs) -> Result<(), Error> {
    let format = a.format.as_deref().map(Format::parse).transpose()?;
    let encoding = TextEncoding::parse(&a.encoding)?;
    let sum = inventory::export(&ctx.store, &a.out, format, encoding)?;
    emit(ctx, &sum, || lines(sum.lines()))
}

fn lines(lines: Vec<String>) -> String {
    lines.into_iter().map(|l| l + "\n").collect()
}

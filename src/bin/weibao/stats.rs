//! `weibao stats`: the customer's quarterly statistics, on screen or as the files sent to the
//! customer (statistics, fault register, common faults and remedies), from `weibao::stats`.

use std::path::PathBuf;

use crate::output::{emit, table};
use crate::Ctx;
use clap::Args;
use weibao::stats::{self, ExportFormat, Scope, Stats};
use weibao::Error;

#[derive(Args)]
pub struct StatsArgs {
    /// The customer (name or id).
    #[arg(long)]
    customer: String,
    /// Only this site (name or id).
    #[arg(long)]
    site: Option<String>,
    /// A quarter: 2026Q3. Or give --from and --to.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    quarter: Option<String>,
    #[arg(long, requires = "to")]
    from: Option<String>,
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// Write the statistics, the fault register and the common faults table: a .xlsx
    /// workbook, or a folder of CSV files.
    #[arg(long)]
    out: Option<PathBuf>,
    /// xlsx or csv (default: from --out's extension).
    #[arg(long)]
    format: Option<String>,
}

fn scope(a: &StatsArgs) -> Result<Scope, Error> {
    match (&a.quarter, &a.from, &a.to) {
        (Some(q), _, _) => Scope::quarter(&a.customer, a.site.as_deref(), q),
        (None, Some(f), Some(t)) => Scope::new(
            &a.customer,
            a.site.as_deref(),
            weibao::domain::values::parse_date("stats.from", f)?,
            weibao::domain::values::parse_date("stats.to", t)?,
        ),
        _ => Err(Error::invalid(
            "stats.quarter",
            "请用 --quarter 2026Q3，或 --from 与 --to 指明统计期间",
            "give --quarter 2026Q3, or --from and --to",
        )),
    }
}

fn shown(s: &Stats) -> String {
    let mins = |m: Option<i64>| m.map_or("—".to_string(), |m| format!("{m} 分钟"));
    let mut rows = vec![
        vec!["统计期间".to_string(), format!("{} 至 {}", s.from, s.to)],
        vec![
            "巡检 应检/已检".into(),
            format!("{}/{}", s.inspections_due, s.inspections_done),
        ],
        vec!["故障合计".into(), s.faults.to_string()],
        vec!["平均响应".into(), mins(s.mean_respond_minutes)],
        vec!["平均到场".into(), mins(s.mean_arrive_minutes)],
        vec!["平均修复（自到场）".into(), mins(s.mean_repair_minutes)],
    ];
    for h in &s.sla_hits {
        rows.push(vec![
            format!("{}达标", h.label_zh),
            format!("{}/{}", h.kept, h.judged),
        ]);
    }
    for (title, v) in [
        ("按设备类型", &s.by_device_type),
        ("按级别", &s.by_level),
        ("按原因", &s.by_cause),
    ] {
        for c in v {
            rows.push(vec![
                format!("故障 {title}：{}", c.label_zh),
                c.count.to_string(),
            ]);
        }
    }
    for r in &s.recurring {
        rows.push(vec![
            format!("重复故障：{}", r.device_code),
            r.faults.to_string(),
        ]);
    }
    for p in &s.parts {
        rows.push(vec![
            format!("备件：{} {}", p.code, p.name),
            p.qty.to_string(),
        ]);
    }
    format!(
        "{}{}\n{}",
        s.customer,
        s.site
            .as_deref()
            .map(|x| format!(" · {x}"))
            .unwrap_or_default(),
        table(&["项目", "数值"], rows)
    )
}

pub fn run(ctx: &mut Ctx, a: StatsArgs) -> Result<(), Error> {
    let scope = scope(&a)?;
    if let Some(out) = &a.out {
        let format = a.format.as_deref().map(ExportFormat::parse).transpose()?;
        let sum = stats::export(&ctx.store, &scope, out, format)?;
        return emit(ctx, &sum, || {
            format!(
                "故障 {} 条、常见故障 {} 类 / {} faults, {} common faults\n{}\n",
                sum.faults,
                sum.common_faults,
                sum.faults,
                sum.common_faults,
                sum.files.join("\n")
            )
        });
    }
    let s = stats::stats(&ctx.store, &scope)?;
    emit(ctx, &s, || shown(&s))
}

//! The quarter to files the customer receives: the statistics, the fault register (报障登记表,
//! every field of the seed's form) and the common faults and remedies table, as one XLSX
//! workbook or a folder of CSV files (UTF-8 with a BOM, as Chinese Excel opens them).

use std::path::Path;

use serde::Serialize;

use super::{common_faults, stats, Count, Scope, Stats};
use crate::checklist::schedule::local_day;
use crate::inventory::{csv, xlsx, TextEncoding};
use crate::store::Store;
use crate::views::time;
use crate::{files, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Ok(ExportFormat::Xlsx),
            "csv" => Ok(ExportFormat::Csv),
            _ => Err(Error::invalid(
                "format",
                format!("格式「{text}」应为 xlsx 或 csv"),
                format!("format '{text}' must be xlsx or csv"),
            )),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    pub files: Vec<String>,
    pub faults: i64,
    pub common_faults: usize,
}

const STATS: &str = "季度统计";
const REGISTER: &str = "报障登记表";
const COMMON: &str = "常见故障现象与处理表";

fn counts(title: &str, v: &[Count]) -> Vec<Vec<String>> {
    v.iter()
        .map(|c| vec![title.to_string(), c.label_zh.clone(), c.count.to_string()])
        .collect()
}

fn minutes(m: Option<i64>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn stats_rows(s: &Stats) -> Vec<Vec<String>> {
    let row = |a: &str, b: String, c: String| vec![a.to_string(), b, c];
    let mut rows = vec![
        vec!["项目".into(), "分类".into(), "数值".into()],
        row("客户", s.customer.clone(), String::new()),
        row(
            "站点",
            s.site.clone().unwrap_or_else(|| "全部".into()),
            String::new(),
        ),
        row("统计期间", format!("{} 至 {}", s.from, s.to), String::new()),
        row("巡检", "应检".into(), s.inspections_due.to_string()),
        row("巡检", "已检".into(), s.inspections_done.to_string()),
        row("故障", "合计".into(), s.faults.to_string()),
    ];
    rows.extend(counts("故障（按设备类型）", &s.by_device_type));
    rows.extend(counts("故障（按级别）", &s.by_level));
    rows.extend(counts("故障（按原因）", &s.by_cause));
    rows.push(row(
        "平均响应时间（分钟）",
        String::new(),
        minutes(s.mean_respond_minutes),
    ));
    rows.push(row(
        "平均到场时间（分钟）",
        String::new(),
        minutes(s.mean_arrive_minutes),
    ));
    rows.push(row(
        "平均修复时间（分钟，自到场起）",
        String::new(),
        minutes(s.mean_repair_minutes),
    ));
    for h in &s.sla_hits {
        rows.push(row(
            "时限达标（达标/已判定）",
            h.label_zh.clone(),
            format!("{}/{}", h.kept, h.judged),
        ));
    }
    for r in &s.recurring {
        rows.push(row(
            "重复故障设备",
            r.device_code.clone(),
            r.faults.to_string(),
        ));
    }
    for p in &s.parts {
        rows.push(row(
            "备件用量",
            format!("{} {}", p.code, p.name),
            p.qty.to_string(),
        ));
    }
    rows
}

/// The fault register: one row per fault reported in the period, in the paper form's order.
fn register_rows(store: &Store, scope: &Scope) -> Result<Vec<Vec<String>>> {
    let conn = store.conn();
    let mut st = conn.prepare(
        "SELECT w.reported_at, f.fault_time, c.name, s.name, l.code, COALESCE(d.code, ''),
                f.phenomenon, COALESCE(f.location, ''), COALESCE(f.contact_name, ''),
                COALESCE(f.contact_phone, ''), COALESCE(f.taken_by, ''), w.level,
                COALESCE(f.result, ''), w.id
         FROM work_order w JOIN fault_report f ON f.work_order_id = w.id AND f.deleted = 0
         JOIN lane l ON l.id = w.lane_id JOIN site s ON s.id = l.site_id
         JOIN customer c ON c.id = s.customer_id LEFT JOIN device d ON d.id = w.device_id
         WHERE (c.id = ?1 OR c.name = ?1) AND (?2 IS NULL OR s.id = ?2 OR s.name = ?2)
           AND w.deleted = 0
         ORDER BY w.reported_at, w.id",
    )?;
    let mut rows = vec![[
        "报障时间",
        "故障发生时间",
        "客户",
        "站点",
        "通道",
        "设备编号",
        "故障现象",
        "故障位置",
        "联系人",
        "联系电话",
        "受理人",
        "故障级别",
        "处理结果",
        "工单",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect::<Vec<_>>()];
    let site = scope
        .site
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let found = st.query_map(rusqlite::params![scope.customer.trim(), site], |r| {
        let mut v = Vec::with_capacity(14);
        for i in 0..14 {
            v.push(match i {
                11 => r
                    .get::<_, Option<i64>>(i)?
                    .map(|n| format!("{n}级"))
                    .unwrap_or_default(),
                _ => r.get::<_, String>(i)?,
            });
        }
        Ok(v)
    })?;
    for row in found {
        let mut row = row?;
        let Some(reported) = row.first().and_then(|t| time::parse(t)) else {
            continue;
        };
        let day = local_day(reported);
        if day < scope.from || day > scope.to {
            continue;
        }
        for i in [0, 1] {
            if let Some(cell) = row.get_mut(i) {
                *cell = time::china_text(cell);
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

fn common_rows(store: &Store, scope: &Scope) -> Result<(Vec<Vec<String>>, usize)> {
    let table = common_faults(store, scope)?;
    let mut rows = vec![[
        "设备类型",
        "故障现象",
        "原因",
        "处理方法",
        "次数",
        "技术负责人确认",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect::<Vec<_>>()];
    for c in &table {
        rows.push(vec![
            c.device_type_zh.clone(),
            c.phenomenon.clone(),
            c.causes.join("；"),
            c.remedies.join("；"),
            c.count.to_string(),
            c.confirmed_by.clone().unwrap_or_default(),
        ]);
    }
    Ok((rows, table.len()))
}

/// Write the quarter of `scope` to `out`: a workbook (`.xlsx`) or a folder of CSV files.
pub fn export(
    store: &Store,
    scope: &Scope,
    out: &Path,
    format: Option<ExportFormat>,
) -> Result<ExportSummary> {
    let s = stats(store, scope)?;
    let sheets = [
        (STATS, stats_rows(&s)),
        (REGISTER, register_rows(store, scope)?),
    ];
    let (common, n_common) = common_rows(store, scope)?;
    let format = format.unwrap_or(
        if out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        {
            ExportFormat::Xlsx
        } else {
            ExportFormat::Csv
        },
    );
    let mut files_written = Vec::new();
    let all: Vec<(&str, &[Vec<String>])> = sheets
        .iter()
        .map(|(n, r)| (*n, r.as_slice()))
        .chain(std::iter::once((COMMON, common.as_slice())))
        .collect();
    match format {
        ExportFormat::Xlsx => {
            files::write_file("out", out, &xlsx::write_named(&all)?)?;
            files_written.push(out.display().to_string());
        }
        ExportFormat::Csv => {
            files::create_dir("out", out)?;
            let mut outputs = Vec::new();
            for (name, rows) in &all {
                let path = out.join(format!("{name}.csv"));
                let bytes = csv::write(
                    &format!("{}:{name}", path.display()),
                    rows,
                    TextEncoding::Utf8,
                )?;
                let mut o = files::Output::create("out", &path)?;
                o.write_all(&bytes)?;
                outputs.push(o);
                files_written.push(path.display().to_string());
            }
            // Every file complete before any takes its name.
            for o in outputs {
                o.publish()?;
            }
        }
    }
    Ok(ExportSummary {
        files: files_written,
        faults: s.faults,
        common_faults: n_common,
    })
}

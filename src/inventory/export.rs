//! Export: the stored inventory in the layout import reads, so an export re-imports unchanged.
//! Devices are exported as their archives show them now (status and serial derived from
//! history); enum values as their Chinese labels; dates as `YYYY-MM-DD`; money in yuan.

use super::columns::{Field, Kind};
use super::{csv, problem, xlsx, Format, TextEncoding, MAX_ROWS};
use crate::domain::device::Device;
use crate::org::LaneView;
use crate::store::Store;
use crate::{contracts, devices, files, org, Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    pub format: &'static str,
    pub files: Vec<String>,
    pub customers: usize,
    pub sites: usize,
    pub lanes: usize,
    pub devices: usize,
    pub contracts: usize,
}

impl ExportSummary {
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "客户 {}、站点 {}、车道 {}、设备 {}、合同 {} / customers {}, sites {}, lanes {}, devices {}, contracts {}",
            self.customers, self.sites, self.lanes, self.devices, self.contracts,
            self.customers, self.sites, self.lanes, self.devices, self.contracts
        )];
        out.extend(self.files.iter().cloned());
        out
    }
}

/// Write the inventory to `out`: one workbook (`--format xlsx`, or a path ending `.xlsx`),
/// or a folder of one CSV file per kind. Every file is complete under its name or not there.
pub fn export(
    store: &Store,
    out: &Path,
    format: Option<Format>,
    encoding: TextEncoding,
) -> Result<ExportSummary> {
    let format = format.unwrap_or_else(|| {
        let xlsx = out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        if xlsx {
            Format::Xlsx
        } else {
            Format::Csv
        }
    });
    if format == Format::Xlsx && encoding != TextEncoding::Utf8 {
        return Err(Error::invalid(
            "encoding",
            "--encoding 只用于 CSV（XLSX 内部总是 UTF-8）",
            "--encoding applies to CSV only (XLSX is always UTF-8 inside)",
        ));
    }
    let mut sheets = Vec::new();
    for kind in Kind::ALL {
        let rows = rows(store, kind)?;
        if rows.len() > MAX_ROWS.saturating_add(1) {
            return Err(problem(
                kind.sheet_zh(),
                "out",
                format!("超过 {MAX_ROWS} 行，导出后无法再导入"),
                format!("more than {MAX_ROWS} rows: the export could not be imported again"),
            ));
        }
        sheets.push((kind, rows));
    }
    let count = |k: Kind| {
        sheets
            .iter()
            .find(|(x, _)| *x == k)
            .map_or(0, |(_, r)| r.len().saturating_sub(1))
    };
    let mut summary = ExportSummary {
        format: if format == Format::Xlsx {
            "xlsx"
        } else {
            "csv"
        },
        files: Vec::new(),
        customers: count(Kind::Customer),
        sites: count(Kind::Site),
        lanes: count(Kind::Lane),
        devices: count(Kind::Device),
        contracts: count(Kind::Contract),
    };
    match format {
        Format::Xlsx => {
            let bytes = xlsx::write(&sheets)?;
            files::write_file("out", out, &bytes)?;
            summary.files.push(out.display().to_string());
        }
        Format::Csv => {
            files::create_dir("out", out)?;
            let mut outputs = Vec::new();
            for (kind, rows) in &sheets {
                let path = out.join(kind.csv_name());
                let place = format!("{}:{}", path.display(), kind.sheet_zh());
                let bytes = csv::write(&place, rows, encoding)?;
                let mut o = files::Output::create("out", &path)?;
                o.write_all(&bytes)?;
                outputs.push(o);
                summary.files.push(path.display().to_string());
            }
            // Only once every file is complete do they take their names.
            for o in outputs {
                o.publish()?;
            }
        }
    }
    Ok(summary)
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// One kind's rows, the headings first, in a stable order.
fn rows(store: &Store, kind: Kind) -> Result<Vec<Vec<String>>> {
    let cols = kind.columns();
    let mut out = vec![cols.iter().map(|c| c.zh.to_string()).collect::<Vec<_>>()];
    let mut push = |values: &dyn Fn(Field) -> String| {
        out.push(cols.iter().map(|c| values(c.field)).collect());
    };
    let conn = store.conn();
    match kind {
        Kind::Customer => {
            let mut st = conn.prepare(
                "SELECT name, address FROM customer WHERE deleted = 0 ORDER BY name, id",
            )?;
            let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
            for row in rows {
                let (name, address): (String, Option<String>) = row?;
                push(&|f| match f {
                    Field::CustomerName => name.clone(),
                    _ => opt(&address),
                });
            }
        }
        Kind::Site => {
            for s in org::sites(store)? {
                push(&|f| match f {
                    Field::CustomerName => s.customer_name.clone(),
                    Field::SiteName => s.name.clone(),
                    _ => opt(&s.address),
                });
            }
        }
        Kind::Lane => {
            for l in org::lanes(store, None)? {
                push(&|f| match f {
                    Field::CustomerName => l.customer_name.clone(),
                    Field::SiteName => l.site_name.clone(),
                    Field::LaneCode => l.code.clone(),
                    _ => l.name.clone(),
                });
            }
        }
        Kind::Device => {
            let lanes: HashMap<String, LaneView> = org::lanes(store, None)?
                .into_iter()
                .map(|l| (l.id.clone(), l))
                .collect();
            for d in devices::all_in(conn)? {
                let lane = lanes.get(&d.lane_id);
                push(&|f| device_cell(&d, lane, f));
            }
        }
        Kind::Contract => {
            let sites = org::sites(store)?;
            let by_id: HashMap<&str, &org::SiteView> =
                sites.iter().map(|s| (s.id.as_str(), s)).collect();
            let customers: HashMap<&str, &str> = sites
                .iter()
                .map(|s| (s.customer_id.as_str(), s.customer_name.as_str()))
                .collect();
            let names = customer_names(store)?;
            for c in contracts::all_in(conn)? {
                let covered: Vec<String> = c
                    .site_ids
                    .iter()
                    .filter_map(|id| by_id.get(id.as_str()))
                    .map(|s| {
                        if s.customer_id == c.customer_id {
                            s.name.clone()
                        } else {
                            let cust = customers.get(s.customer_id.as_str()).unwrap_or(&"");
                            format!("{cust}/{}", s.name)
                        }
                    })
                    .collect();
                let customer = names.get(&c.customer_id).cloned().unwrap_or_default();
                push(&|f| match f {
                    Field::ContractNumber => c.number.clone(),
                    Field::CustomerName => customer.clone(),
                    Field::ContractName => c.name.clone(),
                    Field::StartDate => date(Some(c.start_date)),
                    Field::EndDate => date(Some(c.end_date)),
                    Field::Fee => format!("{}.{:02}", c.fee.0 / 100, c.fee.0 % 100),
                    Field::Calendar => c.calendar.code().to_string(),
                    Field::InspectionsPerYear => c.inspections_per_year.to_string(),
                    _ => covered.join("、"),
                });
            }
        }
    }
    Ok(out)
}

fn customer_names(store: &Store) -> Result<HashMap<String, String>> {
    let mut st = store
        .conn()
        .prepare("SELECT id, name FROM customer WHERE deleted = 0")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn device_cell(d: &Device, lane: Option<&LaneView>, f: Field) -> String {
    let at = |get: fn(&LaneView) -> &String| lane.map(get).cloned().unwrap_or_default();
    match f {
        Field::DeviceCode => d.code.as_str().to_string(),
        Field::DeviceType => d.device_type.label_zh().to_string(),
        Field::Model => d.model.clone(),
        Field::Manufacturer => d.manufacturer.clone(),
        Field::Serial => d.serial.clone(),
        Field::CustomerName => at(|l| &l.customer_name),
        Field::SiteName => at(|l| &l.site_name),
        Field::LaneCode => at(|l| &l.code),
        Field::Position => opt(&d.position),
        Field::ManufactureDate => date(d.manufacture_date),
        Field::InstallDate => date(d.install_date),
        Field::WarrantyEnd => date(d.warranty_end),
        Field::Status => d.status.label_zh().to_string(),
        Field::Confidentiality => d.confidentiality.label_zh().to_string(),
        Field::Firmware => opt(&d.firmware),
        _ => opt(&d.notes),
    }
}

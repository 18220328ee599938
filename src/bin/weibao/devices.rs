//! `weibao device …`

use crate::output::{emit, opt, table};
use crate::Ctx;
use clap::Subcommand;
use weibao::devices;
use weibao::store::search;
use weibao::Error;

#[derive(Subcommand)]
pub enum DeviceCmd {
    /// Search by code, serial, model, site or free text (设备查询).
    Search {
        /// Free text (any part of code, serial, model, maker, site, lane, type).
        text: Option<String>,
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        serial: Option<String>,
        #[arg(long)]
        model: Option<String>,
        #[arg(long)]
        site: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// A device's archive and history (设备档案与履历), each line with when and who. Reading a
    /// non-public archive is logged; a secret (秘密) one needs --purpose.
    Show {
        /// Device code (统一编号) or id.
        device: String,
        /// Why the archive is read (recorded in the access log).
        #[arg(long)]
        purpose: Option<String>,
    },
    /// A device's history only (设备履历): when, who, what. Logged like `show`.
    History {
        /// Device code (统一编号) or id.
        device: String,
        #[arg(long)]
        purpose: Option<String>,
    },
    /// Correct a device's archive at the lane (现场更正): only the options given change; an
    /// empty value clears firmware, position or notes. Prints what changed.
    Edit {
        /// Device code (统一编号) or id.
        device: String,
        #[arg(long)]
        serial: Option<String>,
        #[arg(long)]
        model: Option<String>,
        /// Firmware or software version (固件/软件版本).
        #[arg(long)]
        firmware: Option<String>,
        #[arg(long)]
        position: Option<String>,
        /// normal, faulty, repairing, retired (or 运行正常, 故障, 维修中, 已报废).
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// Your own reads of confidential archives (查阅记录): when, which device, why.
    AccessLog,
    /// Find a device by a photo of its label: a weibao QR, the bare 统一编号 or the maker's
    /// serial barcode (扫码查找). Nothing is written.
    FindByLabel {
        /// The photo (JPEG or PNG).
        photo: std::path::PathBuf,
    },
}

pub fn run(ctx: &mut Ctx, cmd: DeviceCmd) -> Result<(), Error> {
    match cmd {
        DeviceCmd::Search {
            text,
            code,
            serial,
            model,
            site,
            limit,
        } => {
            let hits = search::search_devices(
                &ctx.store,
                &search::DeviceQuery {
                    code,
                    serial,
                    model,
                    site,
                    text,
                    limit: Some(limit),
                },
            )?;
            emit(ctx, &hits, || {
                table(
                    &["统一编号", "类型", "型号", "序列号", "状态", "站点", "车道"],
                    hits.iter().map(|h| {
                        vec![
                            h.code.clone(),
                            h.type_label.clone(),
                            h.model.clone(),
                            h.serial.clone(),
                            h.status.clone(),
                            h.site_name.clone(),
                            h.lane_name.clone(),
                        ]
                    }),
                )
            })
        }
        DeviceCmd::FindByLabel { photo } => crate::labels::find(ctx, &photo),
        DeviceCmd::History { device, purpose } => {
            let a = devices::open_archive(&mut ctx.store, &device, purpose.as_deref())?;
            emit(ctx, &a.history, || history_table(&a.history))
        }
        DeviceCmd::Edit {
            device,
            serial,
            model,
            firmware,
            position,
            status,
            notes,
        } => {
            let edit = devices::DeviceEdit {
                serial,
                model,
                firmware,
                position,
                status,
                notes,
            };
            let changed = devices::edit_at_lane(&mut ctx.store, &device, &edit)?;
            emit(ctx, &changed, || {
                if changed.is_empty() {
                    return format!("{device}：没有改动\n");
                }
                let mut s = format!("{device} 已更正：\n");
                for c in &changed {
                    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
                    s += &format!("  {}：{} → {}\n", c.label_zh, show(&c.from), show(&c.to));
                }
                s
            })
        }
        DeviceCmd::AccessLog => {
            let log = devices::access_log(&ctx.store, 200)?;
            emit(ctx, &log, || {
                if log.is_empty() {
                    return "还没有查阅过涉密档案\n".into();
                }
                table(
                    &["时间", "设备", "站点", "车道", "查阅目的"],
                    log.iter().map(|l| {
                        vec![
                            crate::output::local(&l.at),
                            l.device_code.clone(),
                            l.site_name.clone(),
                            l.lane_name.clone(),
                            opt(&l.purpose),
                        ]
                    }),
                )
            })
        }
        DeviceCmd::Show { device, purpose } => {
            let a = devices::open_archive(&mut ctx.store, &device, purpose.as_deref())?;
            emit(ctx, &a, || {
                let d = &a.device;
                let date =
                    |v: Option<chrono::NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
                let mut s = format!(
                    "设备档案 {}\n  类型：{}\n  型号：{}（{}）\n  序列号：{}\n  固件/软件版本：{}\n  出厂日期：{}  安装日期：{}  保修至：{}（{}）\n  状态：{}\n  位置：{} / {} / {} {}\n  密级：{}\n\n履历：\n",
                    d.code,
                    a.type_label,
                    d.model,
                    d.manufacturer,
                    d.serial,
                    opt(&d.firmware),
                    date(d.manufacture_date),
                    date(d.install_date),
                    date(d.warranty_end),
                    if a.in_warranty { "在保" } else { "已过保" },
                    a.status_label,
                    a.lane.customer_name,
                    a.lane.site_name,
                    a.lane.name,
                    opt(&d.position),
                    d.confidentiality.label_zh(),
                );
                s += &history_table(&a.history);
                if !a.open_work_orders.is_empty() {
                    s += "\n未结工单：\n";
                    s += &table(
                        &["工单", "状态", "级别", "标题"],
                        a.open_work_orders.iter().map(|w| {
                            vec![
                                w.id.clone(),
                                w.state.label_zh().into(),
                                w.level.map(|l| l.to_string()).unwrap_or_default(),
                                w.title.clone(),
                            ]
                        }),
                    );
                }
                s
            })
        }
    }
}

/// History lines with when, who and what (who: the engineer's name, or their id while the
/// engineer's record has not synced here).
fn history_table(history: &[devices::HistoryLine]) -> String {
    table(
        &["时间", "记录人", "类别", "内容"],
        history.iter().map(|h| {
            vec![
                crate::output::local(&h.at),
                h.by_name.clone().unwrap_or_else(|| h.by.clone()),
                h.kind.clone(),
                h.summary.clone(),
            ]
        }),
    )
}

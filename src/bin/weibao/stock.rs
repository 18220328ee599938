//! `weibao stock …`

use crate::output::{emit, opt, table};
use crate::Ctx;
use clap::Subcommand;
use weibao::stock;
use weibao::Error;

#[derive(Subcommand)]
pub enum StockCmd {
    /// All stock locations (warehouse, vans).
    Locations,
    /// Quantity on hand per part at a location (库存).
    Show {
        location: String,
        /// Only the parts that fit this device (its type's parts and generic ones).
        #[arg(long)]
        device: Option<String>,
    },
    /// Movements at a location, newest first (出入库记录).
    Movements {
        location: String,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Record a movement: receive, issue (to a work order), return, transfer, adjust.
    Move {
        #[arg(long)]
        kind: String,
        #[arg(long)]
        part: String,
        /// A whole number (full-width digits accepted); checked by the core.
        #[arg(long, allow_negative_numbers = true)]
        qty: String,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        work_order: Option<String>,
        /// new | refurbished | faulty
        #[arg(long)]
        condition: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Swap the faulty unit of a work order's device for a spare (备机), opening an RMA.
    Swap {
        #[arg(long)]
        work_order: String,
        /// Serial of the spare unit.
        #[arg(long)]
        spare: String,
        #[arg(long)]
        from: String,
    },
    /// Take back a loan unit (借用备机) once the device's own unit is back from repair: the
    /// original goes back in, the loan unit returns to --to.
    TakeBack {
        #[arg(long)]
        work_order: String,
        /// Serial of the device's own (repaired) unit.
        #[arg(long)]
        original: String,
        /// Where the repaired original is now (e.g. 总仓).
        #[arg(long)]
        from: String,
        /// Where the loan unit goes back to.
        #[arg(long)]
        to: String,
    },
    /// Faulty units sent back for repair and not yet returned (RMA).
    Rma,
    /// Set the minimum stock (最低库存) of a part at a location; 0 clears it.
    Minimum {
        location: String,
        part: String,
        /// A whole number from 0; checked by the core (which names a negative one).
        #[arg(allow_negative_numbers = true)]
        minimum: String,
    },
    /// Parts below their minimum (低于最低库存), at a location or everywhere.
    Low { location: Option<String> },
}

/// The warning line for parts below their minimum, or nothing.
fn low_warning(low: &[stock::LowStock]) -> String {
    low.iter()
        .map(|l| {
            format!(
                "⚠ 低于最低库存：{} {} 现有 {} {}，最低 {}，需补 {}\n",
                l.at.location_name, l.at.part_name, l.on_hand, l.at.unit, l.minimum, l.shortfall
            )
        })
        .collect()
}

pub fn run(ctx: &mut Ctx, cmd: StockCmd) -> Result<(), Error> {
    match cmd {
        StockCmd::Locations => {
            let l = stock::locations(&ctx.store)?;
            emit(ctx, &l, || {
                table(
                    &["库位", "类型", "id"],
                    l.iter()
                        .map(|l| vec![l.name.clone(), l.kind.label_zh().into(), l.id.clone()]),
                )
            })
        }
        StockCmd::Show { location, device } => {
            let lines = match device {
                Some(d) => stock::stock_for_device(&ctx.store, &location, &d)?,
                None => stock::stock_at(&ctx.store, &location)?,
            };
            emit(ctx, &lines, || {
                table(
                    &["编码", "名称", "类别", "数量", "单位", "最低库存", ""],
                    lines.iter().map(|l| {
                        vec![
                            l.part_code.clone(),
                            l.part_name.clone(),
                            stock::PartCategory::parse(&l.category)
                                .map(|c| c.label_zh().to_string())
                                .unwrap_or_else(|_| l.category.clone()),
                            l.on_hand.to_string(),
                            l.unit.clone(),
                            l.minimum.map(|m| m.to_string()).unwrap_or_default(),
                            if l.low {
                                "⚠ 需补货".into()
                            } else {
                                String::new()
                            },
                        ]
                    }),
                )
            })
        }
        StockCmd::Movements { location, limit } => {
            let ms = stock::movements_at(&ctx.store, &location, limit)?;
            emit(ctx, &ms, || {
                table(
                    &["时间", "类型", "备件", "数量", "工单", "备注"],
                    ms.iter().map(|m| {
                        let part = stock::part(ctx.store.conn(), &m.part_id)
                            .map(|p| p.name)
                            .unwrap_or_default();
                        vec![
                            crate::output::local(&m.at),
                            m.kind.label_zh().into(),
                            part,
                            m.qty.to_string(),
                            opt(&m.work_order_id),
                            opt(&m.note),
                        ]
                    }),
                )
            })
        }
        StockCmd::Move {
            kind,
            part,
            qty,
            from,
            to,
            work_order,
            condition,
            note,
        } => {
            let input = stock::MovementForm {
                kind,
                part,
                qty: weibao::domain::number::Typed::Text(qty),
                from,
                to,
                work_order_id: work_order,
                unit_id: None,
                condition,
                note,
            }
            .input()?;
            let m = ctx.store.write(|tx| stock::record_movement(tx, &input))?;
            // A movement out of a location may take it below a minimum: say so at once.
            let low = match &m.from_location {
                Some(from) => stock::low_stock(ctx.store.conn(), Some(from))?
                    .into_iter()
                    .filter(|l| l.at.part_id == m.part_id)
                    .collect(),
                None => Vec::new(),
            };
            emit(ctx, &m, || {
                format!(
                    "已记录 {}：{} × {}\n{}",
                    m.kind.label_zh(),
                    input.part,
                    m.qty,
                    low_warning(&low)
                )
            })
        }
        StockCmd::Swap {
            work_order,
            spare,
            from,
        } => {
            let r = ctx
                .store
                .write(|tx| stock::swap_unit(tx, &work_order, &spare, &from))?;
            emit(ctx, &r, || {
                format!(
                    "备机 {spare} 已装上；故障件 SN {} 返厂维修（RMA {}）\n",
                    r.faulty_serial, r.id
                )
            })
        }
        StockCmd::TakeBack {
            work_order,
            original,
            from,
            to,
        } => {
            let r = ctx
                .store
                .write(|tx| stock::take_back_loan(tx, &work_order, &original, &from, &to))?;
            emit(ctx, &r, || {
                format!("原设备 SN {original} 已装回；借用备机已回到 {to}\n")
            })
        }
        StockCmd::Minimum {
            location,
            part,
            minimum,
        } => {
            let n = stock::parse_minimum(&minimum)?;
            let m = ctx
                .store
                .write(|tx| stock::set_minimum(tx, &location, &part, n))?;
            let low = stock::low_stock(ctx.store.conn(), Some(&m.at.location_id))?;
            emit(ctx, &m, || {
                let set = if m.minimum == 0 {
                    format!(
                        "已取消 {} {} 的最低库存\n",
                        m.at.location_name, m.at.part_name
                    )
                } else {
                    format!(
                        "{} {} 最低库存：{} {}\n",
                        m.at.location_name, m.at.part_name, m.minimum, m.at.unit
                    )
                };
                let low: Vec<_> = low
                    .into_iter()
                    .filter(|l| l.at.part_id == m.at.part_id)
                    .collect();
                set + &low_warning(&low)
            })
        }
        StockCmd::Low { location } => {
            let low = stock::low_stock(ctx.store.conn(), location.as_deref())?;
            emit(ctx, &low, || {
                if low.is_empty() {
                    "没有低于最低库存的备件\n".into()
                } else {
                    table(
                        &["库位", "编码", "名称", "现有", "最低库存", "需补", "单位"],
                        low.iter().map(|l| {
                            vec![
                                l.at.location_name.clone(),
                                l.at.part_code.clone(),
                                l.at.part_name.clone(),
                                l.on_hand.to_string(),
                                l.minimum.to_string(),
                                l.shortfall.to_string(),
                                l.at.unit.clone(),
                            ]
                        }),
                    )
                }
            })
        }
        StockCmd::Rma => {
            let rs = stock::open_rmas(&ctx.store)?;
            emit(ctx, &rs, || {
                table(
                    &["RMA", "故障件序列号", "状态", "开单时间"],
                    rs.iter().map(|r| {
                        vec![
                            r.id.clone(),
                            r.faulty_serial.clone(),
                            r.status.clone(),
                            crate::output::local(&r.opened_at),
                        ]
                    }),
                )
            })
        }
    }
}

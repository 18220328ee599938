//! `weibao wo …`

use crate::output::{emit, local, local_opt, opt, table};
use crate::Ctx;
use clap::Subcommand;
use weibao::domain::values::FaultLevel;
use weibao::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use weibao::sla::pause::PauseInput;
use weibao::work_orders::{self, WorkOrderFilter};
use weibao::Error;

#[derive(Subcommand)]
pub enum WoCmd {
    /// List work orders (open ones by default; --all for every one).
    List {
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        device: Option<String>,
        #[arg(long)]
        all: bool,
    },
    /// One work order with its transitions, fault report, service record and parts.
    Show { id: String },
    /// 报障登记: report a fault on a device, opening a work order with SLA deadlines.
    Report {
        /// Device code (统一编号) or id.
        #[arg(long)]
        device: String,
        /// Fault level 1–4 (一级–四级; either spelling).
        #[arg(long, allow_negative_numbers = true)]
        level: String,
        /// 故障现象.
        #[arg(long)]
        phenomenon: String,
        #[arg(long)]
        contact: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// Who took the report (受理人); default: the current engineer.
        #[arg(long)]
        taken_by: Option<String>,
        /// When the fault happened (YYYY-MM-DD HH:MM, China time); default now.
        #[arg(long)]
        at: Option<String>,
        /// 故障位置.
        #[arg(long)]
        location: Option<String>,
        /// How it was reported: phone, fax, email, on_site, other (or 电话, 传真 …).
        #[arg(long)]
        channel: Option<String>,
        /// fault_repair (default), emergency (its report is titled 应急响应报告), consultation,
        /// upgrade, event_support.
        #[arg(long)]
        kind: Option<String>,
    },
    /// Write the fault's handling result (故障处理结果) on its 报障登记表.
    Result {
        id: String,
        #[arg(long)]
        text: String,
    },
    /// Open a work order of any kind on a lane (inspection, installation, emergency, …).
    Open {
        #[arg(long)]
        kind: String,
        /// Lane id or code.
        #[arg(long)]
        lane: String,
        #[arg(long)]
        device: Option<String>,
        /// Fault level 1–4 (一级–四级).
        #[arg(long, allow_negative_numbers = true)]
        level: Option<String>,
        #[arg(long)]
        title: String,
    },
    /// Move a work order to its next state (assigned, responded, on_site, resolved, closed);
    /// customer_signed comes from `weibao sign` + `weibao report render` (finalising the report).
    Advance {
        id: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        note: Option<String>,
        /// Engineer id for `assigned` (default: the current engineer).
        #[arg(long)]
        assignee: Option<String>,
    },
    /// Resolve a responded work order by phone or remote session, without a visit.
    ResolveRemotely {
        id: String,
        /// phone | remote
        #[arg(long = "by")]
        method: String,
        /// What was done.
        #[arg(long)]
        note: String,
    },
    /// The SLA clocks (服务时限) of a work order now: each clock's calendar, deadline and
    /// standing (on time, at risk, overdue, met, paused), the pauses and any warning.
    Clocks { id: String },
    /// Record an excuse that pauses the clocks (台风, 道路封闭, 客户不在场 …).
    Pause {
        id: String,
        /// typhoon, earthquake, flood, road_closure, traffic_jam, traffic_accident,
        /// customer_unavailable, other (needs --note).
        #[arg(long)]
        reason: String,
        #[arg(long)]
        note: Option<String>,
        /// Only this clock (response, on_site, repair, part, spare_unit); default every clock.
        #[arg(long)]
        clock: Option<String>,
        /// When the excuse began (YYYY-MM-DD HH:MM, China time); default now.
        #[arg(long)]
        from: Option<String>,
    },
    /// Record that a pause ended: the work order's only running pause, or --pause ID.
    Resume {
        id: String,
        #[arg(long)]
        pause: Option<String>,
        /// When it ended (YYYY-MM-DD HH:MM, China time); default now.
        #[arg(long)]
        at: Option<String>,
    },
    /// Write the service record (客户服务记录表) of a work order.
    Service {
        id: String,
        #[arg(long)]
        found: String,
        #[arg(long)]
        process: String,
        #[arg(long)]
        analysis: Option<String>,
        #[arg(long)]
        feedback: Option<String>,
        #[arg(long)]
        satisfaction: Option<i64>,
        /// What was backed up before the work and restored after (备份与恢复).
        #[arg(long)]
        backup_restore: Option<String>,
    },
}

fn summary_rows(list: &[work_orders::WorkOrderSummary]) -> String {
    table(
        &["工单", "类型", "状态", "级别", "设备", "到场时限", "标题"],
        list.iter().map(|w| {
            vec![
                w.id.clone(),
                w.kind.label_zh().into(),
                w.state.label_zh().into(),
                w.level.map(|l| l.to_string()).unwrap_or_default(),
                opt(&w.device_code),
                local_opt(&w.on_site_by),
                w.title.clone(),
            ]
        }),
    )
}

pub fn run(ctx: &mut Ctx, cmd: WoCmd) -> Result<(), Error> {
    match cmd {
        WoCmd::List { state, device, all } => {
            let device_id = match device {
                Some(d) => Some(weibao::devices::device(&ctx.store, &d)?.id),
                None => None,
            };
            let f = WorkOrderFilter {
                state: state.map(|s| WorkOrderState::parse(&s)).transpose()?,
                device_id,
                open_only: !all,
                ..Default::default()
            };
            let list = work_orders::list(&ctx.store, &f)?;
            emit(ctx, &list, || summary_rows(&list))
        }
        WoCmd::Show { id } => {
            let d = work_orders::detail(&ctx.store, &id)?;
            let clocks = weibao::views::sla::of_work_order(&ctx.store, &d.summary.id)?;
            emit(ctx, &d, || {
                let s = &d.summary;
                let mut out = format!(
                    "工单 {}\n  {} · {} · {}\n  {}\n  响应时限：{}  到场时限：{}\n",
                    s.id,
                    s.kind.label_zh(),
                    s.state.label_zh(),
                    s.level.map(|l| format!("{l}级")).unwrap_or_default(),
                    s.title,
                    local_opt(&s.respond_by),
                    local_opt(&s.on_site_by)
                );
                if let Some(f) = &d.fault_report {
                    out += &format!(
                        "  故障现象：{}\n  报障人：{} {}\n",
                        f.phenomenon,
                        opt(&f.contact_name),
                        opt(&f.contact_phone)
                    );
                }
                if let Some(r) = &d.service_record {
                    out += &format!(
                        "  到场状态：{}\n  处理过程：{}\n  原因分析：{}\n",
                        r.found_state,
                        r.process,
                        opt(&r.analysis)
                    );
                }
                out += "\n状态变更：\n";
                out += &table(
                    &["时间", "从", "到"],
                    d.transitions
                        .iter()
                        .map(|t| vec![local(&t.at), opt(&t.from), t.to.clone()]),
                );
                out += "\n服务时限：\n";
                out += &crate::sla::render(&clocks);
                if !d.parts.is_empty() {
                    out += "\n使用备件：\n";
                    out += &table(
                        &["编码", "名称", "数量"],
                        d.parts.iter().map(|p| {
                            vec![
                                p.part_code.clone(),
                                p.part_name.clone(),
                                format!("{} {}", p.qty, p.unit),
                            ]
                        }),
                    );
                }
                out
            })
        }
        WoCmd::Report {
            device,
            level,
            phenomenon,
            contact,
            phone,
            taken_by,
            at,
            location,
            channel,
            kind,
        } => {
            let input = FaultReportInput {
                device_id: device,
                level: i64::from(FaultLevel::parse(&level)?.get()),
                fault_time: at,
                phenomenon,
                location,
                contact_name: contact,
                contact_phone: phone,
                taken_by,
                kind,
                channel,
            };
            let wo = ctx
                .store
                .write(|tx| work_orders::report_fault(tx, &input))?;
            emit(ctx, &wo, || {
                format!(
                    "已登记报障，工单 {}\n  响应时限 {}，到场时限 {}\n",
                    wo.id,
                    opt(&wo.respond_by),
                    opt(&wo.on_site_by)
                )
            })
        }
        WoCmd::Open {
            kind,
            lane,
            device,
            level,
            title,
        } => {
            let new = work_orders::NewWorkOrder {
                kind: weibao::domain::work_order::WorkOrderKind::parse(&kind)?,
                lane_id: weibao::org::lane(&ctx.store, &lane)?.id,
                device_id: device
                    .map(|d| weibao::devices::device(&ctx.store, &d).map(|d| d.id))
                    .transpose()?,
                level: level.as_deref().map(FaultLevel::parse).transpose()?,
                title,
            };
            let wo = ctx.store.write(|tx| work_orders::open(tx, &new))?;
            emit(ctx, &wo, || format!("已开工单 {}\n", wo.id))
        }
        WoCmd::ResolveRemotely { id, method, note } => {
            let wo = ctx
                .store
                .write(|tx| weibao::resolution::resolve_remotely(tx, &id, &method, &note))?;
            emit(ctx, &wo, || {
                format!(
                    "工单 {} 已远程解决，现为「{}」\n",
                    wo.id,
                    wo.state.label_zh()
                )
            })
        }
        WoCmd::Advance {
            id,
            to,
            note,
            assignee,
        } => {
            let to = WorkOrderState::parse(&to)?;
            let wo = ctx.store.write(|tx| {
                work_orders::advance(tx, &id, to, note.as_deref(), assignee.as_deref())
            })?;
            emit(ctx, &wo, || {
                format!("工单 {} 现为「{}」\n", wo.id, wo.state.label_zh())
            })
        }
        WoCmd::Clocks { id } => crate::sla::clocks(ctx, &id),
        WoCmd::Pause {
            id,
            reason,
            note,
            clock,
            from,
        } => crate::sla::pause(
            ctx,
            PauseInput {
                work_order_id: id,
                reason,
                note,
                clock,
                started_at: from,
            },
        ),
        WoCmd::Resume { id, pause, at } => {
            crate::sla::resume(ctx, &id, pause.as_deref(), at.as_deref())
        }
        WoCmd::Result { id, text } => {
            let r = ctx
                .store
                .write(|tx| weibao::fault_register::set_result(tx, &id, &text))?;
            emit(ctx, &r, || format!("处理结果已保存：{r}\n"))
        }
        WoCmd::Service {
            id,
            found,
            process,
            analysis,
            feedback,
            satisfaction,
            backup_restore,
        } => {
            let input = ServiceRecordInput {
                found_state: found,
                process,
                analysis,
                customer_feedback: feedback,
                satisfaction,
                backup_restore,
            };
            let r = ctx
                .store
                .write(|tx| work_orders::record_service(tx, &id, &input))?;
            emit(ctx, &r, || "服务记录已保存\n".to_string())
        }
    }
}

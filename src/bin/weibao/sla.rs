//! `weibao wo clocks | pause | resume`: a work order's SLA clocks as the core computes them at
//! this moment, and the excuses that pause them.

use crate::output::{emit, table};
use crate::Ctx;
use weibao::sla::pause::{self, PauseInput};
use weibao::views::sla::{self, SlaView};
use weibao::Error;

/// The clocks, pauses and warnings as text.
pub fn render(v: &SlaView) -> String {
    if v.clocks.is_empty() {
        return "没有服务时限（无合同或未定故障级别）/ no SLA clocks (no contract or fault level)\n"
            .to_string();
    }
    let mut out = table(
        &["时限", "日历", "起算", "期限", "完成", "状态"],
        v.clocks.iter().map(|c| {
            let mut due = c.deadline_text.clone();
            if c.paused_minutes > 0 {
                let (zh, _) = sla::limit_text(c.paused_minutes);
                due += &format!("（暂停顺延 {zh}）");
            }
            vec![
                format!("{} {}", c.label_zh, c.limit_zh),
                c.calendar.clone(),
                c.starts_text.clone(),
                due,
                c.done_at_text.clone().unwrap_or_else(|| "—".into()),
                c.status.label_zh().to_string(),
            ]
        }),
    );
    for c in v.clocks.iter().filter(|c| c.rule_zh.is_some()) {
        out += &format!(
            "  {}：{}\n",
            c.label_zh,
            c.rule_zh.clone().unwrap_or_default()
        );
    }
    if !v.pauses.is_empty() {
        out += "\n暂停：\n";
        out += &table(
            &["原因", "时限", "开始", "结束", "记录人", "说明", "id"],
            v.pauses.iter().map(|p| {
                vec![
                    p.reason_zh.to_string(),
                    p.clock.map_or("全部".into(), |k| k.label_zh().to_string()),
                    p.started_at_text.clone(),
                    p.ended_at_text.clone().unwrap_or_else(|| "进行中".into()),
                    p.started_by.clone().unwrap_or_default(),
                    p.note.clone().unwrap_or_default(),
                    p.id.clone(),
                ]
            }),
        );
    }
    for w in &v.warnings {
        out += &format!("注意：{}\n  {}\n", w.zh, w.en);
    }
    out
}

pub fn clocks(ctx: &mut Ctx, id: &str) -> Result<(), Error> {
    let v = sla::of_work_order(&ctx.store, id)?;
    emit(ctx, &v, || render(&v))
}

pub fn pause(ctx: &mut Ctx, input: PauseInput) -> Result<(), Error> {
    let p = ctx.store.write(|tx| pause::record(tx, &input))?;
    let v = sla::of_work_order(&ctx.store, &p.work_order_id)?;
    emit(ctx, &p, || {
        format!(
            "已记录暂停 {}：{}，自 {} 起\n\n{}",
            p.id,
            p.reason.label_zh(),
            weibao::views::time::china(p.started_at),
            render(&v)
        )
    })
}

pub fn resume(
    ctx: &mut Ctx,
    work_order: &str,
    pause_id: Option<&str>,
    at: Option<&str>,
) -> Result<(), Error> {
    let p = ctx.store.write(|tx| match pause_id {
        Some(pid) => pause::end(tx, pid, at),
        None => pause::end_open(tx, work_order, at),
    })?;
    let v = sla::of_work_order(&ctx.store, &p.work_order_id)?;
    emit(ctx, &p, || {
        format!(
            "暂停 {}（{}）已于 {} 结束\n\n{}",
            p.id,
            p.reason.label_zh(),
            p.ended_at
                .map(weibao::views::time::china)
                .unwrap_or_default(),
            render(&v)
        )
    })
}

//! `weibao billing …`: the quote of a work order (who pays, line by line), the cause and labour
//! that decide it, and the customer's consent. The rules are the core's (`weibao::billing`).

use crate::output::{emit, table};
use crate::Ctx;
use clap::Subcommand;
use weibao::billing::{self, BillingInput, BillingView};
use weibao::Error;

#[derive(Subcommand)]
pub enum BillingCmd {
    /// The quote: each line free or billable with why, the total, the consent.
    Show { work_order: String },
    /// Record the cause, labour (person-days, in halves), travel and survey fee (yuan).
    Set {
        work_order: String,
        /// natural_wear, consumable, human_damage, misuse, force_majeure, ground_subsidence,
        /// third_party_repair, move, after_contract_end — or the Chinese label (人为损坏 …)
        #[arg(long)]
        cause: Option<String>,
        #[arg(long)]
        labour_days: Option<String>,
        #[arg(long)]
        travel: Option<String>,
        #[arg(long)]
        survey: Option<String>,
    },
    /// The customer agrees to the current total (and, with --refurbished-ok, to a refurbished
    /// part in writing).
    Consent {
        work_order: String,
        #[arg(long)]
        by: String,
        #[arg(long)]
        refurbished_ok: bool,
    },
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

fn shown(v: &BillingView) -> String {
    let b = &v.quote.basis;
    let mut out = format!(
        "故障原因 cause: {}{}\n",
        b.cause.label_zh(),
        if b.cause_recorded {
            ""
        } else {
            "（未记录，按自然故障计 / not recorded)"
        }
    );
    out.push_str(&table(
        &["项目", "数量", "金额（元）", "计费", "依据"],
        v.quote.lines.iter().map(|l| {
            vec![
                l.label.clone(),
                l.quantity(weibao::Lang::Zh),
                yuan(l.amount_fen),
                if l.billable { "计费" } else { "免费" }.to_string(),
                l.reason_zh.clone(),
            ]
        }),
    ));
    out.push_str(&format!("应收合计 total: {} 元\n", yuan(v.quote.total_fen)));
    match (&v.consent, v.needs_consent) {
        (Some(c), _) => out.push_str(&format!(
            "客户确认 agreed: {} {}\n",
            c.signer, c.consented_at
        )),
        (None, true) => out.push_str("客户尚未确认费用 / not yet agreed by the customer\n"),
        (None, false) => {}
    }
    if let Some(n) = v.repeat_repairs {
        out.push_str(&format!(
            "注意：该设备一年内第 {n} 次维修，按合同应更换新设备（需客户同意）/ repair {n} of this device within a year: replace with new\n"
        ));
    }
    out
}

pub fn run(ctx: &mut Ctx, cmd: BillingCmd) -> Result<(), Error> {
    let v = match cmd {
        BillingCmd::Show { work_order } => billing::view(&ctx.store, &work_order)?,
        BillingCmd::Set {
            work_order,
            cause,
            labour_days,
            travel,
            survey,
        } => billing::set(
            &mut ctx.store,
            &work_order,
            &BillingInput {
                cause,
                labour_days,
                travel_yuan: travel,
                survey_yuan: survey,
            },
        )?,
        BillingCmd::Consent {
            work_order,
            by,
            refurbished_ok,
        } => billing::consent(&mut ctx.store, &work_order, &by, refurbished_ok)?,
    };
    emit(ctx, &v, || shown(&v))
}

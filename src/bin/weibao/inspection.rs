//! `weibao inspection …`: start an inspection of a lane, answer items, progress, complete,
//! open faults from failed items, correct a completed one, and the due/overdue schedule.

use crate::output::{emit, opt, table};
use crate::template::library;
use crate::Ctx;
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;
use weibao::checklist::catalog;
use weibao::checklist::run::{self, Ack, Given};
use weibao::checklist::schedule::{self, SlotStatus};
use weibao::checklist::state::Progress;
use weibao::Error;

/// An answers file (`--from`, one KEY=VALUE a line) larger than this is refused unread: the
/// largest inspection has a few hundred items, a few KB of answers.
const MAX_ANSWERS_BYTES: u64 = 1 << 20;

#[derive(Subcommand)]
pub enum InspectionCmd {
    /// Start an inspection of a lane (code or id) with a template.
    Start {
        #[arg(long)]
        lane: String,
        /// Template id (see `weibao template list`).
        #[arg(long, default_value = "quarterly_lane")]
        template: String,
        /// Folder of *.toml templates to use instead of the ones in use (shipped + stored by
        /// office staff).
        #[arg(long, env = "WEIBAO_TEMPLATES")]
        templates: Option<PathBuf>,
    },
    /// The templates a lane can start: code, kind and title (shipped + stored by office staff,
    /// minus the retired).
    Templates,
    /// Answer one item (`ITEM` is its key, e.g. gate.boom@HG01-L01-BG01, or its id), or every
    /// `KEY=VALUE` line of a file with --from; each answer is saved (durably) on its own and
    /// acknowledged with one output line.
    Answer {
        id: String,
        #[arg(required_unless_present = "from")]
        item: Option<String>,
        /// pass/fail/na, yes/no, a number, text, an option id (comma-separated for several).
        value: Option<String>,
        /// Instrument used, for readings.
        #[arg(long)]
        instrument: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Photo file(s) (JPEG/PNG) for a photo item: validated, report copy made, original kept.
        #[arg(long)]
        photo: Vec<PathBuf>,
        /// A file of `KEY=VALUE` lines (`#` comments allowed).
        #[arg(long, conflicts_with_all = ["item", "value"])]
        from: Option<PathBuf>,
    },
    /// Answered / required, and which required items are missing.
    Progress { id: String },
    /// Every item of an inspection with its answer.
    Show {
        id: String,
        /// Also list items that are not shown (their condition does not hold).
        #[arg(long)]
        all: bool,
    },
    /// Inspections, newest first.
    List {
        #[arg(long)]
        lane: Option<String>,
    },
    /// Complete: refused while required items are missing, and while failed items have no
    /// fault opened unless told what to do with them; then frozen.
    Complete {
        id: String,
        /// Open a fault work order for every failed item that has none.
        #[arg(long, conflicts_with = "keep_failures")]
        open_faults: bool,
        /// Complete anyway, leaving failed items without a fault.
        #[arg(long)]
        keep_failures: bool,
    },
    /// Add a correction note (补充说明) to a completed inspection: text, who, when.
    Note { id: String, text: String },
    /// Open a fault work order from a failed item, at the level the template maps (the engineer confirms).
    OpenFault {
        id: String,
        item: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Correct an answer of a completed inspection (an addendum; the original stays on record).
    Correct {
        id: String,
        item: String,
        value: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        instrument: Option<String>,
    },
    /// Due and overdue periodic inspections per site and lane, from the contracts.
    Due {
        /// Only this contract (id or number); default: every contract in force today.
        #[arg(long)]
        contract: Option<String>,
        /// Every due date, not only the open ones.
        #[arg(long)]
        all: bool,
    },
}

fn progress_line(p: &Progress) -> String {
    format!(
        "进度：必填 {}/{}，已答 {}/{}，不合格 {}（超范围 {}）\n",
        p.required_answered, p.required, p.answered, p.shown, p.failed, p.out_of_range
    )
}

fn ack_line(a: &Ack) -> String {
    let mut flag = String::new();
    if a.outcome.out_of_range {
        flag.push_str(" ⚠超出范围");
    } else if a.outcome.failed {
        flag.push_str(" ✗不合格");
    }
    if a.outcome.failed {
        if let Some(l) = a.fault_level {
            flag.push_str(&format!("（可开 {l} 级故障工单）"));
        }
    }
    format!(
        "已保存 {} = {}{flag}  [必填 {}/{}]\n",
        a.key, a.answer_text, a.progress.required_answered, a.progress.required
    )
}

fn print_ack(ctx: &Ctx, a: &Ack, lines: bool) -> Result<(), Error> {
    if ctx.json && lines {
        // One compact JSON object per line: a script reading the stream knows each one is stored.
        let s = serde_json::to_string(a)
            .map_err(|e| Error::invalid("output", e.to_string(), e.to_string()))?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{s}")?;
        out.flush()?;
        Ok(())
    } else {
        emit(ctx, a, || ack_line(a))?;
        std::io::stdout().flush()?;
        Ok(())
    }
}

pub fn run(ctx: &mut Ctx, cmd: InspectionCmd) -> Result<(), Error> {
    match cmd {
        InspectionCmd::Start {
            lane,
            template,
            templates,
        } => {
            let s = match templates {
                Some(dir) => {
                    let lib = library(Some(&dir))?;
                    let t = lib.get(&template)?;
                    run::start(&mut ctx.store, t, &lane)?
                }
                None => catalog::start(&mut ctx.store, &lane, &template)?,
            };
            emit(ctx, &s, || {
                format!(
                    "{}巡检 {}\n  {} v{} · {} {} · {} 台设备 · {} 项\n{}",
                    if s.resumed { "继续未完成的" } else { "" },
                    s.header.id,
                    s.header.name,
                    s.header.template_version,
                    s.header.site_name,
                    s.header.lane_name,
                    s.devices,
                    s.items,
                    progress_line(&s.progress)
                )
            })
        }
        InspectionCmd::Templates => {
            let list = catalog::startable(&ctx.store)?;
            emit(ctx, &list, || {
                table(
                    &["编号", "版本", "类型", "名称", "来源", "项数"],
                    list.iter()
                        .map(|t| {
                            vec![
                                t.code.clone(),
                                t.version.to_string(),
                                t.kind_label_zh.to_string(),
                                t.name_zh.clone(),
                                if t.origin == "office" {
                                    "办公室"
                                } else {
                                    "内置"
                                }
                                .to_string(),
                                t.items.to_string(),
                            ]
                        })
                        .collect::<Vec<_>>(),
                )
            })
        }
        InspectionCmd::Answer {
            id,
            item,
            value,
            instrument,
            note,
            photo,
            from,
        } => {
            if let Some(file) = from {
                let text = weibao::files::read_text("from", &file, MAX_ANSWERS_BYTES)?;
                for (n, line) in text.lines().enumerate() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    let place = format!("{}:{}", file.display(), n + 1);
                    let Some((key, value)) = line.split_once('=') else {
                        return Err(Error::invalid(
                            "from",
                            "每行应为 项目=答案",
                            "each line must be KEY=VALUE",
                        )
                        .at(place));
                    };
                    let a = run::answer(
                        &mut ctx.store,
                        &id,
                        key.trim(),
                        &Given::text(value.trim()),
                        None,
                    )
                    .map_err(|e| e.at(place))?;
                    print_ack(ctx, &a, true)?;
                }
                return Ok(());
            }
            let item = item.unwrap_or_default();
            if !photo.is_empty() {
                // Through the photo pipeline: validated, EXIF read, report copy made once; the
                // photo item's answer is recorded with it.
                let owner = weibao::report::photos::PhotoOwner::Inspection {
                    inspection_id: id.clone(),
                    item: Some(item.clone()),
                };
                let mut stored = Vec::new();
                for p in &photo {
                    let bytes = weibao::report::photos::read_photo_file("photo", p)?;
                    stored.push(weibao::report::photos::attach(
                        &mut ctx.store,
                        &owner,
                        &bytes,
                        note.as_deref(),
                    )?);
                }
                let progress = run::progress(&ctx.store, &id)?;
                let out = serde_json::json!({ "photos": stored, "progress": progress });
                return emit(ctx, &out, || {
                    format!(
                        "已保存 {} 张照片（{}）\n",
                        stored.len(),
                        stored
                            .iter()
                            .map(|p| p.original_sha256.get(..12).unwrap_or(""))
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                });
            }
            let text = value.unwrap_or_default();
            let a = run::answer(
                &mut ctx.store,
                &id,
                &item,
                &Given::Text { text, instrument },
                note.as_deref(),
            )?;
            print_ack(ctx, &a, false)
        }
        InspectionCmd::Progress { id } => {
            let p = run::progress(&ctx.store, &id)?;
            emit(ctx, &p, || {
                let mut out = progress_line(&p);
                for m in &p.missing {
                    out += &format!("  未填：{}  {}\n", m.key, m.label_zh);
                }
                out
            })
        }
        InspectionCmd::Show { id, all } => {
            let d = run::detail(&ctx.store, &id)?;
            emit(ctx, &d, || {
                let h = &d.header;
                let mut out = format!(
                    "巡检 {}\n  {} v{} · {} {} · 开始 {} · {}\n{}\n",
                    h.id,
                    h.name,
                    h.template_version,
                    h.site_name,
                    h.lane_name,
                    h.started_at,
                    h.completed_at
                        .as_deref()
                        .map(|c| format!("完成 {c}"))
                        .unwrap_or_else(|| "进行中".into()),
                    progress_line(&d.progress)
                );
                out += &table(
                    &["项目（答题用）", "内容", "必填", "答案", "结果", "工单"],
                    d.items.iter().filter(|i| all || i.shown).map(|i| {
                        let result = if i.out_of_range {
                            "超范围".to_string()
                        } else if i.failed {
                            "不合格".to_string()
                        } else {
                            String::new()
                        };
                        let mut answer = opt(&i.answer_text);
                        if let Some(c) = &i.correction {
                            answer +=
                                &format!(" → 更正（{}）", c.reason.clone().unwrap_or_default());
                        }
                        vec![
                            i.key.clone(),
                            i.label_zh.clone(),
                            if i.required { "是" } else { "" }.to_string(),
                            answer,
                            result,
                            opt(&i.work_order_id),
                        ]
                    }),
                );
                out
            })
        }
        InspectionCmd::List { lane } => {
            let list = run::list(&ctx.store, lane.as_deref())?;
            emit(ctx, &list, || {
                table(
                    &["巡检", "车道", "模板", "开始", "完成"],
                    list.iter().map(|h| {
                        vec![
                            h.id.clone(),
                            format!("{} {}", h.lane_code, h.lane_name),
                            format!("{} v{}", h.template_id, h.template_version),
                            h.started_at.clone(),
                            opt(&h.completed_at),
                        ]
                    }),
                )
            })
        }
        InspectionCmd::Complete {
            id,
            open_faults,
            keep_failures,
        } => {
            let on_failed = match (open_faults, keep_failures) {
                (true, _) => run::OnFailed::OpenFaults,
                (false, true) => run::OnFailed::Keep,
                (false, false) => run::OnFailed::Ask,
            };
            let c = run::complete_with(&mut ctx.store, &id, on_failed)?;
            emit(ctx, &c, || {
                let mut out = format!(
                    "巡检 {} 已完成（{}）\n{}",
                    c.header.id,
                    opt(&c.header.completed_at),
                    progress_line(&c.progress)
                );
                if !c.failures.is_empty() {
                    out +=
                        "不合格项（确认后可开故障工单：weibao inspection open-fault ID 项目）：\n";
                    out += &table(
                        &["项目", "设备", "内容", "答案", "级别", "工单"],
                        c.failures.iter().map(|f| {
                            vec![
                                f.key.clone(),
                                opt(&f.device_code),
                                f.label_zh.clone(),
                                f.answer_text.clone(),
                                f.fault_level.map(|l| l.to_string()).unwrap_or_default(),
                                opt(&f.work_order_id),
                            ]
                        }),
                    );
                }
                out
            })
        }
        InspectionCmd::OpenFault { id, item, note } => {
            let wo = run::open_fault(&mut ctx.store, &id, &item, note.as_deref())?;
            emit(ctx, &wo, || {
                format!(
                    "已开故障工单 {}（{} 级）：{}\n  到场时限：{}\n",
                    wo.id,
                    wo.level.map(|l| l.to_string()).unwrap_or_default(),
                    wo.title,
                    opt(&wo.on_site_by)
                )
            })
        }
        InspectionCmd::Correct {
            id,
            item,
            value,
            reason,
            instrument,
        } => {
            let a = run::addendum(
                &mut ctx.store,
                &id,
                &item,
                &Given::Text {
                    text: value,
                    instrument,
                },
                &reason,
            )?;
            emit(ctx, &a, || format!("已记录更正（附录）：{}", ack_line(&a)))
        }
        InspectionCmd::Note { id, text } => {
            let n = weibao::checklist::addendum::add_note(&mut ctx.store, &id, &text)?;
            emit(ctx, &n, || {
                format!("已添加补充说明（{} {}）\n", n.engineer_name, n.written_at)
            })
        }
        InspectionCmd::Due { contract, all } => {
            let lanes = schedule::schedule(&ctx.store, contract.as_deref())?;
            let rows: Vec<_> = lanes
                .iter()
                .flat_map(|l| l.slots.iter().map(move |s| (l, s)))
                .filter(|(_, s)| all || matches!(s.status, SlotStatus::Due | SlotStatus::Overdue))
                .collect();
            let json: Vec<_> = if all {
                lanes.iter().collect()
            } else {
                lanes.iter().filter(|l| l.next_open().is_some()).collect()
            };
            emit(ctx, &json, || {
                table(
                    &["合同", "站点", "车道", "窗口开始", "到期", "状态", "完成日"],
                    rows.iter().map(|(l, s)| {
                        vec![
                            l.contract_number.clone(),
                            l.site_name.clone(),
                            format!("{} {}", l.lane_code, l.lane_name),
                            s.opens.to_string(),
                            s.due.to_string(),
                            s.status.label_zh().to_string(),
                            s.done_on.map(|d| d.to_string()).unwrap_or_default(),
                        ]
                    }),
                )
            })
        }
    }
}

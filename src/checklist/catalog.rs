//! The checklist templates that can be started on a lane (issue 14): the ones shipped in the
//! binary, plus the ones office staff stored (`checklist_template`, synced to every laptop),
//! minus the retired.
//!
//! Office staff add a template by storing its TOML text, validated exactly like a shipped file
//! ([`super::validate`]); a stored template with the code of a shipped one replaces it (an
//! edited copy with a higher `version`). Retiring a code (a shipped one too) keeps it from
//! being started; inspections already made keep their own snapshot of every item and are not
//! touched. The list is read from the store each time, so a template that arrived by sync can
//! be started at once and a retired one no longer can.
//!
//! Every face starts an inspection by the template's code through [`start`], so an unknown or
//! retired code is refused the same way everywhere: an error on `inspection.template` naming
//! the codes that can be started, before anything is written.

use rusqlite::Connection;
use serde::Serialize;

use super::run::{self, Started};
use super::template::{InspectionKind, Template};
use super::{validate, Library};
use crate::error::{Error, Result};
use crate::store::{derived_id, Store, Tx};

/// The field an unknown or retired template is refused on.
pub const FIELD: &str = "inspection.template";

/// A template an engineer can start on a lane.
#[derive(Debug, Clone, Serialize)]
pub struct Startable {
    /// The template's code (`id` in its file): what starting names it by.
    pub code: String,
    pub version: u32,
    pub kind: InspectionKind,
    pub kind_label_zh: &'static str,
    pub kind_label_en: &'static str,
    pub name_zh: String,
    pub name_en: Option<String>,
    /// `shipped` (in the binary) or `office` (stored by office staff).
    pub origin: &'static str,
    /// Questions in the template (before they are repeated per device on a lane).
    pub items: usize,
}

/// The templates in use, as [`in_use`] reads them.
pub struct InUse {
    pub library: Library,
    /// Codes stored by the office (not retired) whose text this build cannot read (written by
    /// a newer weibao, say): not startable, and named as such when asked for.
    pub unreadable: Vec<(String, Error)>,
    /// Retired codes.
    pub retired: Vec<String>,
    /// Codes stored by the office (the rest are shipped).
    office: Vec<String>,
}

impl InUse {
    /// The template of `code`, or the error naming the field and what can be started.
    pub fn get(&self, code: &str) -> Result<&Template> {
        let code = code.trim();
        if code.is_empty() {
            return Err(Error::invalid(
                FIELD,
                format!("请选择巡检模板，可用：{}", self.codes().join("、")),
                format!("choose a checklist template: {}", self.codes().join(", ")),
            ));
        }
        if let Ok(t) = self.library.get(code) {
            return Ok(t);
        }
        if self.retired.iter().any(|c| c == code) {
            return Err(Error::invalid(
                FIELD,
                format!(
                    "巡检模板「{code}」已停用，不能再开始；可用：{}",
                    self.codes().join("、")
                ),
                format!(
                    "checklist template {code:?} is retired and can no longer be started; available: {}",
                    self.codes().join(", ")
                ),
            ));
        }
        if let Some((_, e)) = self.unreadable.iter().find(|(c, _)| c == code) {
            return Err(Error::invalid(
                FIELD,
                format!(
                    "办公室提供的巡检模板「{code}」无法读取（可能需要更新 weibao）：{}",
                    e.message_zh()
                ),
                format!("the office's checklist template {code:?} cannot be read by this version of weibao (update it): {e}"),
            ));
        }
        Err(Error::invalid(
            FIELD,
            format!(
                "没有编号为「{code}」的巡检模板；可用：{}",
                self.codes().join("、")
            ),
            format!(
                "there is no checklist template {code:?}; available: {}",
                self.codes().join(", ")
            ),
        ))
    }

    fn codes(&self) -> Vec<&str> {
        self.library
            .templates()
            .iter()
            .map(|t| t.id.as_str())
            .collect()
    }

    /// The first template in use of a kind: what a due inspection on Today starts.
    pub fn of_kind(&self, kind: InspectionKind) -> Result<&Template> {
        self.library
            .templates()
            .iter()
            .find(|t| t.kind == kind)
            .ok_or_else(|| {
                Error::invalid(
                    FIELD,
                    format!("没有可用的{}模板（已全部停用）", kind.label_zh()),
                    format!("no {} template is in use (all retired)", kind.label_en()),
                )
            })
    }

    /// What the faces list: code, kind and title of each startable template.
    pub fn startable(&self) -> Vec<Startable> {
        self.library
            .templates()
            .iter()
            .map(|t| Startable {
                code: t.id.clone(),
                version: t.version,
                kind: t.kind,
                kind_label_zh: t.kind.label_zh(),
                kind_label_en: t.kind.label_en(),
                name_zh: t.name_zh.clone(),
                name_en: t.name_en.clone(),
                origin: if self.office.contains(&t.id) {
                    "office"
                } else {
                    "shipped"
                },
                items: t.items().count(),
            })
            .collect()
    }
}

/// The shipped templates overlaid with the office's rows: a stored text replaces the shipped
/// template of its code (or joins the list), a retired row takes its code out.
pub fn in_use(conn: &Connection) -> Result<InUse> {
    let mut library = Library::shipped()?;
    let mut st = conn.prepare(
        "SELECT code, body, retired FROM checklist_template WHERE deleted = 0 ORDER BY code",
    )?;
    let rows: Vec<(String, Option<String>, bool)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let (mut unreadable, mut retired, mut office) = (Vec::new(), Vec::new(), Vec::new());
    for (code, body, is_retired) in rows {
        if is_retired {
            library.remove(&code);
            retired.push(code);
            continue;
        }
        let parsed = body
            .as_deref()
            .ok_or_else(|| Error::invalid("template", "模板内容为空", "the template is empty"))
            .and_then(|b| validate::parse(b, &format!("office:{code}")))
            .and_then(|t| {
                if t.id == code {
                    Ok(t)
                } else {
                    Err(Error::invalid(
                        "template",
                        format!("模板 id「{}」与记录「{code}」不符", t.id),
                        format!("template id {:?} does not match its row {code:?}", t.id),
                    ))
                }
            });
        match parsed {
            Ok(t) => {
                library.put(t);
                office.push(code);
            }
            Err(e) => {
                library.remove(&code);
                unreadable.push((code, e));
            }
        }
    }
    Ok(InUse {
        library,
        unreadable,
        retired,
        office,
    })
}

/// The templates that can be started on a lane.
pub fn startable(store: &Store) -> Result<Vec<Startable>> {
    Ok(in_use(store.conn())?.startable())
}

/// Start an inspection of a lane (id or code) with the template of `code`, or open the one in
/// progress there. An unknown or retired code is refused on [`FIELD`] and nothing is stored.
pub fn start(store: &mut Store, lane_ref: &str, code: &str) -> Result<Started> {
    let lib = in_use(store.conn())?;
    let template = lib.get(code)?;
    run::start(store, template, lane_ref)
}

/// Start the inspection of a kind a due slot asks for (the quarterly one, the baseline at
/// contract start) with the template in use for that kind.
pub fn start_kind(store: &mut Store, lane_ref: &str, kind: InspectionKind) -> Result<Started> {
    let lib = in_use(store.conn())?;
    let template = lib.of_kind(kind)?;
    run::start(store, template, lane_ref)
}

fn row_id(code: &str) -> String {
    derived_id("checklist_template", code)
}

/// Office staff store a template (TOML text): validated like a shipped file, then startable on
/// every laptop after its next sync. A template whose code is in use must raise `version`
/// when its questions change (two records would otherwise claim the same questions and
/// differ); storing the very same text again changes nothing.
pub fn add(tx: &Tx, text: &str, source: &str) -> Result<Startable> {
    let t = validate::parse(text, source)?;
    let current = in_use(tx.conn())?;
    if let Ok(old) = current.library.get(&t.id) {
        if t.version < old.version || (t.version == old.version && t.sha256 != old.sha256) {
            return Err(Error::invalid(
                "template.version",
                format!(
                    "模板「{}」已有第 {} 版且内容不同：修改后请把 version 提高到 {} 以上",
                    t.id, old.version, old.version
                ),
                format!(
                    "template {} already has version {} with other questions: raise `version` above {}",
                    t.id, old.version, old.version
                ),
            ));
        }
    }
    let id = row_id(&t.id);
    let cols: [(&'static str, &dyn rusqlite::ToSql); 8] = [
        ("code", &t.id),
        ("version", &t.version),
        ("kind", &t.kind.as_str()),
        ("name_zh", &t.name_zh),
        ("name_en", &t.name_en),
        ("sha256", &t.sha256),
        ("body", &text),
        ("retired", &0i64),
    ];
    upsert(tx, &id, &cols)?;
    in_use(tx.conn())?
        .startable()
        .into_iter()
        .find(|s| s.code == t.id)
        .ok_or_else(|| Error::not_found("template", t.id.clone()))
}

/// Office staff retire a template (shipped or stored): it can no longer be started. Its past
/// inspections stay as they are. Retiring an unknown code is refused on `template.code`.
pub fn retire(tx: &Tx, code: &str) -> Result<()> {
    let current = in_use(tx.conn())?;
    let code = code.trim();
    let t = current.library.get(code).map_err(|_| {
        let known: Vec<&str> = current.codes();
        Error::invalid(
            "template.code",
            format!("没有可停用的巡检模板「{code}」；在用：{}", known.join("、")),
            format!(
                "no checklist template {code:?} in use to retire; in use: {}",
                known.join(", ")
            ),
        )
    })?;
    let id = row_id(&t.id);
    let cols: [(&'static str, &dyn rusqlite::ToSql); 6] = [
        ("code", &t.id),
        ("version", &t.version),
        ("kind", &t.kind.as_str()),
        ("name_zh", &t.name_zh),
        ("sha256", &t.sha256),
        ("retired", &1i64),
    ];
    upsert(tx, &id, &cols)
}

fn upsert(tx: &Tx, id: &str, cols: &[(&'static str, &dyn rusqlite::ToSql)]) -> Result<()> {
    let exists: bool = tx.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM checklist_template WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if exists {
        tx.update("checklist_template", id, cols)
    } else {
        tx.insert("checklist_template", id, cols)
    }
}

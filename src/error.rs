//! The one error type of the core.
//!
//! Every face (CLI, desktop shell, office server) shows the same thing for the same failure, so
//! the error carries a stable machine `kind` (the UI branches on it, tests match on it) and a
//! human message in Chinese and English. It serialises to `{kind, message, message_en, field}`
//! so the UI never sees a debug dump.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Result alias used across the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which language a message is wanted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value a user typed (or a file supplied) is not acceptable. `field` is the stable
    /// machine key (the UI puts the message beside that input); the messages name the thing
    /// in the person's words ([`crate::fields`]), never by the key.
    #[error("{}", crate::fields::human(field, en, Lang::En))]
    Invalid {
        field: String,
        zh: String,
        en: String,
    },
    /// A secret archive was opened without saying why (查询和借阅管理制度: reading is by
    /// procedure): the UI asks for the purpose and opens it again with one. Nothing was logged.
    #[error("the archive of {device} is {level_en}: say why you are reading it (purpose)")]
    PurposeRequired {
        device: String,
        level_zh: &'static str,
        level_en: &'static str,
    },
    /// A referenced record does not exist (or is tombstoned).
    #[error("{} not found: {id:?}", entity_en(entity))]
    NotFound { entity: &'static str, id: String },
    /// A work-order state change the state machine does not allow.
    #[error("illegal transition of work order {id}: {from} → {to}")]
    IllegalTransition {
        id: String,
        from: String,
        to: String,
    },
    /// Taking more of a part from a location than the ledger says is there.
    #[error(
        "insufficient stock of {part} at {location}: on hand {on_hand}, requested {requested}"
    )]
    InsufficientStock {
        part: String,
        location: String,
        on_hand: i64,
        requested: i64,
    },
    /// A record that is frozen (signed report, completed inspection) was asked to change. The
    /// messages say so in the user's words and what to do instead (an addendum).
    #[error("{en}")]
    Immutable { zh: String, en: String },
    /// A rule refuses the action in the current state (e.g. completing with items missing).
    #[error("{en}")]
    Refused {
        kind: &'static str,
        zh: String,
        en: String,
    },
    /// A checklist template is malformed. `location` is `file:line:item`.
    #[error("template error at {location}: {en}")]
    Template {
        location: String,
        zh: String,
        en: String,
    },
    /// The database was written by a newer weibao.
    #[error("database schema version {found} is newer than this weibao supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    /// The database file is not a weibao database or is damaged.
    #[error("database error: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// A file a person named could not be read or written; made only by [`crate::files`], so
    /// the message names the path and `field` the option it came from (`db`, `out`, …).
    #[error("{}", crate::fields::human(field, en, Lang::En))]
    File {
        field: String,
        path: String,
        zh: String,
        en: String,
    },
    /// Another error, at a place in a file read line by line (`answers.txt:3`). Kind and field
    /// are the inner error's; the messages start with the place.
    #[error("{location}: {inner}")]
    At { location: String, inner: Box<Error> },
    /// PDF building, signing or verification failed for a reason that is not the user's input.
    #[error("{en}")]
    Report {
        kind: &'static str,
        zh: String,
        en: String,
    },
    /// Every problem found in a batch checked before anything is written (the rows of an
    /// inventory import): each is usually an [`Error::At`] a row, its field the column. The
    /// messages list them one per line, `file:sheet:row: column: message`.
    #[error("{}", rows_en(errors))]
    Rows { errors: Vec<Error> },
}

/// `place: column: message`, the one-line form of an error at a row and column.
fn row_line(e: &Error, lang: Lang) -> String {
    match e {
        Error::At { location, inner } => match inner.as_ref() {
            Error::Invalid { field, zh, en } => {
                let msg = if lang == Lang::Zh { zh } else { en };
                // `field` here is the column heading as written in the person's own file.
                format!("{location}: {field}: {msg}")
            }
            other => format!("{location}: {}", other.message(lang)),
        },
        other => other.message(lang),
    }
}

fn rows_en(errors: &[Error]) -> String {
    let n = errors.len();
    let mut s = format!(
        "{n} problem{} found; nothing was written:",
        if n == 1 { "" } else { "s" }
    );
    for e in errors {
        s.push('\n');
        s.push_str(&row_line(e, Lang::En));
    }
    s
}

fn rows_zh(errors: &[Error]) -> String {
    let mut s = format!("发现 {} 处错误，未写入任何内容：", errors.len());
    for e in errors {
        s.push('\n');
        s.push_str(&row_line(e, Lang::Zh));
    }
    s
}

impl Error {
    /// Shorthand for a validation error on a named field.
    pub fn invalid(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn not_found(entity: &'static str, id: impl Into<String>) -> Self {
        Error::NotFound {
            entity,
            id: id.into(),
        }
    }

    pub fn immutable(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Immutable {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn refused(kind: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Refused {
            kind,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// This error, at `location` (a file and line).
    pub fn at(self, location: impl Into<String>) -> Self {
        Error::At {
            location: location.into(),
            inner: Box::new(self),
        }
    }

    /// Stable machine-readable code. Never change an existing one: UIs and scripts match on it.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::PurposeRequired { .. } => "purpose_required",
            Error::IllegalTransition { .. } => "illegal_transition",
            Error::InsufficientStock { .. } => "insufficient_stock",
            Error::Immutable { .. } => "immutable",
            Error::Refused { kind, .. } => kind,
            Error::Template { .. } => "template",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::Storage(_) => "storage",
            Error::Migration(_) => "migration",
            Error::Io(_) | Error::File { .. } => "io",
            Error::Report { kind, .. } => kind,
            Error::At { inner, .. } => inner.kind(),
            Error::Rows { .. } => "rows_rejected",
        }
    }

    /// The field a validation error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } | Error::File { field, .. } => Some(field),
            Error::At { inner, .. } => inner.field(),
            Error::PurposeRequired { .. } => Some("archive_access.purpose"),
            // What was looked for is the field that named it (`device`, `lane`, …).
            Error::NotFound { entity, .. } => Some(entity),
            _ => None,
        }
    }

    /// Human message in the wanted language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => self.message_zh(),
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            Error::Invalid { field, zh, .. } => crate::fields::human(field, zh, Lang::Zh),
            Error::NotFound { entity, id } => format!("未找到{}「{id}」", entity_zh(entity)),
            Error::PurposeRequired {
                device, level_zh, ..
            } => format!("设备 {device} 的档案密级为「{level_zh}」，查阅前请填写查阅目的"),
            Error::IllegalTransition { from, to, .. } => format!(
                "工单状态不能从「{}」变为「{}」",
                state_zh(from),
                state_zh(to)
            ),
            Error::InsufficientStock {
                part,
                location,
                on_hand,
                requested,
            } => format!("{location} 的 {part} 库存不足：现有 {on_hand}，需要 {requested}"),
            Error::Immutable { zh, .. } => zh.clone(),
            Error::Refused { zh, .. } => zh.clone(),
            Error::Template { location, zh, .. } => format!("模板错误 {location}：{zh}"),
            Error::SchemaTooNew { found, supported } => format!(
                "数据库由更新版本的 weibao 创建（结构版本 {found}，本程序支持 {supported}），请升级程序"
            ),
            Error::Storage(e) => format!("数据库错误：{e}"),
            Error::Migration(e) => format!("数据库升级失败：{e}"),
            Error::Io(e) => format!("文件错误：{e}"),
            Error::File { field, zh, .. } => crate::fields::human(field, zh, Lang::Zh),
            Error::Report { zh, .. } => zh.clone(),
            Error::At { location, inner } => format!("{location}：{}", inner.message_zh()),
            Error::Rows { errors } => rows_zh(errors),
        }
    }
}

fn entity_zh(entity: &str) -> &str {
    match entity {
        "device" => "设备",
        "work_order" => "工单",
        "engineer" => "工程师",
        "customer" => "客户",
        "site" => "站点",
        "lane" => "通道",
        "contract" => "合同",
        "part" => "备件",
        "location" => "库位",
        "spare_unit" => "备机",
        "inspection" => "巡检",
        "template" => "巡检模板",
        "item" => "巡检项",
        "blob" => "文件",
        "report" => "报告",
        "sla_pause" => "暂停记录",
        "calendar" => "服务日历",
        other => other,
    }
}

fn entity_en(entity: &str) -> String {
    match entity {
        "work_order" => "work order".into(),
        "spare_unit" => "spare unit".into(),
        "template" => "checklist template".into(),
        "item" => "checklist item".into(),
        "blob" => "file".into(),
        "location" => "stock location".into(),
        "sla_pause" => "SLA pause".into(),
        other => other.replace('_', " "),
    }
}

fn state_zh(state: &str) -> &str {
    crate::domain::work_order::WorkOrderState::parse(state)
        .map(|s| s.label_zh())
        .unwrap_or(state)
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Error", 4)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.message_zh())?;
        st.serialize_field("message_en", &self.to_string())?;
        st.serialize_field("field", &self.field())?;
        st.end()
    }
}

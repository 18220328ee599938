//! An import as the desktop app shows it: what was added or updated, or every bad cell, one
//! per row, as data rather than one long message, so the screen can list them beside the file.

use std::path::PathBuf;

use serde::Serialize;

use super::{import, import_uploads, ImportOptions, ImportSummary, Upload};
use crate::error::{Error, Lang};
use crate::store::Store;
use crate::Result;

/// One bad cell of an inventory file.
#[derive(Debug, Clone, Serialize)]
pub struct RowProblem {
    /// `file:sheet:row` (or the file alone when the file itself is the problem).
    pub at: String,
    /// The column heading as written in the file.
    pub column: Option<String>,
    pub message: String,
    pub message_en: String,
}

/// What importing a file did: `summary` when it was imported (or checked, dry), else the
/// `problems`, and nothing was written.
#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    pub imported: bool,
    pub summary: Option<ImportSummary>,
    pub problems: Vec<RowProblem>,
}

fn row(e: &Error) -> RowProblem {
    let (at, inner) = match e {
        Error::At { location, inner } => (location.clone(), inner.as_ref()),
        other => (String::new(), other),
    };
    let (column, zh, en) = match inner {
        Error::Invalid { field, zh, en } => (Some(field.clone()), zh.clone(), en.clone()),
        other => (None, other.message(Lang::Zh), other.message(Lang::En)),
    };
    RowProblem {
        at,
        column,
        message: zh,
        message_en: en,
    }
}

/// Import inventory files (all or nothing, as [`import`]), turning rejected rows into a list.
/// Errors that are not about the rows (an unreadable file, the database) stay errors.
pub fn import_outcome(
    store: &mut Store,
    paths: &[PathBuf],
    opts: ImportOptions,
) -> Result<ImportOutcome> {
    outcome(import(store, paths, opts))
}

/// [`import_outcome`] for files the desktop app hands over as bytes.
pub fn import_uploads_outcome(
    store: &mut Store,
    uploads: &[Upload],
    opts: ImportOptions,
) -> Result<ImportOutcome> {
    outcome(import_uploads(store, uploads, opts))
}

fn outcome(result: Result<ImportSummary>) -> Result<ImportOutcome> {
    match result {
        Ok(summary) => Ok(ImportOutcome {
            imported: !summary.dry_run,
            summary: Some(summary),
            problems: Vec::new(),
        }),
        Err(Error::Rows { errors }) => Ok(ImportOutcome {
            imported: false,
            summary: None,
            problems: errors.iter().map(row).collect(),
        }),
        Err(e @ Error::At { .. }) => Ok(ImportOutcome {
            imported: false,
            summary: None,
            problems: vec![row(&e)],
        }),
        Err(e) => Err(e),
    }
}

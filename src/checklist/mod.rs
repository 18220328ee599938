//! Inspection checklists (issue 4): templates office staff write, inspections engineers fill in
//! at the lane, and the schedule of when each lane is due.
//!
//! - [`template`]: the typed template and how one answer is judged against one item.
//! - [`validate`]: loading a TOML template with errors that point at `file:line:item`.
//! - [`Library`]: the set of templates in use (a folder, or the ones shipped in the binary).
//! - [`run`]: inspections of a lane — start, answer, progress, complete, faults, addenda.
//! - [`state`]: reading an inspection back (what is shown, required, answered).
//! - [`schedule`]: due and overdue inspections per lane from the contract.
//! - [`catalog`]: the templates that can be started on a lane (shipped + stored by the office).
//! - [`baseline`]: the baseline inspection at contract start, and its pre-existing findings.

pub mod addendum;
pub mod baseline;
pub mod catalog;
pub mod complete;
mod item_reader;
pub mod run;
pub mod schedule;
pub mod state;
pub mod template;
pub mod validate;

use std::path::Path;

pub use template::{AnswerValue, InspectionKind, Item, ItemKind, Outcome, Template, Verdict};

use crate::error::{Error, Result};

/// The templates shipped with weibao, embedded so an installed binary works without the
/// source tree; office staff can point `--templates DIR` at their own edited copies.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "daily.toml",
        include_str!("../../resources/checklists/daily.toml"),
    ),
    (
        "quarterly.toml",
        include_str!("../../resources/checklists/quarterly.toml"),
    ),
    (
        "baseline.toml",
        include_str!("../../resources/checklists/baseline.toml"),
    ),
];

/// A loaded, validated set of templates with unique ids.
#[derive(Debug, Clone, Default)]
pub struct Library {
    templates: Vec<Template>,
}

impl Library {
    /// The templates embedded in this build.
    pub fn shipped() -> Result<Self> {
        let mut lib = Library::default();
        for (name, text) in SHIPPED {
            lib.add(validate::parse(
                text,
                &format!("resources/checklists/{name}"),
            )?)?;
        }
        Ok(lib)
    }

    /// Every `*.toml` in a folder (sorted by file name, so errors come in a stable order).
    pub fn load_dir(dir: &Path) -> Result<Self> {
        let list_error = |e: &std::io::Error| {
            crate::files::io_error("templates", dir, crate::files::Op::List, e)
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| list_error(&e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut lib = Library::default();
        for f in files {
            lib.add(load_file(&f)?)?;
        }
        Ok(lib)
    }

    /// Adds a template; a second template with the same id is an error (which one would a
    /// new inspection use?).
    pub fn add(&mut self, t: Template) -> Result<()> {
        if let Some(other) = self.templates.iter().find(|o| o.id == t.id) {
            return Err(Error::Template {
                location: format!("{}:1", t.source),
                zh: format!("模板 id「{}」与 {} 重复", t.id, other.source),
                en: format!("template id {:?} is also used by {}", t.id, other.source),
            });
        }
        self.templates.push(t);
        Ok(())
    }

    /// Puts a template in, in place of one with the same id (office staff's newer version of
    /// a shipped template replaces it where it stood in the list).
    pub fn put(&mut self, t: Template) {
        match self.templates.iter_mut().find(|o| o.id == t.id) {
            Some(o) => *o = t,
            None => self.templates.push(t),
        }
    }

    /// Takes a template out (retired); true when it was there.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.templates.len();
        self.templates.retain(|t| t.id != id);
        self.templates.len() != before
    }

    pub fn get(&self, id: &str) -> Result<&Template> {
        self.templates
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| Error::not_found("template", id))
    }

    pub fn templates(&self) -> &[Template] {
        &self.templates
    }
}

/// Templates larger than this are refused before parsing. The shipped quarterly template is
/// 12 KB for 40 questions; 1 MB is ~3,500 items, far past any real checklist, and validating it
/// takes a fraction of a second (validation is linear: `cargo bench --bench checklist`).
pub const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// Reads and validates one template file; `field` is the option it was named by
/// (`templates`, `file`).
pub fn load_file(path: &Path) -> Result<Template> {
    let text = read_template("templates", path)?;
    validate::parse(&text, &path.display().to_string())
}

/// A template file's text: UTF-8, at most [`MAX_TEMPLATE_BYTES`], errors naming the file.
pub fn read_template(field: &str, path: &Path) -> Result<String> {
    crate::files::read_text(field, path, MAX_TEMPLATE_BYTES)
}
